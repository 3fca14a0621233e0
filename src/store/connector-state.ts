import { randomUUID } from 'node:crypto';
import type { Clock, ConnectorStateV1 } from '../contract';
import { systemClock } from '../clock';

/**
 * In-process `ConnectorStateV1` for one gateway or one service: every provider gets its own view
 * (`forProvider`). Leases are trivially held by this process; expiries follow the injected clock.
 */
export class MemoryConnectorState {
  private readonly values = new Map<string, { value: string; expiresAt: number }>();
  private readonly owner = randomUUID();

  constructor(private readonly clock: Pick<Clock, 'now'> = systemClock) {}

  forProvider(providerId: string): ConnectorStateV1 {
    const key = (k: string) => `${providerId}\u0000${k}`;
    return {
      get: async (k) => this.read(key(k)),
      set: async (k, value, options) => this.write(key(k), value, options?.ttlMs),
      delete: async (k) => void this.values.delete(key(k)),
      acquireLease: async (name, ttlMs) => {
        const k = key(`lease:${name}`);
        const holder = this.read(k);
        if (holder !== undefined && holder !== this.owner) return false;
        this.write(k, this.owner, ttlMs);
        return true;
      },
      releaseLease: async (name) => {
        const k = key(`lease:${name}`);
        if (this.read(k) === this.owner) this.values.delete(k);
      },
    };
  }

  /** Entries held, expired ones swept (for memory tests). */
  get size(): number {
    for (const k of [...this.values.keys()]) this.read(k);
    return this.values.size;
  }

  private read(k: string): string | undefined {
    const entry = this.values.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.values.delete(k);
      return undefined;
    }
    return entry.value;
  }

  private write(k: string, value: string, ttlMs?: number): void {
    this.values.set(k, { value, expiresAt: ttlMs === undefined ? Number.POSITIVE_INFINITY : this.clock.now() + ttlMs });
  }
}
