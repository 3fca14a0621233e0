export { startFakeCognigy, type FakeCognigy, type FakeCognigyCall, type CognigyBody, type Refusal } from './server';
