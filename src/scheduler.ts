import type { Clock } from './contract';
import { systemClock } from './clock';

export type TimerKind = 'queue-position' | 'queue-wait' | 'inactivity' | 'idle' | 'reorder' | 'assignment';

export interface TimerJob {
  kind: TimerKind;
  handoverId: string;
  /** When it was due; handlers ignore a job whose due time no longer matches the record (re-armed). */
  dueAt: number;
}

/**
 * Timers the handover service owns (queue notifications, inactivity, idle close, reorder flush).
 * One job per (kind, handover): scheduling again replaces it. The memory scheduler lives and dies
 * with the process; the gateway's Redis scheduler persists jobs so they survive a restart and fire
 * on whichever instance is alive.
 */
export interface Scheduler {
  schedule(job: TimerJob): Promise<void>;
  /** Schedules unless a job of this kind is armed for the handover; true when it scheduled. */
  ensure(job: TimerJob): Promise<boolean>;
  cancel(kind: TimerKind, handoverId: string): Promise<void>;
  setHandler(handler: (job: TimerJob) => Promise<void>): void;
  close(): Promise<void>;
  /** Stops at once, as a crash would (jobs already persisted stay). */
  abort(): void;
}

export function timerKey(kind: TimerKind, handoverId: string): string {
  return `${kind}:${handoverId}`;
}

export class MemoryScheduler implements Scheduler {
  private readonly timers = new Map<string, unknown>();
  private handler: (job: TimerJob) => Promise<void> = async () => {};
  private closed = false;

  constructor(private readonly clock: Clock = systemClock) {}

  setHandler(handler: (job: TimerJob) => Promise<void>): void {
    this.handler = handler;
  }

  async schedule(job: TimerJob): Promise<void> {
    if (this.closed) return;
    const key = timerKey(job.kind, job.handoverId);
    const previous = this.timers.get(key);
    if (previous !== undefined) this.clock.clearTimeout(previous);
    const handle = this.clock.setTimeout(() => {
      if (this.timers.get(key) === handle) this.timers.delete(key);
      void this.handler(job).catch(() => {});
    }, job.dueAt - this.clock.now());
    this.timers.set(key, handle);
  }

  async ensure(job: TimerJob): Promise<boolean> {
    if (this.timers.has(timerKey(job.kind, job.handoverId))) return false;
    await this.schedule(job);
    return true;
  }

  abort(): void {
    void this.close();
  }

  async cancel(kind: TimerKind, handoverId: string): Promise<void> {
    const key = timerKey(kind, handoverId);
    const handle = this.timers.get(key);
    if (handle !== undefined) {
      this.clock.clearTimeout(handle);
      this.timers.delete(key);
    }
  }

  get size(): number {
    return this.timers.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const handle of this.timers.values()) this.clock.clearTimeout(handle);
    this.timers.clear();
  }
}
