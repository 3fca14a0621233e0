import type { Clock, ConnectorDefinitionV1, Logger } from './contract';
import { systemClock } from './clock';
import { MemoryDelivery, type Delivery } from './delivery';
import { ProviderRegistry } from './registry';
import type { Scheduler } from './scheduler';
import { HandoverService } from './service/service';
import type { HandoverStore } from './store/types';

export interface HandoverKitOptions<D extends Delivery = MemoryDelivery> {
  connectors: readonly ConnectorDefinitionV1[];
  /** Providers to create up front. */
  providers?: Array<{ id?: string; name: string; type: string; settings?: Record<string, unknown> }>;
  /** Defaults to a `MemoryDelivery` that records everything. */
  delivery?: D;
  store?: HandoverStore;
  scheduler?: Scheduler;
  clock?: Clock;
  logger?: Logger;
  callTimeoutMs?: number;
}

export interface HandoverKit<D extends Delivery = MemoryDelivery> {
  registry: ProviderRegistry;
  service: HandoverService;
  delivery: D;
  close(): Promise<void>;
}

/** Wires a registry, a service and a delivery together: the in-process setup for tests and the demo. */
export async function createHandoverKit<D extends Delivery = MemoryDelivery>(
  options: HandoverKitOptions<D>,
): Promise<HandoverKit<D>> {
  const clock = options.clock ?? systemClock;
  const registry = new ProviderRegistry({
    connectors: options.connectors,
    store: options.store,
    clock,
    logger: options.logger,
  });
  const delivery = (options.delivery ?? new MemoryDelivery()) as D;
  const service = new HandoverService({
    registry,
    delivery,
    clock,
    scheduler: options.scheduler,
    logger: options.logger,
    callTimeoutMs: options.callTimeoutMs,
  });
  for (const p of options.providers ?? []) await registry.create(p);
  return {
    registry,
    service,
    delivery,
    async close() {
      await service.close();
      await registry.close();
      await registry.store.close();
    },
  };
}
