export { FakeEngage, FAKE_DEFAULTS, type FakeFailure, type FakeOperation, type RecordedRequest } from './server';
export { EngageModel, type FakeThread, type FakeIntervention, type FakeAgentStatus } from './model';
export { sdkSign, postSdk, postWebhook, createContent, subscribe, type SdkCallResult } from './callbacks';
