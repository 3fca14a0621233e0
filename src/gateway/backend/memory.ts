import { MemoryScheduler } from '../../scheduler';
import { MemoryConnectorState } from '../../store/connector-state';
import { MemoryStore } from '../../store/memory';
import { MemoryDeadLetters } from '../cognigy/outbox';
import { MemoryQueueBackend } from '../queue/memory';
import { MemoryProviderChecks } from '../routes/provider-checks';
import { MemoryApiKeyStore } from '../keys/store';
import { BackendResources, type BackendOptions, type GatewayBackend } from './types';

/** One process: everything in memory, gone with it. */
export function memoryBackend(options: BackendOptions): GatewayBackend {
  const { clock } = options;
  const store = options.store ?? new MemoryStore({ clock });
  const scheduler = options.scheduler ?? new MemoryScheduler(clock);
  const state = new MemoryConnectorState(clock);
  const resources = new BackendResources({ store, scheduler });
  return {
    kind: 'memory',
    shared: false,
    store,
    scheduler,
    providerChecks: new MemoryProviderChecks(),
    apiKeys: new MemoryApiKeyStore(),
    connectorState: (providerId) => state.forProvider(providerId),
    queue: <T>() => resources.queue(new MemoryQueueBackend<T>(clock)),
    deadLetters: () => new MemoryDeadLetters(),
    ping: async () => true,
    abort: () => scheduler.abort(),
    close: () => resources.close(),
  };
}
