import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { isHttpsOrLoopback, settingIssue } from 'handover-kit/connector-utils';

/**
 * Settings of a Zendesk Sunshine Conversations (switchboard) provider, and the per-handover
 * `connectorOptions.zendesk` a flow may pass. Both are strict: a typo fails when the provider is
 * saved (or the handover is started), naming the field.
 */

/** Switchboard integrations are named with letters, digits, `-` and `_`, or referenced by id / type. */
const integrationRef = z
  .string()
  .trim()
  .min(1, 'Required')
  .max(128)
  .regex(/^[A-Za-z0-9:_-]+$/, 'Use the switchboard integration name, id or type (letters, digits, ":", "-", "_")');

export const zendeskSettingsSchema = z
  .strictObject({
    subdomain: field(
      z
        .string()
        .trim()
        .regex(/^[a-z0-9][a-z0-9-]{0,62}$/i, 'Use the subdomain only, e.g. "acme" for acme.zendesk.com')
        .optional(),
      {
        label: 'Zendesk subdomain',
        description:
          'The API host becomes https://<subdomain>.zendesk.com/sc (and the Support API ' +
          'https://<subdomain>.zendesk.com).',
        placeholder: 'acme',
      },
    ),
    baseUrl: field(z.url('Must be a URL, e.g. https://api.smooch.io').optional(), {
      label: 'API base URL',
      description:
        'Overrides the host derived from the subdomain: https://api.smooch.io or https://api.eu-1.smooch.io for ' +
        'legacy Sunshine Conversations accounts.',
    }),
    appId: field(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_-]{1,64}$/, 'Use the Sunshine Conversations app id (24 hex characters)'),
      {
        label: 'App id',
        description: 'Admin Center > Apps and integrations > APIs > Conversations API.',
      },
    ),
    keyId: field(
      z
        .string()
        .trim()
        .regex(/^[A-Za-z0-9_-]{1,128}$/, 'Use the key id (app_… or int_…), not the secret'),
      {
        label: 'API key id',
        description: 'An app key (app_…) or a custom-integration key (int_…; makes passControl retry-safe).',
      },
    ),
    keySecret: secret(z.string().min(1, 'Required'), { label: 'API key secret' }),
    authMode: field(z.enum(['basic', 'jwt']).default('basic'), {
      label: 'Authentication',
      description:
        'basic: key id and secret on every call; jwt: a self-signed HS256 token, signed once and reused until ' +
        'shortly before it expires.',
    }),
    agentIntegration: field(integrationRef.default('zd-agentWorkspace'), {
      label: 'Agent switchboard integration',
      description:
        'Name, id or type of the switchboard integration that gets control at handover (Agent Workspace by default).',
    }),
    botIntegration: field(integrationRef, {
      label: 'Bot switchboard integration',
      description:
        "Name or id of this bot's own switchboard integration: control is passed back to it when the bot closes " +
        'a handover.',
    }),
    webhookSecret: secret(z.string().trim().min(8, "Use the webhook's shared secret (at least 8 characters)"), {
      label: 'Webhook secret',
      description: 'The shared secret Zendesk sends in X-API-Key with every webhook of the bot integration.',
    }),
    transcript: field(z.enum(['messages', 'none']).default('messages'), {
      label: 'Transcript',
      description:
        'messages: post the bot transcript into the conversation before passing control (the ticket starts with ' +
        'it); none: rely on the conversation history.',
    }),
    transcriptLimit: field(z.number().int().min(1).max(200).default(50), {
      label: 'Transcript entries',
      description: 'At most this many of the latest transcript entries are posted.',
    }),
    botDisplayName: field(z.string().trim().min(1).max(100).optional(), {
      label: 'Bot display name',
      description: "Author name of the bot's transcript lines and notes (the app's name when empty).",
    }),
    supportEmail: field(z.email('Must be the email of a Zendesk admin').optional(), {
      label: 'Support API email',
      description:
        'Optional. With the API token, enables Check Agent Availability (agent_availabilities is allowed for admins).',
    }),
    supportApiToken: secret(z.string().trim().min(1, 'Required').optional(), {
      label: 'Support API token',
      description: 'Optional. Admin Center > Apps and integrations > APIs > Zendesk API.',
    }),
    supportBaseUrl: field(z.url('Must be a URL').optional(), {
      label: 'Support API base URL',
      description: 'Overrides https://<subdomain>.zendesk.com for the Support API.',
    }),
    requestTimeoutMs: field(z.number().int().min(500).max(20_000).default(10_000), {
      label: 'Request timeout (ms)',
      description: 'Deadline for each call to Zendesk.',
    }),
  })
  .superRefine((s, ctx) => {
    if (!s.subdomain && !s.baseUrl)
      settingIssue(ctx, 'subdomain', 'Set the Zendesk subdomain (or baseUrl for a legacy Sunshine Conversations host)');
    for (const key of ['baseUrl', 'supportBaseUrl'] as const) {
      const url = s[key];
      if (url && !isHttpsOrLoopback(url)) settingIssue(ctx, key, 'Use https');
    }
    const support = [s.supportEmail, s.supportApiToken].filter(Boolean).length;
    if (support === 1) {
      const missing = s.supportEmail ? 'supportApiToken' : 'supportEmail';
      settingIssue(ctx, missing, 'Set both supportEmail and supportApiToken, or neither');
    }
    if (support === 2 && !s.subdomain && !s.supportBaseUrl)
      settingIssue(ctx, 'supportBaseUrl', 'Set the subdomain or supportBaseUrl for the Support API');
  });

export type ZendeskSettings = z.output<typeof zendeskSettingsSchema>;
export type ZendeskSettingsInput = z.input<typeof zendeskSettingsSchema>;

const flatValue = z.union([z.string(), z.number(), z.boolean()]);

/** `connectorOptions.zendesk` on a handover request. */
export const zendeskOptionsSchema = z.strictObject({
  /** The SunCo conversation the user is already in (e.g. the bot answers a Zendesk widget). */
  conversationId: z.string().trim().min(1).max(64).optional(),
  /** The SunCo user id in that conversation (looked up from its participants when omitted). */
  userId: z.string().trim().min(1).max(64).optional(),
  /** externalId for the SunCo user the connector creates (default: the handover's user id). */
  userExternalId: z.string().trim().min(1).max(1024).optional(),
  /** First message copied into the ticket (`first_message_id`); default: the first transcript line posted. */
  firstMessageId: z.string().trim().min(1).max(64).optional(),
  /** Overrides the provider's transcript setting for this handover. */
  transcript: z.enum(['messages', 'none']).optional(),
  /** Ticket tags, added to the routing skills. */
  tags: z.array(z.string().trim().min(1).max(80)).max(50).optional(),
  /** Extra flat passControl metadata, e.g. `dataCapture.ticketField.<id>`. */
  metadata: z.record(z.string().min(1).max(200), flatValue).optional(),
});

export type ZendeskOptions = z.output<typeof zendeskOptionsSchema>;
