/**
 * Twilio Flex connector: Conversations + Flex Interactions + TaskRouter, over plain HTTPS (no
 * `twilio` package).
 *
 * Setup at Twilio (admin):
 * 1. Flex with Flex Conversations (Flex UI 2.x). Note the Account SID and Auth Token, or create an
 *    API key (SK…) for API calls; webhooks are always verified with the Auth Token.
 * 2. TaskRouter: the Flex Task Assignment workspace (WS…), a workflow (WW…) whose filters route on
 *    the task attributes this connector sets (`handover.queue`, `handover.skills`,
 *    `handover.languages`, your custom attributes), and a `chat` task channel.
 * 3. The gateway's public URL for this provider (`https://<gateway>/webhooks/<providerId>`) in
 *    `webhookUrl` when a proxy sits in front: Twilio signs the exact URL it calls.
 * 4. Optional: point the workspace's Event Callback URL at the same URL for `task.canceled`.
 *
 * Per handover: a conversation, the customer participant, the bot transcript, a conversation-scoped
 * webhook (messages, participants, state), then `POST /v1/Interactions` to route it to Flex.
 * Closing sets the interaction channel `inactive` with routing `closed` (no task left wrapping),
 * then the conversation `closed`. Setup page: docs/connectors/twilio-flex.md.
 */
import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { TWILIO_FLEX_CAPABILITIES, createTwilioFlexConnector } from './connector';
import { twilioFlexSettingsSchema } from './schema';

export {
  TWILIO_FLEX_CAPABILITIES,
  TWILIO_FLEX_ESTIMATED,
  createTwilioFlexConnector,
  type TwilioFlexConnector,
} from './connector';
export {
  twilioFlexSettingsSchema,
  AUTH_TOKEN_ENV,
  INTERACTION_CHANNEL_TYPES,
  TWILIO_HOSTS,
  type TwilioFlexSettings,
  type TwilioFlexSettingsInput,
} from './schema';
export { TWILIO_ENDPOINTS, endpointPath, type TwilioEndpoint, type TwilioEndpointName } from './endpoints';
export {
  SIGNATURE_HEADER,
  signTwilioRequest,
  signedPayload,
  bodySha256,
  publicUrlOf,
  urlVariants,
  verifyTwilioSignature,
} from './signature';
export { WEBHOOK_FILTERS, createTwilioWebhook } from './webhook';
export {
  TASK_PRIORITY,
  MAX_BODY_CHARS,
  MAX_TRANSCRIPT_MESSAGES,
  taskAttributes,
  transcriptBodies,
  estimateWaitMs,
} from './routing';
export { POSITION_PAGE_SIZE, QUEUE_ORDERING } from './queue';
export { VENDOR, twilioErrorDetails } from './api';

/** The connector definition for the provider registry. */
export function twilioFlexConnector() {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'twilio-flex',
    label: 'Twilio Flex',
    description:
      'Hands chats to Twilio Flex through Conversations and the Interactions API (TaskRouter routing). Queue ' +
      'position and wait time are estimates derived from TaskRouter.',
    settingsSchema: twilioFlexSettingsSchema,
    capabilities: TWILIO_FLEX_CAPABILITIES,
    create: (settings, runtime) => createTwilioFlexConnector(settings, runtime),
  });
}
