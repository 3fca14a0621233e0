export {
  FakeGenesys,
  FAKE_DEFAULTS,
  type FakeFailure,
  type FakeGenesysOptions,
  type FakeOperation,
  type RecordedRequest,
} from './server';
export { ConversationStore, type FakeAgent, type FakeConversation, type FakeParticipant } from './model';
export { inboundMessageSchema, participantPatchSchema } from './schemas';
export { signBody, outboundMessage } from './webhooks';
export { FakeNotifications, MAX_CHANNELS, MAX_TOPICS, type FakeChannel } from './notifications';
