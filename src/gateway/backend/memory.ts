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
  const resources = new BackendResources({ store, scheduler, state: new MemoryConnectorState(clock) });
  return {
    kind: 'memory',
    shared: false,
    ...resources.members(),
    providerChecks: new MemoryProviderChecks(),
    apiKeys: new MemoryApiKeyStore(),
    queue: <T>() => resources.queue(new MemoryQueueBackend<T>(clock)),
    deadLetters: () => new MemoryDeadLetters(),
    ping: async () => true,
    abort: () => scheduler.abort(),
    close: () => resources.close(),
  };
}
