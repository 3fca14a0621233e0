export { createHandoverNodes } from './create';
export { validateNodeConfig } from './validate';
export { NODE_TYPES, type CreateHandoverNodesOptions, type ProviderInfo } from './shared/types';
export { LOOKUP_CASES, caseOf, type LookupCase } from './lookup-handover-status';
export { AVAILABILITY_CHILDREN } from './check-agent-availability';
export { STATE_KEY, type HandoverState } from './shared/runtime';
export {
  createGatewayHandoverNodes,
  handoverGatewayConnection,
  serviceFromConnection,
  HANDOVER_GATEWAY_CONNECTION,
} from './gateway-connection';
