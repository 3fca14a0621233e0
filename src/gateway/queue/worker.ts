import { toHandoverError, type Logger } from '../../contract';
import type { ClaimedPartition, PartitionControl, PartitionHandler, QueueBackend } from './types';

export interface QueueWorkerOptions {
  /** For logs. */
  name: string;
  /** Partitions processed at once by this worker (default 64; 0: this instance only appends). */
  concurrency?: number;
  /** Items handed to the handler per claim (default 32). */
  batchSize?: number;
  /** How often a shared queue is polled for work other instances added or left behind (default 250 ms). */
  pollMs?: number;
  /** How often held leases are renewed (default: a third of `leaseMs`). */
  renewEveryMs?: number;
  leaseMs?: number;
  /** Backoff after the handler throws (default 1 s). */
  errorDelayMs?: number;
  logger: Logger;
  now?: () => number;
}

/**
 * Drains a partitioned queue: claims partitions (up to `concurrency` at once), runs the handler on
 * each, releases them. Local appends `kick()` it, so work usually starts at once; a shared (Redis)
 * queue is also polled, which is how an instance picks up what a dead one left behind.
 */
export class QueueWorker<T> {
  private readonly active = new Map<string, Promise<void>>();
  private readonly concurrency: number;
  private readonly batchSize: number;
  private readonly pollMs: number;
  private readonly errorDelayMs: number;
  private readonly now: () => number;
  private running = false;
  private stopping = false;
  private kicked = false;
  private wake?: () => void;
  private loopDone?: Promise<void>;
  private renewTimer?: ReturnType<typeof setInterval>;
  private nudgeTimer?: ReturnType<typeof setInterval>;

  constructor(
    private readonly backend: QueueBackend<T>,
    private readonly handler: PartitionHandler<T>,
    private readonly options: QueueWorkerOptions,
  ) {
    this.concurrency = options.concurrency ?? 64;
    this.batchSize = options.batchSize ?? 32;
    this.pollMs = options.pollMs ?? 250;
    this.errorDelayMs = options.errorDelayMs ?? 1000;
    this.now = options.now ?? Date.now;
    backend.onWake = () => this.kick();
  }

  /** Starts claiming. A worker with `concurrency: 0` never claims (an ingress-only instance). */
  start(): void {
    if (this.running || this.concurrency <= 0) return;
    this.running = true;
    this.stopping = false;
    this.loopDone = this.loop();
    const renewEvery = this.options.renewEveryMs ?? Math.max(50, Math.floor((this.options.leaseMs ?? 15_000) / 3));
    if (this.backend.shared) {
      this.renewTimer = setInterval(() => {
        if (this.active.size === 0) return;
        this.backend.renew([...this.active.keys()]).catch((error) =>
          this.options.logger.warn('lease renewal failed', {
            queue: this.options.name,
            error: toHandoverError(error).toJSON(),
          }),
        );
      }, renewEvery);
      this.renewTimer.unref?.();
    } else {
      // Local appends kick us and delayed partitions wake us: an idle worker just waits for a kick,
      // without a timer per wait (it waits several times per message under load). This is the safety net.
      this.nudgeTimer = setInterval(() => this.kick(), LOCAL_NUDGE_MS);
      this.nudgeTimer.unref?.();
    }
  }

  /** New work is waiting: claim now instead of at the next poll. */
  kick(): void {
    this.kicked = true;
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /** Partitions being processed right now. */
  get inFlight(): number {
    return this.active.size;
  }

  /**
   * Stops claiming. `drain: 'all'` first processes everything that is eligible (for the in-memory
   * queue, where nothing survives the process); `'inflight'` only lets running handlers finish (the
   * rest stays in Redis for the other instances). Resolves by `timeoutMs` at the latest.
   */
  async stop(options: { drain: 'all' | 'inflight'; timeoutMs: number }): Promise<{ drained: boolean }> {
    const deadline = this.now() + options.timeoutMs;
    if (options.drain === 'all' && this.running) {
      while (this.now() < deadline) {
        const [depth, next] = await Promise.all([this.backend.depth(), this.backend.nextDueAt()]);
        if (depth === 0) break;
        if (next !== undefined && next > deadline) break; // only delayed work is left, due after the deadline
        await delay(Math.min(20, Math.max(1, deadline - this.now())));
      }
    }
    this.stopping = true;
    this.kick();
    const pending = Promise.all([this.loopDone, ...this.active.values()]);
    const finished = await Promise.race([
      pending.then(() => true),
      delay(Math.max(0, deadline - this.now())).then(() => false),
    ]);
    this.halt();
    return { drained: finished && (await this.backend.depth().catch(() => -1)) === 0 };
  }

  /** Stops at once without waiting for anything (a crash, as far as the queue can tell). */
  abort(): void {
    this.stopping = true;
    this.kick();
    this.halt();
  }

  private halt() {
    this.running = false;
    if (this.renewTimer) clearInterval(this.renewTimer);
    if (this.nudgeTimer) clearInterval(this.nudgeTimer);
    this.renewTimer = undefined;
    this.nudgeTimer = undefined;
  }

  private async loop(): Promise<void> {
    while (!this.stopping) {
      const free = this.concurrency - this.active.size;
      let claimed: ClaimedPartition<T>[] = [];
      this.kicked = false;
      if (free > 0) {
        try {
          claimed = await this.backend.claim(free, this.batchSize);
        } catch (error) {
          if (this.stopping) break;
          this.options.logger.warn('queue claim failed; retrying', {
            queue: this.options.name,
            error: toHandoverError(error).toJSON(),
          });
          await this.sleep(this.errorDelayMs);
          continue;
        }
      }
      if (this.stopping) {
        // Claimed just as we stopped: hand them back untouched.
        await Promise.all(claimed.map((c) => this.backend.release(c.partition).catch(() => {})));
        break;
      }
      for (const c of claimed) this.run(c);
      if (claimed.length > 0 && claimed.length === free) continue; // maybe more waiting
      if (!this.kicked) await this.sleep(this.backend.shared ? await this.idleWait() : undefined);
      // Kicks come in bursts (every append and every finished partition kicks): claim once per turn of
      // the event loop, after the burst, instead of once per kick (a claim per message, mostly empty).
      if (!this.stopping) await nextTurn();
    }
  }

  /** How long a worker on a shared queue waits for a kick before claiming again. */
  private async idleWait(): Promise<number> {
    try {
      const next = await this.backend.nextDueAt();
      if (next === undefined) return this.pollMs;
      return Math.max(1, Math.min(this.pollMs, next - this.now()));
    } catch {
      return this.pollMs;
    }
  }

  private sleep(ms: number | undefined): Promise<void> {
    if (this.kicked || this.stopping) return Promise.resolve();
    if (ms === undefined)
      return new Promise((resolve) => {
        this.wake = resolve;
      });
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = undefined;
        resolve();
      }, ms);
      timer.unref?.();
      this.wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }

  private run(claimed: ClaimedPartition<T>): void {
    // The task removes itself when done: it always awaits the handler first, so it is set here before.
    this.active.set(claimed.partition, this.process(claimed));
  }

  private async process(claimed: ClaimedPartition<T>): Promise<void> {
    let retryAt: number | undefined;
    let ack: number | undefined;
    try {
      const outcome = await this.handler(claimed, new Control(this.backend, claimed.partition));
      retryAt = outcome.retryAt;
      ack = outcome.ack;
    } catch (error) {
      retryAt = this.now() + this.errorDelayMs;
      this.options.logger.error('queue handler failed; will retry', {
        queue: this.options.name,
        error: toHandoverError(error).toJSON(),
      });
    }
    try {
      await this.backend.release(claimed.partition, retryAt, ack);
    } catch (error) {
      this.options.logger.warn('queue release failed (the lease will run out)', {
        queue: this.options.name,
        error: toHandoverError(error).toJSON(),
      });
    } finally {
      this.active.delete(claimed.partition);
      this.kick();
    }
  }
}

/** A handler's way to acknowledge items of its partition (an object, not a bound function per claim). */
class Control<T> implements PartitionControl {
  constructor(
    private readonly backend: QueueBackend<T>,
    private readonly partition: string,
  ) {}
  ack(count: number): Promise<boolean> {
    return this.backend.ack(this.partition, count);
  }
}

/** How often an idle worker on a local queue looks for work nobody kicked it for (a safety net). */
const LOCAL_NUDGE_MS = 5_000;

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
  });
}
