export { FakeTwilio, FAKE_TWILIO, type FakeAgent, type FakeFailure, type RecordedRequest } from './server';
export type { FakeOperation } from './routes';
export { fixture, twilioSignature, postSigned, type FixtureName } from './webhooks';
