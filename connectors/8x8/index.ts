/**
 * 8x8 Contact Center — Chat Gateway v1 connector.
 *
 * Setup at 8x8:
 * 1. Admin Console › API keys: an app with the "Chat Gateway" product. Its key → `apiKey`. For
 *    availability and wait times, give the same app the real-time analytics product and put its
 *    secret in `apiSecret` (OAuth client credentials at /oauth/v2/token).
 * 2. Configuration Manager › Integration › Webhooks (or POST /chat-gateway/v1/webhooks): a webhook
 *    with version "Chat Gateway v1.0" and URL `https://<gateway>/webhooks/<providerId>`. 8x8 probes it
 *    with `WEB_HOOK_VERIFY`; the connector answers 200.
 * 3. Channels › Chat API (or POST /chat-gateway/v1/channels): a channel on that webhook, routed to
 *    a queue. Channel id → `channelId`; queue id → `queueId` (optional: overrides the channel's routing,
 *    and is the queue the metrics are read for).
 * 4. With more than one Contact Center tenant, the tenant id → `tenant` (X-8x8-Tenant).
 *
 * Webhooks are signed with a detached JWS (RS256) over the CRC-32 of the body and the x-8x8-* headers;
 * keys come from /chat-gateway/v1/jwk/{kid}/public and are cached. Agent joined / left / typing,
 * messages, queueing, transfers and the end arrive on that webhook; nothing is polled.
 *
 * User files are fetched from their URL (https, ≤ 20 MB) and uploaded as multipart; one that cannot be
 * is sent as its link, with a warning. Not supported: queue position (8x8 has none per conversation),
 * skills and priority routing (decided per queue at 8x8).
 * Setup page: docs/connectors/8x8.md.
 */
import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { EIGHT_BY_EIGHT_CAPABILITIES, createEightByEightConnector } from './connector';
import { eightByEightSettingsSchema } from './schema';

export { EIGHT_BY_EIGHT_CAPABILITIES, createEightByEightConnector, type EightByEightConnector } from './connector';
export {
  eightByEightSettingsSchema,
  eightByEightOptionsSchema,
  METRICS_REGIONS,
  type EightByEightSettings,
  type EightByEightSettingsInput,
  type EightByEightOptions,
} from './schema';
export { createEightByEightWebhook } from './webhook';
export { SIGNATURE_HEADERS, signedPayload, parseDetachedJws, verifyEightByEightWebhook, JwkStore } from './signature';
export { toEvents, RETIRED_EVENT_TYPES } from './events';
export {
  buildCreateBody,
  eightByEightLanguage,
  mergeJson,
  EIGHT_BY_EIGHT_LANGUAGES,
  MAX_HISTORY,
  MAX_PROPERTIES,
} from './start';
export { QUEUE_METRICS } from './api';

/** The connector definition for the provider registry. */
export function eightByEightConnector() {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: '8x8',
    label: '8x8 Contact Center (Chat Gateway)',
    description:
      'Hands chats to an 8x8 Contact Center queue through a Chat API channel; events arrive on its signed webhook.',
    settingsSchema: eightByEightSettingsSchema,
    capabilities: EIGHT_BY_EIGHT_CAPABILITIES,
    create: (settings, runtime) => createEightByEightConnector(settings, runtime),
  });
}
