import { randomUUID } from 'node:crypto';
import type { Clock, ConnectorStateV1 } from '../contract';
import { systemClock } from '../clock';

interface Entry {
  value: string;
  expiresAt: number;
}

/** Settled promises shared by every call that answers nothing (immutable once settled). */
const DONE: Promise<void> = Promise.resolve();
const NOTHING: Promise<string | undefined> = Promise.resolve(undefined);

/**
 * In-process `ConnectorStateV1` for one gateway or one service: every provider gets its own view
 * (`forProvider`). Leases are trivially held by this process; expiries follow the injected clock.
 * Every in-process gateway reads and writes here per relayed message, so the path is kept lean: one
 * map per provider (no joined key to build and hash per call), no clock read for an entry without a
 * ttl, an entry rewritten in place, and settled promises instead of async frames.
 */
export class MemoryConnectorState {
  private readonly providers = new Map<string, Map<string, Entry>>();
  private readonly owner = randomUUID();

  constructor(private readonly clock: Pick<Clock, 'now'> = systemClock) {}

  forProvider(providerId: string): ConnectorStateV1 {
    let values = this.providers.get(providerId);
    if (!values) {
      values = new Map();
      this.providers.set(providerId, values);
    }
    const map = values;
    return {
      get: (k) => {
        const value = this.read(map, k);
        return value === undefined ? NOTHING : Promise.resolve(value);
      },
      set: (k, value, options) => {
        this.write(map, k, value, options?.ttlMs);
        return DONE;
      },
      delete: (k) => {
        map.delete(k);
        return DONE;
      },
      acquireLease: async (name, ttlMs) => {
        const k = `lease:${name}`;
        const holder = this.read(map, k);
        if (holder !== undefined && holder !== this.owner) return false;
        this.write(map, k, this.owner, ttlMs);
        return true;
      },
      releaseLease: async (name) => {
        const k = `lease:${name}`;
        if (this.read(map, k) === this.owner) map.delete(k);
      },
    };
  }

  /** Entries held, expired ones swept (for memory tests). */
  get size(): number {
    let size = 0;
    for (const map of this.providers.values()) {
      for (const k of [...map.keys()]) this.read(map, k);
      size += map.size;
    }
    return size;
  }

  private read(map: Map<string, Entry>, k: string): string | undefined {
    const entry = map.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt !== Number.POSITIVE_INFINITY && entry.expiresAt <= this.clock.now()) {
      map.delete(k);
      return undefined;
    }
    return entry.value;
  }

  private write(map: Map<string, Entry>, k: string, value: string, ttlMs?: number): void {
    const expiresAt = ttlMs === undefined ? Number.POSITIVE_INFINITY : this.clock.now() + ttlMs;
    const entry = map.get(k);
    if (entry) {
      entry.value = value;
      entry.expiresAt = expiresAt;
    } else map.set(k, { value, expiresAt });
  }
}
