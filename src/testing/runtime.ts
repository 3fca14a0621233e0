import type { ConnectorRuntime } from '../contract';
import { systemClock } from '../clock';
import { silentLogger } from '../logger';
import { MemoryConnectorState } from '../store/connector-state';

/**
 * A `ConnectorRuntime` for calling a connector factory directly in a test: system clock, silent
 * logger, in-memory state, provider id `test`; override any part.
 */
export function testConnectorRuntime(overrides: Partial<ConnectorRuntime> = {}): ConnectorRuntime {
  const clock = overrides.clock ?? systemClock;
  const providerId = overrides.providerId ?? 'test';
  return {
    clock,
    logger: silentLogger,
    providerId,
    state: new MemoryConnectorState(clock).forProvider(providerId),
    ...overrides,
  };
}
