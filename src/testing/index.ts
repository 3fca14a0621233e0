/**
 * Test helpers for handover-kit users and connector authors. No test-runner imports: everything
 * here works under vitest, jest and node:test.
 */
export {
  runConnectorContract,
  CONTRACT_CASES,
  assertLegalSequence,
  type ConnectorContractHarness,
  type ConnectorContractOptions,
  type ContractOperation,
  type TestRunner,
} from './contract';
export { EventCollector, startWebhookReceiver, type WebhookReceiver } from './collector';
export { createFakeClock, flushAsync, type FakeClock } from '../clock';
export { MemoryDelivery } from '../delivery';
export { createFlowTester, FlowTester, TestFlow, type FlowTesterOptions, type ExecutionRecord } from './flow/tester';
export { ChatSession } from './flow/session';
export { FlowRuntimeError } from './flow/runtime';
export type {
  FlowDefinition,
  FlowNode,
  DescriptorNode,
  SayNode,
  IfNode,
  GoToNode,
  CodeNode,
  TranscriptLine,
  BranchTaken,
  FlowContextView,
} from './flow/types';
export { testConnectorRuntime } from './runtime';
export { MemoryConnectorState } from '../store/connector-state';
export { flowEventData, FLOW_DATA_KEY } from '../delivery';
