import { z } from 'zod';
import { field, secret } from 'handover-kit/contract';
import { baseUrlOverride, requestTimeoutMs, requiredText } from 'handover-kit/connector-utils';
import { normalizeRegion } from './regions';

/** Genesys object ids (integrations, queues, conversations) are GUIDs. */
const guid = (what: string) =>
  z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, `Must be the ${what} id (a GUID)`);

/** Settings of a Genesys Cloud Open Messaging provider. */
export const genesysSettingsSchema = z.strictObject({
  region: field(
    z
      .string()
      .trim()
      .min(1, 'Region is required, e.g. mypurecloud.de')
      .transform((value, ctx) => {
        const host = normalizeRegion(value);
        if (!host) {
          ctx.addIssue({
            code: 'custom',
            message:
              `Unknown Genesys Cloud region "${value}" (use the environment host, e.g. ` +
              `mypurecloud.com, mypurecloud.de, usw2.pure.cloud)`,
          });
          return z.NEVER;
        }
        return host;
      }),
    {
      label: 'Region',
      description: 'Genesys Cloud environment host, e.g. mypurecloud.de or usw2.pure.cloud.',
      placeholder: 'mypurecloud.com',
    },
  ),
  apiBaseUrl: baseUrlOverride('API', 'Replaces https://api.<region> (tests and proxies only).'),
  loginBaseUrl: baseUrlOverride('Login', 'Replaces https://login.<region> (tests and proxies only).'),
  clientId: field(requiredText('Client ID'), {
    label: 'OAuth client ID',
    description:
      'A Client Credentials OAuth client with a role allowing messaging, conversations and routing queue view.',
  }),
  clientSecret: secret(z.string().min(1, 'Client secret must not be empty').optional(), {
    label: 'OAuth client secret',
    description: 'Falls back to the HANDOVER_GENESYS_CLIENT_SECRET environment variable when empty.',
  }),
  integrationId: field(guid('Open Messaging integration'), {
    label: 'Open Messaging integration ID',
    description: 'The Open Messaging integration (deployment) the handovers arrive on.',
  }),
  queueId: field(guid('queue').optional(), {
    label: 'Queue ID',
    description:
      'Queue used for estimated wait time and agent availability. Routing itself happens in the Inbound Message ' +
      'flow.',
  }),
  webhookSecret: secret(z.string().min(16, 'Use at least 16 characters').optional(), {
    label: 'Webhook signature secret',
    description:
      "The integration's outbound webhook signature secret token (X-Hub-Signature-256). Falls back to " +
      'HANDOVER_GENESYS_WEBHOOK_SECRET when empty.',
  }),
  eventSource: field(z.enum(['notifications', 'polling']).default('notifications'), {
    label: 'Agent event source',
    description:
      'notifications: one Notifications API WebSocket channel per provider (needs the notifications scope); ' +
      'polling is kept as the fallback. polling: poll every handover.',
  }),
  pollIntervalMs: field(
    z.coerce.number().int().min(20, 'At least 20 ms').max(300_000, 'At most 300000 ms (5 minutes)').default(5000),
    {
      label: 'Participant poll interval (ms)',
      description:
        'How often a live handover is checked for agent joined / left / ended when polling (the fallback while ' +
        'the notifications channel is down; default 5000). Each poll is one API request.',
    },
  ),
  requestTimeoutMs: requestTimeoutMs('Genesys API'),
});

export type GenesysSettings = z.output<typeof genesysSettingsSchema>;
export type GenesysSettingsInput = z.input<typeof genesysSettingsSchema>;

export const CLIENT_SECRET_ENV = 'HANDOVER_GENESYS_CLIENT_SECRET';
export const WEBHOOK_SECRET_ENV = 'HANDOVER_GENESYS_WEBHOOK_SECRET';
