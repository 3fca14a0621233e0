import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { httpsUrl, requestTimeoutMs } from 'handover-kit/connector-utils';

/** Engage object ids (categories, sources) are 24 hex characters; tenants may use other opaque ids. */
const engageId = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, `Must be the ${what} id`);

/**
 * Settings of a RingCentral Engage Digital provider. Field names follow Cognigy's provider form
 * (Base API URL, API Access Token, Realtime Endpoint URL, Realtime Access Token, Webhook Secret, Bot
 * and Agent Category ID, Get Queue Updates, Forward Only Handover Conversations).
 */
export const ringcentralSettingsSchema = z.strictObject({
  baseApiUrl: field(httpsUrl('Base API URL'), {
    label: 'Base API URL',
    description: 'The REST API, https://<account>.api.digital.ringcentral.com/1.0 (or …api.engagement.dimelo.com/1.0).',
    placeholder: 'https://acme.api.digital.ringcentral.com/1.0',
  }),
  apiAccessToken: secret(z.string().trim().min(1, 'API access token is required'), {
    label: 'API Access Token',
    description:
      'An Engage API access token (Admin › API access tokens) allowed to read the source and categorize threads.',
  }),
  realtimeEndpointUrl: field(
    httpsUrl('Realtime Endpoint URL').refine((value) => /\/realtime\/sdk\/[^/]+\/?$/.test(new URL(value).pathname), {
      message: 'Realtime Endpoint URL must end in /realtime/sdk/<source id>',
    }),
    {
      label: 'Realtime Endpoint URL',
      description:
        "The Channel SDK source's Send API, https://<account>.engagement.dimelo.com/realtime/sdk/<source id> " +
        '(a different host from the REST API).',
      placeholder: 'https://acme.engagement.dimelo.com/realtime/sdk/5f0c…',
    },
  ),
  realtimeAccessToken: secret(z.string().min(1, 'Realtime access token is required'), {
    label: 'Realtime Access Token',
    description: "The SDK source's access token: it signs (HMAC-SHA512) what we send and what Engage sends us.",
  }),
  webhookSecret: secret(
    z
      .string()
      .min(1)
      .max(255)
      .regex(/^[\x20-\x7e]+$/, 'ASCII only')
      .optional(),
    {
      label: 'Webhook Secret',
      description:
        'The Secret of the Engage webhook (sent back as X-Dimelo-Secret). ' +
        'Without it, Webhook API deliveries are refused.',
    },
  ),
  verifyToken: secret(z.string().min(1, 'Verification token is required'), {
    label: 'Webhook Verification Token',
    description: "The webhook's Verification Token, checked on the hub.challenge subscription request.",
  }),
  botCategoryId: field(engageId('bot category'), {
    label: 'Bot Category ID',
    description: 'The category a thread goes back to when the bot closes the handover (agents do not see it).',
  }),
  agentCategoryId: field(engageId('agent category'), {
    label: 'Agent Category ID',
    description:
      'The category a thread is moved to on handover, so agents get it. `routing.queue` replaces it per handover.',
  }),
  channelName: field(z.string().trim().min(1).optional(), {
    label: 'Channel name (availability)',
    description:
      'The Engage channel holding the source. Check Agent Availability counts agents available on it; ' +
      'without it, on any channel.',
  }),
  getQueueUpdates: field(z.boolean().default(true), {
    label: 'Get Queue Updates',
    description:
      'Relay messaging.queuing_update (position and wait) as queue events. ' +
      'Needs task mode and the channel in the routing strategy.',
  }),
  forwardOnlyHandoverConversations: field(
    z
      .boolean()
      .default(true)
      .refine((on) => on, 'handover-kit only forwards handover conversations: leave this on'),
    {
      label: 'Forward Only Handover Conversations',
      description: 'Always on: a thread is created in Engage only when a handover starts.',
    },
  ),
  requestTimeoutMs: requestTimeoutMs('Engage request'),
});

export type RingcentralSettings = z.output<typeof ringcentralSettingsSchema>;
export type RingcentralSettingsInput = z.input<typeof ringcentralSettingsSchema>;

/** Per-handover options (`connectorOptions.ringcentral`), Cognigy's node-level "Additional Category Ids". */
export const ringcentralHandoverOptionsSchema = z.looseObject({
  additionalCategoryIds: z
    .union([z.array(z.string().trim().min(1)), z.string()])
    .transform((v) =>
      Array.isArray(v)
        ? v
        : v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean),
    )
    .optional(),
  title: z.string().min(1).max(200).optional(),
});
export type RingcentralHandoverOptions = z.output<typeof ringcentralHandoverOptionsSchema>;

/** The source id is the last path segment of the Realtime Endpoint URL. */
export function sourceIdOf(realtimeEndpointUrl: string): string {
  const segments = new URL(realtimeEndpointUrl).pathname.split('/').filter(Boolean);
  return decodeURIComponent(segments[segments.length - 1] ?? '');
}
