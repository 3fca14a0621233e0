/**
 * Salesforce — Messaging for In-App and Web (MIAW) connector.
 *
 * Setup in Salesforce (admin):
 * 1. Messaging Settings: a **Messaging for In-App and Web** channel routed by an Omni-Channel flow
 *    to your queue. For each routing attribute the flow reads, add a **hidden pre-chat field** and map
 *    it to a flow variable (keys that are not hidden pre-chat fields never reach the flow).
 * 2. Embedded Service Deployments: a **Custom Client** deployment for that channel; publish it. Its
 *    API name → `esDeveloperName`; the SCRT URL from its code snippet → `baseUrl`; the org id → `organizationId`.
 * 3. Guests: turn user verification off. Verified users: turn it on, set up the keyset and send the
 *    customer's identity token (JWT) per handover, `connectorOptions["salesforce-miaw"].identityToken`.
 * 4. Optional: "Show estimated wait time" on the channel, so routing results carry an estimate.
 *
 * Events: MIAW has no webhooks. Each conversation has a server-sent-events stream (`/eventrouter/v1/sse`)
 * read by exactly one gateway instance (lease `stream:<conversationId>` in the connector state),
 * resumed with `Last-Event-Id` after a drop; events are pushed on `connector.events`. Access tokens
 * stay in process memory, or AES-256-GCM encrypted in the shared state with `tokenEncryptionKey`
 * (needed for several gateway instances). Setup page: docs/connectors/salesforce-miaw.md.
 */
import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { SALESFORCE_MIAW_CAPABILITIES, createSalesforceMiawConnector } from './connector';
import { salesforceMiawSettingsSchema } from './schema';

export { SALESFORCE_MIAW_CAPABILITIES, createSalesforceMiawConnector, type SalesforceMiawConnector } from './connector';
export {
  salesforceMiawSettingsSchema,
  miawHandoverOptionsSchema,
  routingAttributesSchema,
  type SalesforceMiawSettings,
  type SalesforceMiawSettingsInput,
  type MiawHandoverOptions,
  type RoutingAttributes,
} from './schema';
export {
  mapStreamMessage,
  isKeepAlive,
  emptyView,
  EVENT_NAMES,
  type ConversationView,
  type StreamMessage,
  type MapOptions,
} from './entries';
export { stableUuid, startConversation, type StartDeps } from './start';
export { MiawApi, VENDOR as SALESFORCE_MIAW_VENDOR, type AccessToken } from './api';
export { MiawState, RECORD_TTL_MS, TOKEN_TTL_MS, type ConversationCredentials } from './state';
export { ConversationStream, streamLease, MAX_RECONNECT_DELAY_MS, MAX_CONNECT_FAILURES } from './stream';
export {
  routingAttributesFor,
  routingWarnings,
  transcriptChunks,
  withLinks,
  MAX_TRANSCRIPT_MESSAGE_CHARS,
} from './messages';

/** The connector definition for the provider registry. */
export function salesforceMiawConnector() {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'salesforce-miaw',
    label: 'Salesforce Messaging for In-App and Web',
    description:
      'Hands chats to Salesforce Omni-Channel through a MIAW Custom Client deployment; ' +
      'agent events arrive on a server-sent-events stream per conversation.',
    settingsSchema: salesforceMiawSettingsSchema,
    capabilities: SALESFORCE_MIAW_CAPABILITIES,
    create: (settings, runtime) => createSalesforceMiawConnector(settings, runtime),
  });
}
