import { VendorNotFoundError, type ConnectorRuntime, type HandoverEvent } from 'handover-kit/contract';
import {
  PeriodicTask,
  SharedIdList,
  errorForLog,
  conversationGoneEvent,
  NotFoundStreaks,
  HeldLease,
  MAX_POLLED,
} from 'handover-kit/connector-utils';
import type { CxoneApi } from './api';

export { NOT_FOUND_LIMIT, MAX_POLLED as MAX_TRACKED } from 'handover-kit/connector-utils';
import { diffContact } from './mapping';
import type { ThreadStore } from './threads';

/** The lease that makes one gateway instance the provider's poller. */
export const POLLER_LEASE = 'poller';
/** Contact reads in flight at once. */
const CONCURRENCY = 8;

export interface PollerOptions extends Pick<ConnectorRuntime, 'clock' | 'logger' | 'state'> {
  api: CxoneApi;
  threads: ThreadStore;
  intervalMs: number;
  /** Contact reads allowed per hour (CXone: 120,000 "get contact" per tenant). */
  requestsPerHour: number;
  emit(events: HandoverEvent[]): void;
}

/**
 * ONE poller per provider, shared by all its handovers: every instance ticks each interval, but
 * only the holder of the `poller` lease reads contacts (the lease is renewed each tick and lapses
 * when its holder dies, so another instance takes over). The list of polled threads lives in
 * `runtime.state`, so it survives restarts and is the same for every instance. Each tick reads at
 * most the per-interval share of `requestsPerHour`, round-robin when there are more threads.
 */
export class ContactPoller {
  /** Contact reads sent (benchmarks and tests read it). */
  polls = 0;
  private cursor = 0;
  private disposed = false;
  private readonly ticks: PeriodicTask;
  private readonly lease: HeldLease;
  private readonly notFound = new NotFoundStreaks(MAX_POLLED);
  /** The polled threads, shared by every instance (the lease `polled-index` guards rewrites). */
  private readonly polled: SharedIdList;

  constructor(private readonly options: PollerOptions) {
    this.polled = new SharedIdList(options.state, {
      key: 'polled',
      lock: 'polled-index',
      clock: options.clock,
      what: 'cxone polled-thread list',
    });
    this.lease = new HeldLease(options.state, POLLER_LEASE, this.leaseMs);
    this.ticks = new PeriodicTask({
      clock: options.clock,
      intervalMs: options.intervalMs,
      run: () => this.tick(),
      // A failure (shared state away, lock busy) is logged and the next tick tries again.
      onError: (error) => options.logger.warn('cxone poller tick failed', { error: errorForLog(error) }),
    });
  }

  /** Contact reads per tick (at least one). */
  get budget(): number {
    return Math.max(1, Math.floor((this.options.requestsPerHour * this.options.intervalMs) / 3_600_000));
  }

  /** Outlives a few missed ticks, so a busy holder keeps it; a dead one loses it quickly. */
  get leaseMs(): number {
    return Math.max(3 * this.options.intervalMs, 15_000);
  }

  /** True while this instance holds the `poller` lease (renewed each tick). */
  get holding(): boolean {
    return this.lease.held;
  }

  start(): void {
    this.ticks.start();
  }

  /** Threads polled by this provider (shared state). */
  tracked(): Promise<string[]> {
    return this.polled.read();
  }

  async track(threadId: string): Promise<void> {
    await this.polled.edit((ids) => {
      if (ids.includes(threadId)) return ids;
      if (ids.length >= MAX_POLLED) {
        this.options.logger.warn('cxone poller is full; agent joined / ended will not be detected for this handover', {
          threadId,
          tracked: ids.length,
        });
        return ids;
      }
      return [...ids, threadId];
    });
  }

  async untrack(threadId: string): Promise<void> {
    await this.polled.edit((ids) => (ids.includes(threadId) ? ids.filter((id) => id !== threadId) : ids));
  }

  /** One tick: take or renew the lease; when held, read a budget's worth of contacts. */
  runOnce(): Promise<void> {
    return this.ticks.runOnce();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.ticks.dispose();
    await this.lease.release();
  }

  private async tick(): Promise<void> {
    if ((await this.lease.renew()) && !this.ticks.paused) await this.pollBatch();
  }

  private async pollBatch(): Promise<void> {
    const ids = await this.tracked();
    if (ids.length === 0) return;
    const count = Math.min(this.budget, ids.length);
    const batch = Array.from({ length: count }, (_, i) => ids[(this.cursor + i) % ids.length]!);
    this.cursor = (this.cursor + count) % ids.length;
    for (let i = 0; i < batch.length && !this.disposed && !this.ticks.paused; i += CONCURRENCY) {
      const results = await Promise.allSettled(batch.slice(i, i + CONCURRENCY).map((id) => this.pollThread(id)));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    }
  }

  private async pollThread(threadId: string): Promise<void> {
    const { api, threads, clock, logger } = this.options;
    try {
      const record = await threads.get(threadId);
      if (!record || record.phase === 'ended') return void (await this.untrack(threadId));
      this.polls++;
      const contact = await api.getContact(record.contactId, 'poll contact status', { retry: false });
      this.notFound.reset(threadId);
      const { events, record: next } = diffContact(threadId, record, contact, clock.now());
      if (events.length === 0) return;
      // Emitted before saving: after a crash in between, the next holder repeats the same event ids.
      this.options.emit(events);
      await threads.put(threadId, next);
      if (next.phase === 'ended') await this.untrack(threadId);
    } catch (error) {
      await this.failed(threadId, error);
      if (!VendorNotFoundError.isInstance(error))
        logger.warn('cxone contact poll failed', { threadId, error: errorForLog(error) });
    }
  }

  private async failed(threadId: string, error: unknown): Promise<void> {
    const { clock, intervalMs } = this.options;
    this.ticks.pauseOnRateLimit(error, intervalMs * 2);
    if (!this.notFound.isGone(threadId, error)) return;
    await this.untrack(threadId);
    const gone = { code: 'contact-not-found', message: 'The CXone contact no longer exists' };
    this.options.emit([conversationGoneEvent('cxone', threadId, clock.now(), gone)]);
  }
}
