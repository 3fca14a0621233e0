import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { blankAsUnset, requiredText } from 'handover-kit/connector-utils';

/**
 * Settings of a Chatwoot / Cognigy Live Agent provider.
 *
 * Every field also accepts the string form a Cognigy Connection hands over ("7", "true",
 * "vip, billing", "" for unset), so one schema serves the gateway's provider API and extension users.
 */

/** Blank → unset; a numeric string → its number; anything else is left for zod to reject. */
const numeric = (value: unknown) => {
  const b = blankAsUnset(value);
  return typeof b === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(b) ? Number(b) : b;
};

const idNumber = (what: string) =>
  z
    .number({ error: (issue) => (issue.input === undefined ? `${what} is required` : `${what} must be a number`) })
    .int(`${what} must be a whole number`)
    .positive(`${what} must be positive`);
const positiveId = (what: string) => z.preprocess(numeric, idNumber(what));
const optionalId = (what: string) => z.preprocess(numeric, idNumber(what).optional());
const bounded = (what: string, min: number, max: number, fallback: number) =>
  z.preprocess(
    numeric,
    z
      .number({ error: `${what} must be a number` })
      .int(`${what} must be a whole number`)
      .min(min, `At least ${min}`)
      .max(max, `At most ${max}`)
      .default(fallback),
  );

const flag = (fallback: boolean) =>
  z.preprocess((v) => {
    const b = blankAsUnset(v);
    if (typeof b === 'string')
      return b.trim().toLowerCase() === 'true' ? true : b.trim().toLowerCase() === 'false' ? false : b;
    return b;
  }, z.boolean().default(fallback));

/** `https://host`, `https://host/` and `https://host/api/v1` all mean the same API root. */
export function normalizeBaseUrl(value: string): string {
  return value
    .trim()
    .replace(/\/+$/, '')
    .replace(/\/api\/v1$/i, '');
}

const baseUrlSchema = z
  .string({ error: 'Base URL is required' })
  .trim()
  .pipe(z.url({ protocol: /^https?$/, error: 'Base URL must be an http(s) URL, e.g. https://app.chatwoot.com' }))
  .transform(normalizeBaseUrl);

export const FLAVOURS = ['chatwoot', 'live-agent'] as const;
export const VERIFICATION_MODES = ['signature', 'url-token'] as const;

export const chatwootSettingsSchema = z.strictObject({
  flavour: field(z.preprocess(blankAsUnset, z.enum(FLAVOURS).default('chatwoot')), {
    label: 'Flavour',
    description:
      'chatwoot: upstream Chatwoot (cloud or self-hosted). live-agent: Cognigy Live Agent (the same API; ' +
      'webhooks default to URL-token verification because Live Agent does not sign them).',
  }),
  baseUrl: field(baseUrlSchema, {
    label: 'Base URL',
    description:
      'Root of the installation, e.g. https://app.chatwoot.com or https://liveagent-app.cognigy.ai. A trailing ' +
      '/api/v1 is accepted and ignored.',
    placeholder: 'https://app.chatwoot.com',
  }),
  accountId: field(positiveId('Account ID'), {
    label: 'Account ID',
    description: 'The number after /app/accounts/ in the dashboard URL.',
  }),
  apiAccessToken: secret(requiredText('API access token'), {
    label: 'API access token',
    description:
      'Profile Settings → Access Token of an administrator (sent as the api_access_token header). An ' +
      'agent-role token self-assigns every conversation it opens.',
  }),
  inboxId: field(positiveId('Inbox ID'), {
    label: 'Inbox ID',
    description: 'The API-channel inbox that handovers are created in (Settings → Inboxes → the number in the URL).',
  }),
  inboxIds: field(
    z.preprocess((v) => {
      const b = blankAsUnset(v);
      return typeof b === 'string' ? b.split(',').map((s) => numeric(s.trim())) : b;
    }, z.array(idNumber('Inbox ID')).max(50).optional()),
    {
      label: 'More inbox IDs',
      description:
        "Further API inboxes a node may pick with Cognigy's Chatwoot / Live Agent Inbox Id (comma-separated " +
        'in a Cognigy Connection). Their webhooks must reach this provider too: use the account webhook, or ' +
        "give each inbox's webhook the same secret.",
    },
  ),
  teamId: field(optionalId('Team ID'), {
    label: 'Default team ID',
    description: 'Team assigned when a handover names no queue. Leave empty to route by inbox only.',
  }),
  webhookSecret: secret(
    z.string({ error: 'Webhook secret is required' }).trim().min(16, 'Use at least 16 characters'),
    {
      label: 'Webhook secret',
      description:
        'signature mode: the secret Chatwoot shows for the inbox or account webhook (signs ' +
        'X-Chatwoot-Signature). url-token mode: a random string you append to the webhook URL as ' +
        '?token=<secret>.',
    },
  ),
  verification: field(z.preprocess(blankAsUnset, z.enum(VERIFICATION_MODES).optional()), {
    label: 'Webhook verification',
    description:
      'signature (Chatwoot ≥ 4.11.2 account webhooks, ≥ 4.13 inbox webhooks): HMAC-SHA256 with a replay window. ' +
      'url-token: for builds that do not sign (older Chatwoot, Cognigy Live Agent). Defaults to signature, or ' +
      'url-token for the live-agent flavour.',
  }),
  replayWindowSeconds: field(bounded('Replay window', 30, 3600, 300), {
    label: 'Replay window (s)',
    description: 'Signed webhooks whose X-Chatwoot-Timestamp is further than this from now are rejected.',
  }),
  labels: field(
    z.preprocess((v) => {
      const b = blankAsUnset(v);
      return typeof b === 'string'
        ? b
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : b;
    }, z.array(z.string().trim().min(1).max(255)).max(50).optional()),
    {
      label: 'Labels',
      description: 'Labels put on every handover conversation (comma-separated in a Cognigy Connection).',
    },
  ),
  transcriptNote: field(flag(true), {
    label: 'Transcript note',
    description: 'Post the bot transcript as a private note when a conversation is created.',
  }),
  timeoutMs: field(bounded('Timeout', 1000, 60_000, 10_000), {
    label: 'Request timeout (ms)',
    description: 'Deadline of each call to the Chatwoot API.',
  }),
});

export type ChatwootSettingsInput = z.input<typeof chatwootSettingsSchema>;
export type ChatwootSettings = z.output<typeof chatwootSettingsSchema>;
export type Flavour = (typeof FLAVOURS)[number];
export type VerificationMode = (typeof VERIFICATION_MODES)[number];

/** The verification mode in force: the explicit setting, else the flavour's default. */
export function verificationMode(settings: Pick<ChatwootSettings, 'verification' | 'flavour'>): VerificationMode {
  return settings.verification ?? (settings.flavour === 'live-agent' ? 'url-token' : 'signature');
}
