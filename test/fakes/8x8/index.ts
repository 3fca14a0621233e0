export { FakeEightByEight, FAKE_DEFAULTS, type FakeConversation, type FakeFailure, type FakeOperation, type RecordedRequest } from './server';
export { generateSigningKey, signedHeaders, type SigningKey, type WebhookIdentity } from './signer';
