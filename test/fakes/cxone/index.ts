export { FakeCxone, FAKE_DEFAULTS, type FakeFailure, type FakeOperation, type RecordedRequest } from './server';
export { ByocCaller, type ByocConfig, type ReplyInput } from './byoc';
export { ContactStore, fixture, newMessageSchema, type FakeAgent, type FakeContact } from './model';
