import type { Clock, ConnectorStateV1, Logger } from '../../contract';
import type { Scheduler } from '../../scheduler';
import type { HandoverStore, OutboxSink } from '../../store/types';
import type { DeadLetters } from '../cognigy/outbox';
import type { QueueBackend } from '../queue/types';
import type { ProviderChecks } from '../routes/provider-checks';
import type { ApiKeyStore } from '../keys/store';

/**
 * Where a gateway keeps its state: everything that differs between one process (memory) and several
 * instances sharing Redis. `createGateway` asks the backend and never branches on the kind.
 */
export interface GatewayBackend {
  readonly kind: 'memory' | 'redis';
  /** True when other instances see the same state: queues are left for them on shutdown. */
  readonly shared: boolean;
  readonly store: HandoverStore;
  readonly scheduler: Scheduler;
  readonly providerChecks: ProviderChecks;
  /** Named API keys (hashed), shared by every instance in Redis mode. */
  readonly apiKeys: ApiKeyStore;
  connectorState(providerId: string): ConnectorStateV1;
  queue<T>(name: string, options: { leaseMs?: number }): QueueBackend<T>;
  deadLetters(name: string): DeadLetters;
  /**
   * Joins a queue of this backend to the store's handover writes (the transactional outbox). Absent
   * in memory, where a crash loses both anyway.
   */
  attachOutbox?(sink: OutboxSink): void;
  /** False when the backing service is unreachable (readiness). */
  ping(): Promise<boolean>;
  /** Drops every connection at once, as a crash would (tests). */
  abort(): void;
  close(): Promise<void>;
}

export interface BackendOptions {
  clock: Clock;
  logger: Logger;
  /** Your own store or scheduler instead of the backend's. */
  store?: HandoverStore;
  scheduler?: Scheduler;
}

/**
 * What a backend opens and must close, in the one safe order: timers first (nothing new is
 * started), then the queues a gateway asked for, then the store.
 */
export class BackendResources {
  private readonly queues: Array<{ close(): Promise<void> }> = [];

  constructor(
    private readonly owned: {
      store: HandoverStore;
      scheduler: Scheduler;
      /** Connector state, handed out per provider. */
      state: { forProvider(providerId: string): ConnectorStateV1 };
    },
  ) {}

  /** The members every backend builds the same way from what it owns. */
  members(): Pick<GatewayBackend, 'store' | 'scheduler' | 'connectorState'> {
    const { store, scheduler, state } = this.owned;
    return { store, scheduler, connectorState: (providerId) => state.forProvider(providerId) };
  }

  /** Remembers a queue so `close` closes it. */
  queue<Q extends { close(): Promise<void> }>(queue: Q): Q {
    this.queues.push(queue);
    return queue;
  }

  async close(): Promise<void> {
    await this.owned.scheduler.close();
    await Promise.all(this.queues.map((q) => q.close()));
    await this.owned.store.close();
  }
}
