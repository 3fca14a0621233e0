/**
 * Genesys Cloud — Open Messaging connector.
 *
 * Setup at Genesys (admin):
 * 1. Messaging › Platforms: create an **Open Messaging** integration. Outbound Notification Webhook
 *    URL: `https://<gateway>/webhooks/<providerId>` (port 443 only). Outbound Notification Webhook
 *    Signature Secret Token: a random string of at least 16 characters — the same value goes into the
 *    provider's `webhookSecret` (or `HANDOVER_GENESYS_WEBHOOK_SECRET`). Copy the integration id into
 *    `integrationId`.
 * 2. Architect: an **Inbound Message** flow for that integration that transfers to your queue (read the
 *    handover context with Get Participant Data: `handover.transcript`, `handover.routing.*`, your own
 *    custom attributes). Assign it under Message Routing.
 * 3. Admin › OAuth: a **Client Credentials** client whose role has `conversation:message:receive`,
 *    `conversation:communication:disconnect` (or `conversation:participant:wrapup`), `routing:queue:view`,
 *    read access to message conversations, and the `notifications` scope (agent events). Client id →
 *    `clientId`, secret → `clientSecret` (or `HANDOVER_GENESYS_CLIENT_SECRET`).
 * 4. Optional: a Messaging Settings profile with typing indicators on (off by default), and the queue
 *    id in `queueId` for wait-time estimates and agent availability.
 *
 * Webhook: Genesys posts every outbound message (agent texts, typing events, receipts) to the URL
 * above, signed `X-Hub-Signature-256: sha256=<base64 HMAC-SHA256>`. Agent joined / left and the
 * end of the conversation are NOT in that webhook: they come from a Notifications API WebSocket
 * channel (one per provider, on the instance holding the `notifications` lease; the OAuth client needs
 * the `notifications` scope), with `queueId` on the queue's message topic, otherwise on detail-event
 * topics per handover. Polling the conversation (`pollIntervalMs`) is the fallback while the channel
 * is down; `eventSource: 'polling'` turns the channel off.
 *
 * Setup page: docs/connectors/genesys.md.
 */
import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { GENESYS_CAPABILITIES, createGenesysConnector } from './connector';
import { genesysSettingsSchema } from './schema';

export { GENESYS_CAPABILITIES, createGenesysConnector, type GenesysConnector, type GenesysStats } from './connector';
export {
  genesysSettingsSchema,
  CLIENT_SECRET_ENV,
  WEBHOOK_SECRET_ENV,
  type GenesysSettings,
  type GenesysSettingsInput,
} from './schema';
export { genesysConnection, type CognigyConnectionSchema } from './connection';
export { GENESYS_REGIONS, GENESYS_REGION_HOSTS, normalizeRegion, type GenesysRegionKey } from './regions';
export { createGenesysWebhook, signGenesysWebhook, SIGNATURE_HEADER } from './webhook';
export {
  flattenAttributes,
  buildCustomAttributes,
  transcriptText,
  MAX_ATTRIBUTES_CHARS,
  MAX_ATTRIBUTE_VALUE_CHARS,
  MAX_TRANSCRIPT_CHARS,
} from './attributes';
export {
  genesysHandoverOptionsSchema,
  stableMessageId,
  DEFAULT_START_TEXT,
  type GenesysHandoverOptions,
} from './messages';
export { summarize, diffSnapshot, completedBy } from './participants';
export { TOKEN_REFRESH_MARGIN_MS } from 'handover-kit/connector-utils';
export { MAX_POLL_BACKOFF_MS, NOT_FOUND_LIMIT, MAX_TRACKED } from './poller';
export {
  HEARTBEAT_TIMEOUT_MS,
  LEASE_NAME,
  LEASE_TTL_MS,
  MAX_CONVERSATIONS_PER_CHANNEL,
  MAX_RECONNECT_MS,
  RENEW_MS,
  ROLLOVER_MARGIN_MS,
  SUBSCRIBE_BATCH_MS,
  NotificationsChannel,
} from './notifications';
export {
  MAX_TOPICS,
  CHANNEL_LIFETIME_MS,
  queueTopic,
  detailTopics,
  parseChannelMessage,
  connectWithUndici,
} from './notification-api';

/** The connector definition for the provider registry. */
export function genesysConnector() {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'genesys',
    label: 'Genesys Cloud Open Messaging',
    description:
      'Hands chats to a Genesys Cloud queue through an Open Messaging integration; agent joined / left / ended ' +
      'arrive on a Notifications API channel (polling as the fallback).',
    settingsSchema: genesysSettingsSchema,
    capabilities: GENESYS_CAPABILITIES,
    create: (settings, runtime) => createGenesysConnector(settings, runtime),
  });
}
