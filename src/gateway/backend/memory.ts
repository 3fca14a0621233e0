import { MemoryScheduler } from '../../scheduler';
import { MemoryConnectorState } from '../../store/connector-state';
import { MemoryStore } from '../../store/memory';
import { MemoryDeadLetters } from '../cognigy/outbox';
import { MemoryQueueBackend } from '../queue/memory';
import { MemoryProviderChecks } from '../routes/provider-checks';
import { MemoryApiKeyStore } from '../keys/store';
import type { BackendOptions, GatewayBackend } from './types';

/** One process: everything in memory, gone with it. */
export function memoryBackend(options: BackendOptions): GatewayBackend {
  const { clock } = options;
  const store = options.store ?? new MemoryStore({ clock });
  const scheduler = options.scheduler ?? new MemoryScheduler(clock);
  const state = new MemoryConnectorState(clock);
  const queues: Array<{ close(): Promise<void> }> = [];
  return {
    kind: 'memory',
    shared: false,
    store,
    scheduler,
    providerChecks: new MemoryProviderChecks(),
    apiKeys: new MemoryApiKeyStore(),
    connectorState: (providerId) => state.forProvider(providerId),
    queue<T>() {
      const queue = new MemoryQueueBackend<T>(clock);
      queues.push(queue);
      return queue;
    },
    deadLetters: () => new MemoryDeadLetters(),
    ping: async () => true,
    abort: () => scheduler.abort(),
    async close() {
      await scheduler.close();
      await Promise.all(queues.map((q) => q.close()));
      await store.close();
    },
  };
}
