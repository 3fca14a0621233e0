import type { z } from 'zod';
import { HandoverError, type Clock, type ConnectorStateV1 } from '../contract';
import { BoundedMap } from './memory';
import { clockSleep, retryWithBackoff } from './retry';

/**
 * Helpers over `runtime.state` (the connector state every gateway instance shares): JSON records
 * read defensively, and a list of ids edited by several instances without losing an update.
 */

export const DAY_MS = 86_400_000;

/**
 * Records of one schema kept as JSON in the shared state. Every read goes to the state (the source
 * of truth), but the last value parsed per key is remembered with its raw text, so an unchanged value
 * skips the JSON and schema pass (hot paths read the same record per message). A missing, unreadable
 * or differently shaped value reads as undefined. Records are values: never mutate one, `put` a new one.
 */
export class StateRecords<S extends z.ZodType> {
  private readonly parsed: BoundedMap<string, { raw: string; record: z.output<S> }>;

  constructor(
    private readonly state: ConnectorStateV1,
    private readonly schema: S,
    private readonly ttlMs?: number,
    memory = 1000,
  ) {
    this.parsed = new BoundedMap(memory);
  }

  async get(key: string): Promise<z.output<S> | undefined> {
    const raw = await this.state.get(key);
    if (!raw) return undefined;
    const seen = this.parsed.get(key);
    if (seen?.raw === raw) return seen.record;
    try {
      const parsed = this.schema.safeParse(JSON.parse(raw));
      if (!parsed.success) return undefined;
      this.parsed.set(key, { raw, record: parsed.data });
      return parsed.data;
    } catch {
      return undefined;
    }
  }

  put(key: string, record: z.output<S>): Promise<void> {
    return this.state.set(key, JSON.stringify(record), this.ttlMs ? { ttlMs: this.ttlMs } : undefined);
  }
}

/** The strings of a JSON array (anything else in it, or a value that is no array, is ignored). */
export function parseIdList(raw: string | undefined): string[] {
  try {
    const list: unknown = raw ? JSON.parse(raw) : [];
    return Array.isArray(list) ? list.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

export interface SharedIdListOptions {
  /** The state key holding the JSON array. */
  key: string;
  /** The lease that separates instances while one rewrites the list. */
  lock: string;
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>;
  /** Kept this long after the last write (default: no expiry). */
  ttlMs?: number;
  /** Named in the error when the lock stays taken. */
  what: string;
}

/**
 * A list of ids in the shared state (handovers one provider polls or streams). Edits are
 * read-modify-write: in order within this process, and under a short lease across instances (a
 * lease held elsewhere is waited for with backoff on the runtime clock), so no update is lost.
 */
export class SharedIdList {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly state: ConnectorStateV1,
    private readonly options: SharedIdListOptions,
  ) {}

  async read(): Promise<string[]> {
    return parseIdList(await this.state.get(this.options.key));
  }

  /** Applies `change`; returning the same array writes nothing (unless the list has a ttl to renew). */
  edit(change: (ids: string[]) => string[]): Promise<void> {
    const run = () => this.editLocked(change);
    const result = this.chain.then(run, run);
    this.chain = result.catch(() => undefined);
    return result;
  }

  private async editLocked(change: (ids: string[]) => string[]): Promise<void> {
    const { state, options } = this;
    await retryWithBackoff(
      async () => {
        if (!(await state.acquireLease(options.lock, 5_000)))
          throw new HandoverError('internal', `${options.what} is being changed by another instance`, {
            isRetryable: true,
          });
      },
      { maxAttempts: 10, baseDelayMs: 50, maxDelayMs: 2_000, sleep: clockSleep(options.clock) },
    );
    try {
      const ids = await this.read();
      const next = change(ids);
      if (next !== ids || options.ttlMs !== undefined)
        await state.set(options.key, JSON.stringify(next), options.ttlMs ? { ttlMs: options.ttlMs } : undefined);
    } finally {
      await state.releaseLease(options.lock);
    }
  }
}

/**
 * A named lease in the shared state, taken and renewed by the instance that runs what it guards (a
 * poller, a stream): while held it is this instance's job; if the holder dies the lease lapses and
 * another instance takes over.
 */
export class HeldLease {
  held = false;

  constructor(
    private readonly state: ConnectorStateV1,
    readonly name: string,
    private readonly ttlMs: number,
  ) {}

  /** Takes or renews the lease; false while another instance holds it. */
  async renew(): Promise<boolean> {
    this.held = await this.state.acquireLease(this.name, this.ttlMs);
    return this.held;
  }

  /** Hands a held lease back at once instead of letting it lapse; a failure to do so is ignored. */
  async release(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    await this.state.releaseLease(this.name).catch(() => undefined);
  }
}
