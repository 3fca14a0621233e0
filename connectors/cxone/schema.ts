import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { baseUrlOverride, requestTimeoutMs, requiredText } from 'handover-kit/connector-utils';

/** A path below `/webhooks/<providerId>/`: plain segments, `{thread}` / `{channel}` placeholders allowed. */
const subPath = z
  .string()
  .trim()
  .transform((v) => v.replace(/^\/+|\/+$/g, ''))
  .pipe(
    z
      .string()
      .regex(
        /^(?!.*(^|\/)\.{1,2}(\/|$))([\w.-]+|\{thread\}|\{channel\})(\/([\w.-]+|\{thread\}|\{channel\})){0,3}$/,
        'Use 1 to 4 path segments',
      ),
  );

/** Settings of a NiCE CXone bring-your-own-channel (Digital First Omnichannel) provider. */
export const cxoneSettingsSchema = z.strictObject({
  environment: field(z.enum(['commercial', 'fedramp']).default('commercial'), {
    label: 'Environment',
    description:
      'commercial: cxone.niceincontact.com. fedramp: cxone-gov.niceincontact.com (area na2, nicecxone-gov.com).',
  }),
  tenantId: field(z.string().trim().min(1).optional(), {
    label: 'Tenant ID',
    description: 'Optional: read from the token (id_token claim tenantId) when empty.',
  }),
  accessKeyId: field(requiredText('Access Key ID'), {
    label: 'Access Key ID',
    description: 'Access key of the CXone user the connector acts as (Admin › Employees › Access Keys).',
  }),
  accessKeySecret: secret(z.string().min(1, 'Access Key Secret is required'), { label: 'Access Key Secret' }),
  clientId: field(requiredText('Client ID'), {
    label: 'Client ID',
    description: 'The OAuth application NICE registered for you (sent as Basic credentials to the token endpoint).',
  }),
  clientSecret: secret(z.string().min(1, 'Client Secret is required'), { label: 'Client Secret' }),
  channelId: field(requiredText('Channel ID'), {
    label: 'Channel ID',
    description: 'The DFO channel (point of contact) of the bring-your-own-channel integration, e.g. chat_1a2b….',
  }),
  channelClientId: field(requiredText('Channel integration client ID'), {
    label: 'Channel integration client ID',
    description: "The Client ID entered in CXone's BYOC integration form: CXone presents it at our token endpoint.",
  }),
  channelClientSecret: secret(z.string().min(16, 'Use at least 16 characters (Cognigy uses 32)'), {
    label: 'Channel integration client secret',
    description: "The Client Secret entered in CXone's BYOC integration form.",
  }),
  skillId: field(z.coerce.number().int().positive().optional(), {
    label: 'Skill ID',
    description:
      'Digital skill for routing (contact.skillId) and queue figures (availability, wait). Empty: channel default.',
  }),
  dfoHostStyle: field(z.enum(['current', 'facade']).default('current'), {
    label: 'DFO API host',
    description:
      'current: https://api-de-<area>.<domain>. facade: https://api-<area>.<domain> (the host NICE is migrating to).',
  }),
  realtimeApiVersion: field(
    z
      .string()
      .trim()
      .regex(/^v\d+\.\d+$/, 'Like v32.0')
      .default('v32.0'),
    {
      label: 'Real-time data API version',
      description: 'Version in /incontactapi/services/<version>/skills/<id>/activity (default v32.0).',
    },
  ),
  tokenPath: field(subPath.default('1.0/token'), {
    label: 'Token endpoint path',
    description: 'Below /webhooks/<providerId>/: the Authorization URL entered in CXone (default 1.0/token).',
  }),
  replyPath: field(subPath.default('1.0/posts/{thread}/messages'), {
    label: 'Reply endpoint path',
    description:
      'Below the Integration Box URL (/webhooks/<providerId>) where CXone posts agent replies. {thread} = thread id.',
  }),
  issuedTokenTtlSec: field(z.coerce.number().int().min(60).max(86_400).default(3600), {
    label: 'Issued token lifetime (s)',
    description: 'Lifetime of the bearer tokens our token endpoint gives CXone (default 3600).',
  }),
  sendTranscript: field(z.boolean().default(true), {
    label: 'Send transcript as first message',
    description: "The first message of the thread carries the bot's transcript (Cognigy's default: on).",
  }),
  pollIntervalMs: field(z.coerce.number().int().min(1000, 'At least 1000 ms').max(300_000).default(5000), {
    label: 'Contact status poll interval (ms)',
    description: 'How often the shared poller reads the status of live contacts (agent joined / left / ended).',
  }),
  pollRequestsPerHour: field(z.coerce.number().int().min(60).max(120_000).default(60_000), {
    label: 'Poll budget (requests per hour)',
    description: 'Cap for contact reads by the poller; CXone allows 120,000 "get contact" per hour per tenant.',
  }),
  authBaseUrl: baseUrlOverride('Auth', 'Replaces https://cxone.niceincontact.com (tests, proxies).'),
  dfoBaseUrl: baseUrlOverride('DFO API', 'Replaces the discovered DFO host (tests, proxies).'),
  apiBaseUrl: baseUrlOverride('API', 'Replaces the discovered api_endpoint (tests, proxies).'),
  requestTimeoutMs: requestTimeoutMs('CXone API'),
});

export type CxoneSettings = z.output<typeof cxoneSettingsSchema>;
export type CxoneSettingsInput = z.input<typeof cxoneSettingsSchema>;
