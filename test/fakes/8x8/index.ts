export {
  FakeEightByEight,
  FAKE_DEFAULTS,
  type FakeConversation,
  type FakeFailure,
  type FakeOperation,
  type RecordedRequest,
} from './server';
export {
  deliverSigned,
  generateSigningKey,
  signedHeaders,
  type DeliveryOptions,
  type SigningKey,
  type WebhookIdentity,
} from './signer';
