import type { Clock } from '../../contract';
import { systemClock } from '../../clock';
import type { ClaimedPartition, QueueBackend, QueueEntry } from './types';

interface Partition<T> {
  items: T[];
  notBefore: number;
  leased: boolean;
  attempts: number;
  timer?: unknown;
}

/** One process, nothing persisted: the queue for the in-memory gateway and for tests. */
export class MemoryQueueBackend<T> implements QueueBackend<T> {
  readonly kind = 'memory';
  readonly shared = false;
  onWake?: () => void;
  private readonly parts = new Map<string, Partition<T>>();
  /** Partitions with items, not leased, eligible now; in arrival order. */
  private readonly ready = new Set<string>();
  private count = 0;

  constructor(private readonly clock: Clock = systemClock) {}

  async append(entries: readonly QueueEntry<T>[]): Promise<void> {
    const now = this.clock.now();
    for (const { partition, item } of entries) {
      let part = this.parts.get(partition);
      if (!part) {
        part = { items: [], notBefore: 0, leased: false, attempts: 0 };
        this.parts.set(partition, part);
      }
      part.items.push(item);
      this.count++;
      if (!part.leased && part.notBefore <= now) this.ready.add(partition);
    }
  }

  async claim(max: number, batch: number): Promise<ClaimedPartition<T>[]> {
    const out: ClaimedPartition<T>[] = [];
    for (const partition of this.ready) {
      if (out.length >= max) break;
      this.ready.delete(partition);
      const part = this.parts.get(partition);
      if (!part || part.items.length === 0) continue;
      part.leased = true;
      out.push({ partition, items: part.items.slice(0, batch), attempts: part.attempts });
    }
    return out;
  }

  async ack(partition: string, count: number): Promise<boolean> {
    const part = this.parts.get(partition);
    if (!part?.leased) return false;
    this.remove(part, count);
    return true;
  }

  private remove(part: Partition<T>, count: number) {
    this.count -= part.items.splice(0, count).length;
    part.attempts = 0;
  }

  async release(partition: string, retryAt?: number, ack?: number): Promise<void> {
    const part = this.parts.get(partition);
    if (!part?.leased) return;
    if (ack) this.remove(part, ack);
    part.leased = false;
    if (retryAt !== undefined && part.items.length > 0) {
      part.attempts++;
      part.notBefore = retryAt;
      part.timer = this.clock.setTimeout(() => {
        part.timer = undefined;
        if (!part.leased && part.items.length > 0) {
          this.ready.add(partition);
          this.onWake?.();
        }
      }, retryAt - this.clock.now());
    } else if (part.items.length > 0) {
      part.notBefore = 0;
      this.ready.add(partition);
    } else {
      this.parts.delete(partition);
    }
  }

  async renew(): Promise<void> {}

  async depth(): Promise<number> {
    return this.count;
  }

  async nextDueAt(): Promise<number | undefined> {
    if (this.ready.size > 0) return this.clock.now();
    let next: number | undefined;
    for (const part of this.parts.values())
      if (!part.leased && part.items.length > 0 && (next === undefined || part.notBefore < next)) next = part.notBefore;
    return next;
  }

  async close(): Promise<void> {
    for (const part of this.parts.values()) if (part.timer !== undefined) this.clock.clearTimeout(part.timer);
  }
}
