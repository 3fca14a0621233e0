/**
 * handover-kit: bot-to-human handover for conversational-AI flows, Cognigy.AI first.
 *
 * - the connector contract (`HandoverConnectorV1`, events, status machine, typed errors)
 * - the provider registry and the handover service (in-process)
 * - the five Cognigy nodes (`createHandoverNodes`)
 *
 * Connectors live under `handover-kit/connectors/<name>`, the gateway under `handover-kit/gateway`,
 * test helpers under `handover-kit/testing`.
 */
export * from './contract';
export { ProviderRegistry, MASKED_SECRET, type ProviderView, type ProviderExport, type ProviderChange, type ProviderRegistryOptions } from './registry';
export { MemoryStore, type MemoryStoreOptions } from './store/memory';
export type { HandoverStore } from './store/types';
export * from './service';
export { MemoryDelivery, FLOW_DATA_KEY, flowEventData, readFlowEvent, type FlowEventData, type Delivery, type DeliveryItem, type MessageDelivery, type EventDelivery, type TypingDelivery, type FlowHandoverInput, type FlowHandoverStatus, type FlowEventType } from './delivery';
export { systemClock, createFakeClock, type FakeClock } from './clock';
export { MemoryScheduler, type Scheduler, type TimerJob, type TimerKind } from './scheduler';
export { createJsonLogger, silentLogger, Redactor, type LogLevel } from './logger';
export { createHandoverKit, type HandoverKit, type HandoverKitOptions } from './kit';
export * from './connector-utils';
export { createHandoverNodes, createGatewayHandoverNodes, handoverGatewayConnection, serviceFromConnection, HANDOVER_GATEWAY_CONNECTION, validateNodeConfig, NODE_TYPES, LOOKUP_CASES, AVAILABILITY_CHILDREN, caseOf, STATE_KEY, type CreateHandoverNodesOptions, type ProviderInfo, type LookupCase, type HandoverState } from '../nodes';
export { createGatewayClient, type GatewayClient, type GatewayClientOptions } from './client/gateway-client';
