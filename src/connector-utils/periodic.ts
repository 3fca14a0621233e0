import { RateLimitError, VendorNotFoundError, type Clock } from '../contract';
import { BoundedMap } from './memory';

export interface PeriodicTaskOptions {
  clock: Pick<Clock, 'now' | 'setTimeout' | 'clearTimeout'>;
  intervalMs: number;
  /** One round. A rejection goes to `onError`; the next round is planned all the same. */
  run(): Promise<void>;
  onError?(error: unknown): void;
}

/**
 * Work repeated on the runtime clock (polls, lease renewals, sweeps): never two rounds at once, the
 * next one planned when a round ends and not before a pause ends (a 429's Retry-After; a round
 * planned earlier still runs and can check `paused`), and `dispose` stops planning and waits for the
 * round in progress.
 */
export class PeriodicTask {
  private timer: unknown;
  private running: Promise<void> | undefined;
  private disposed = false;
  private until = 0;

  constructor(private readonly options: PeriodicTaskOptions) {}

  /** Plans the first round (after one interval unless told otherwise). */
  start(delayMs = this.options.intervalMs): void {
    this.schedule(delayMs);
  }

  /** Runs a round now, or joins the one in progress; nothing once disposed. Never rejects. */
  runOnce(): Promise<void> {
    if (this.disposed) return this.running ?? Promise.resolve();
    this.running ??= this.options
      .run()
      .catch((error: unknown) => this.options.onError?.(error))
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Epoch ms before which no round starts. */
  get pausedUntil(): number {
    return this.until;
  }

  get paused(): boolean {
    return this.options.clock.now() < this.until;
  }

  pauseUntil(at: number): void {
    this.until = Math.max(this.until, at);
  }

  /** After a rate limit: pause for its Retry-After, or `fallbackMs` when it gave none. Other errors: nothing. */
  pauseOnRateLimit(error: unknown, fallbackMs: number): void {
    const until = rateLimitedUntil(error, this.options.clock.now(), fallbackMs);
    if (until !== undefined) this.pauseUntil(until);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    if (this.timer !== undefined) this.options.clock.clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private schedule(delayMs: number): void {
    if (this.disposed) return;
    const wait = Math.max(delayMs, this.until - this.options.clock.now());
    this.timer = this.options.clock.setTimeout(() => {
      this.timer = undefined;
      void this.runOnce().finally(() => this.schedule(this.options.intervalMs));
    }, wait);
  }
}

/** When a rate-limited vendor may be called again (`now` + Retry-After or `fallbackMs`); undefined for other errors. */
export function rateLimitedUntil(error: unknown, now: number, fallbackMs: number): number | undefined {
  return RateLimitError.isInstance(error) ? now + (error.retryAfterMs ?? fallbackMs) : undefined;
}

/**
 * Conversations one poller watches at most: each costs memory and a share of the vendor's rate
 * limit, so more are refused with a warning rather than slowing every poll down.
 */
export const MAX_POLLED = 5_000;

/** Consecutive 404s after which a polled conversation counts as gone (a single one can be the vendor's lag). */
export const NOT_FOUND_LIMIT = 3;

/** Consecutive "not found" answers per polled conversation, to tell a vendor's hiccup from a conversation gone. */
export class NotFoundStreaks {
  private readonly counts: BoundedMap<string, number>;

  constructor(
    max: number,
    readonly limit = NOT_FOUND_LIMIT,
  ) {
    this.counts = new BoundedMap(max);
  }

  /** The conversation answered (or is no longer polled): its streak starts over. */
  reset(id: string): void {
    this.counts.delete(id);
  }

  /** After a failed poll: true when `error` is the 404 that completes the streak. */
  isGone(id: string, error: unknown): boolean {
    if (!VendorNotFoundError.isInstance(error)) return false;
    const misses = (this.counts.get(id) ?? 0) + 1;
    if (misses < this.limit) {
      this.counts.set(id, misses);
      return false;
    }
    this.counts.delete(id);
    return true;
  }
}
