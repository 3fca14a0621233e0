/**
 * RingCentral Engage Digital (RingCX Digital, formerly Dimelo) connector.
 *
 * The kit acts as a Channel SDK source (as Cognigy does) plus a Webhook API endpoint, one URL for
 * both: `https://<gateway>/webhooks/<providerId>` (Cognigy's `…/handover/rce`).
 * Setup in Engage (admin):
 * 1. Channels › a **Channel SDK** (Engage Messaging) source: Base URI = the URL above; copy its access
 *    token (→ `realtimeAccessToken`) and id; the Send API is
 *    `https://<account>.engagement.dimelo.com/realtime/sdk/<source id>` (→ `realtimeEndpointUrl`).
 *    Task mode on, and the source's channel in the routing strategy, for queue updates.
 * 2. Categories: one the bot owns (`botCategoryId`) and one agents work (`agentCategoryId`).
 * 3. Admin › API access tokens: a token that reads the source and categorizes threads (`apiAccessToken`);
 *    the REST host is `https://<account>.api.<platform>/1.0` (`baseApiUrl`) — not the real-time host.
 * 4. Advanced Settings › Webhooks: URL above, a Verification Token (`verifyToken`), a Secret
 *    (`webhookSecret`), events `intervention.*`, `task.taken` (at least `intervention.closed`).
 *
 * Handover: the transcript becomes a new thread (Send API `threads.create`, signed HMAC-SHA512), the
 * thread is moved into the agents' category (REST `update_categories`); user messages follow on the
 * Send API; agent replies, typing and queue updates arrive as signed SDK actions (answered signed);
 * joined / ended arrive on the Webhook API (`X-Dimelo-Secret`). Setup page: docs/connectors/ringcentral.md.
 */
import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { RINGCENTRAL_CAPABILITIES, createRingcentralConnector } from './connector';
import { ringcentralSettingsSchema } from './schema';

export {
  RINGCENTRAL_CAPABILITIES,
  THREAD_LOOKUP_ATTEMPTS,
  THREAD_LOOKUP_DELAY_MS,
  createRingcentralConnector,
  messageForeignId,
  threadForeignId,
  type RingcentralConnector,
} from './connector';
export {
  ringcentralSettingsSchema,
  ringcentralHandoverOptionsSchema,
  sourceIdOf,
  type RingcentralSettings,
  type RingcentralSettingsInput,
} from './schema';
export { createRingcentralWebhook, IMPLEMENTATION_INFO } from './webhook';
export { signSdk, verifySdk, verifyDimeloSecret, SDK_SIGNATURE_HEADER, DIMELO_SECRET_HEADER } from './sdk';
export { openingText, contextData, attachmentsFor, authorOf, MAX_BODY_CHARS } from './mapping';
export { localContentId } from './events';
export { EngageState, type ConversationRecord, type QueueInfo } from './state';

/** The connector definition for the provider registry. */
export function ringcentralConnector() {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'ringcentral',
    label: 'RingCentral Engage Digital',
    description:
      "Hands chats to RingCentral Engage Digital as a Channel SDK source: the thread moves into the agents' " +
      'category; signed SDK actions and webhooks bring replies, queue updates and the end back.',
    settingsSchema: ringcentralSettingsSchema,
    capabilities: RINGCENTRAL_CAPABILITIES,
    create: (settings, runtime) => createRingcentralConnector(settings, runtime),
  });
}
