export {
  FakeChatwoot,
  startFakeChatwoot,
  type FakeChatwootOptions,
  type FakeOperation,
  type FailureSpec,
  type RecordedRequest,
} from './server';
export { chatwootWebhookHeaders, type WebhookDelivery, type WebhookTarget } from './webhooks';
export type { FakeConversation, FakeMessage, Availability } from './model';
