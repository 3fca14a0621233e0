export {
  FakeMiaw,
  FAKE_MIAW,
  type FakeOperation,
  type FakeFailure,
  type FakeConversation,
  type RecordedRequest,
} from './server';
export type { EventNaming, FakeAgent } from './entries';
