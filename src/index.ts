/**
 * handover-kit: bot-to-human handover for conversational-AI flows, Cognigy.AI first.
 *
 * This entry holds what an application calls: the kit (`createHandoverKit`), the provider registry
 * and the handover service, the five Cognigy nodes, the gateway client, and the typed errors. Other
 * entries: `handover-kit/contract` (what a connector implements), `handover-kit/connector-utils`
 * (helpers for connector authors), `handover-kit/connectors/<name>`, `handover-kit/gateway`,
 * `handover-kit/testing`.
 */
export type * from './contract';
export {
  HandoverError,
  HandoverConfigError,
  BadRequestError,
  UnknownProviderError,
  UnknownConnectorError,
  UnsupportedCapabilityError,
  VendorApiError,
  VendorAuthError,
  VendorNotFoundError,
  RateLimitError,
  BadSignatureError,
  IllegalTransitionError,
  HandoverTimeoutError,
  HandoverNotFoundError,
  AgentsUnavailableError,
  UnauthorizedError,
  ForbiddenError,
  handoverErrorFromJSON,
  toHandoverError,
  HANDOVER_STATUSES,
  isLiveStatus,
  isTerminalStatus,
} from './contract';
export { createHandoverKit, type HandoverKit, type HandoverKitOptions } from './kit';
export {
  ProviderRegistry,
  MASKED_SECRET,
  type ProviderView,
  type ProviderExport,
  type ProviderChange,
  type ProviderRegistryOptions,
} from './registry';
export { HandoverService, type HandoverServiceOptions } from './service';
export type * from './model';
export { MemoryStore, type MemoryStoreOptions } from './store/memory';
export type { HandoverStore } from './store/types';
export { MemoryScheduler, type Scheduler, type TimerJob, type TimerKind } from './scheduler';
export {
  MemoryDelivery,
  type Delivery,
  type DeliveryItem,
  type FlowHandoverInput,
  type FlowEventType,
} from './delivery';
export { systemClock } from './clock';
export { createJsonLogger, silentLogger, type LogLevel } from './logger';
export {
  createHandoverNodes,
  createGatewayHandoverNodes,
  handoverGatewayConnection,
  validateNodeConfig,
  NODE_TYPES,
  type CreateHandoverNodesOptions,
  type ProviderInfo,
} from '../nodes';
export { createGatewayClient, type GatewayClient, type GatewayClientOptions } from './client/gateway-client';
