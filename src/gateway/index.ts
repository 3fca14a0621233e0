/**
 * handover-kit/gateway — the long-running service beside Cognigy: the nodes' HTTP API, provider
 * management, webhook ingress, timers, and delivery into users' sessions through Cognigy's
 * inject / notify API. In memory for one instance, on Redis for several (ioredis and BullMQ are
 * loaded only then). See docs/gateway.md.
 */
export { createGateway, type Gateway, type GatewayLimits, type GatewayOptions, type QueueTuning } from './gateway';
export { DEFAULT_HTTP_TIMEOUTS, type HttpTimeouts } from './http/node-server';
export { startGateway, type StartGatewayOptions, type StartedGateway } from './start';
export {
  loadGatewayConfig,
  gatewayConfigSchema,
  GATEWAY_ENV,
  CONFIG_FILE_ENV,
  type GatewayConfig,
  type LoadConfigOptions,
} from './config';
export { builtInConnectors } from './connectors';
export type { ApiKeys, ApiKeyRole, Principal } from './auth';
// Secrets at rest and named API keys (docs/gateway.md "Security").
export {
  SecretCipher,
  parseEncryptionKeys,
  loadEncryptionKeys,
  generateKeyLine,
  type EncryptionKey,
} from './secrets/cipher';
export { EncryptingStore } from './secrets/store';
export type { ApiKeyView } from './keys/named';
export type { ApiKeyRecord, ApiKeyStore } from './keys/store';
export type { ApiKeySummary } from '../client/admin-client';
export type { ConnectorTypeView, ProviderTestResult } from './routes/providers';
export type { CognigyApiOptions } from './cognigy/client';
export type { OutboxRecord, OutboxRetryPolicy } from './cognigy/outbox';
export type { GatewayMetrics } from './metrics';
export { createGatewayClient, type GatewayClient, type GatewayClientOptions } from '../client/gateway-client';
export {
  createProviderAdminClient,
  type ProviderAdminClient,
  type ProviderAdminClientOptions,
  type ConnectorTypeSummary,
} from '../client/admin-client';
export { runCli, type CliIO } from './cli';
// The console and the playground (docs/console.md). Types only: the playground loads on demand.
export type { ProviderCheckRecord } from './routes/provider-checks';
export type { Playground, PlaygroundOptions } from './playground/playground';
export type {
  PlaygroundState,
  TimelineEntry,
  DeskState,
  DeskConversation,
  AgentAction,
  ChatLine,
} from './playground/types';
export { MissingPeerDependencyError } from './redis/optional';
