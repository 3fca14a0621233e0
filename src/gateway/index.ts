/**
 * handover-kit/gateway — the long-running service beside Cognigy: the nodes' HTTP API, provider
 * management, webhook ingress, timers, and delivery into users' sessions through Cognigy's
 * inject / notify API. In memory for one instance, on Redis for several. See docs/gateway.md.
 */
export { createGateway, type Gateway, type GatewayOptions, type QueueTuning } from './gateway';
export { startGateway, type StartGatewayOptions, type StartedGateway } from './start';
export { loadGatewayConfig, gatewayConfigSchema, GATEWAY_ENV, CONFIG_FILE_ENV, type GatewayConfig, type LoadConfigOptions } from './config';
export { builtInConnectors } from './connectors';
export { ApiKeyAuth, presentedKey, type ApiKeys, type ApiKeyRole } from './auth';
export { NODE_ROUTES } from './routes/nodes';
export { PROVIDER_ROUTES, connectorTypeView, type ConnectorTypeView, type ProviderTestResult } from './routes/providers';
export { WEBHOOK_ROUTE } from './routes/webhooks';
export { statusForCode } from './http/errors';
export { CognigyApiClient, CognigyCallError, cognigyRequestFor, type CognigyApiOptions, type CognigyRequest, type CognigyCall } from './cognigy/client';
export { OutboxDelivery, backoffDelay, sessionPartition, DEFAULT_RETRY_POLICY, type OutboxRecord, type OutboxRetryPolicy, type DeadLetters } from './cognigy/outbox';
export { LogDelivery } from './log-delivery';
export { RedisStore, type RedisStoreOptions } from './redis/store';
export { RedisConnectorState } from './redis/connector-state';
export { RedisScheduler, jobIdOf, type RedisSchedulerOptions } from './redis/scheduler';
export { MemoryQueueBackend } from './queue/memory';
export { RedisQueueBackend, type RedisQueueOptions } from './queue/redis';
export { QueueWorker, type QueueWorkerOptions } from './queue/worker';
export type { QueueBackend, QueueEntry, ClaimedPartition, PartitionHandler } from './queue/types';
export { eventPartition, type EventQueueItem } from './events';
export { createGatewayMetrics, MetricsRegistry, type GatewayMetrics } from './metrics';
export { createGatewayClient, type GatewayClient, type GatewayClientOptions } from '../client/gateway-client';
export { createProviderAdminClient, type ProviderAdminClient, type ProviderAdminClientOptions, type ConnectorTypeSummary } from '../client/admin-client';
export { runCli, type CliIO } from './cli';
// The console and the playground (docs/console.md). Types only: the playground loads on demand.
export { UI_ROUTES } from './ui';
export type { ProviderCheckRecord, ProviderChecks } from './routes/provider-checks';
export type { Playground, PlaygroundOptions } from './playground/playground';
export type { PlaygroundState, TimelineEntry, DeskState, DeskConversation, AgentAction, ChatLine } from './playground/types';
export { MissingPeerDependencyError } from './redis/optional';
