import type { Job, Queue, Worker } from 'bullmq';
import type { RedisConnection as Redis } from './connect';
import { toHandoverError, type Logger } from '../../contract';
import { silentLogger } from '../../logger';
import { timerKey, type Scheduler, type TimerJob, type TimerKind } from '../../scheduler';
import { LuaScript } from './lua';
import { loadPeer } from './optional';

/**
 * Timers as BullMQ delayed jobs: they live in Redis, survive restarts, and run on whichever gateway
 * instance's worker takes them first.
 *
 * Job ids are `${kind}:${handoverId}:${dueAt}`, not just `${kind}:${handoverId}`: a timer often re-arms
 * itself from inside its own job (the next inactivity expiry, the next queue update), and BullMQ
 * ignores an `add` whose id belongs to a job that still exists — the running one. So each arming gets
 * its own id, and a pointer key `P timer:${kind}:${handoverId}` names the current one. Replacing is
 * add-new, swap the pointer (SET … GET), remove the previous job: whatever the interleaving of two
 * instances, every job but the one the pointer ends on is removed by whoever displaced it.
 */
const CLEAR_POINTER = new LuaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`);

export interface RedisSchedulerOptions {
  /** For the pointer keys (the gateway's shared connection). */
  redis: Redis;
  /** Builds the dedicated connections BullMQ needs (`maxRetriesPerRequest: null`). */
  connect: () => Redis;
  prefix?: string;
  /** Timer jobs run at once by this instance (default 16). */
  concurrency?: number;
  /**
   * How long a running job is locked to its worker (default 30 s, BullMQ's): a job whose instance
   * died is run again by another once its lock lapses, checked as often.
   */
  lockMs?: number;
  logger?: Logger;
  now?: () => number;
}

export class RedisScheduler implements Scheduler {
  static readonly QUEUE = 'handover-timers';
  private readonly bullmq: typeof import('bullmq');
  private readonly queue: Queue;
  private readonly queueConnection: Redis;
  private worker?: Worker;
  private workerConnection?: Redis;
  private handler: (job: TimerJob) => Promise<void> = async () => {};
  private readonly prefix: string;
  private readonly logger: Logger;
  private readonly now: () => number;
  private closed = false;

  constructor(private readonly options: RedisSchedulerOptions) {
    this.prefix = options.prefix ?? 'hk:';
    this.logger = options.logger ?? silentLogger;
    this.now = options.now ?? Date.now;
    this.bullmq = loadPeer<typeof import('bullmq')>('bullmq');
    this.queueConnection = options.connect();
    this.queue = new this.bullmq.Queue(RedisScheduler.QUEUE, {
      connection: this.queueConnection,
      prefix: `${this.prefix}bull`,
    });
    this.queue.on('error', (error) =>
      this.logger.warn('timer queue error', { error: toHandoverError(error).toJSON() }),
    );
  }

  setHandler(handler: (job: TimerJob) => Promise<void>): void {
    this.handler = handler;
    if (this.worker || this.closed) return;
    this.workerConnection = this.options.connect();
    this.worker = new this.bullmq.Worker(RedisScheduler.QUEUE, (job: Job) => this.process(job), {
      connection: this.workerConnection,
      prefix: `${this.prefix}bull`,
      concurrency: this.options.concurrency ?? 16,
      ...(this.options.lockMs ? { lockDuration: this.options.lockMs, stalledInterval: this.options.lockMs } : {}),
    });
    this.worker.on('error', (error) =>
      this.logger.warn('timer worker error', { error: toHandoverError(error).toJSON() }),
    );
  }

  async schedule(job: TimerJob): Promise<void> {
    if (this.closed) return;
    const id = jobIdOf(job);
    const delay = Math.max(0, job.dueAt - this.now());
    await this.queue.add(job.kind, job, { jobId: id, delay, removeOnComplete: true, removeOnFail: 1000 });
    const previous = (await this.options.redis.set(
      this.pointer(job.kind, job.handoverId),
      id,
      'PX',
      delay + 86_400_000,
      'GET',
    )) as string | null;
    if (previous && previous !== id) await this.removeJob(previous);
  }

  /** Schedules `job` only if no timer of its kind is armed for the handover (restoring after a crash). */
  async ensure(job: TimerJob): Promise<boolean> {
    if ((await this.options.redis.exists(this.pointer(job.kind, job.handoverId))) === 1) return false;
    await this.schedule(job);
    return true;
  }

  async cancel(kind: TimerKind, handoverId: string): Promise<void> {
    const previous = await this.options.redis.getdel(this.pointer(kind, handoverId));
    if (previous) await this.removeJob(previous);
  }

  /** Delayed timers waiting in Redis (all instances). */
  async pending(): Promise<number> {
    return this.queue.getDelayedCount();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    // Closing BullMQ while it is still connecting leaves a connection open (or emits an unhandled
    // error): a gateway stopped right after it started must still exit. Let it finish starting first.
    await Promise.all([this.worker?.waitUntilReady().catch(() => {}), this.queue.waitUntilReady().catch(() => {})]);
    await this.worker?.close().catch(() => {});
    await this.queue.close().catch(() => {});
    await Promise.all([this.workerConnection?.quit().catch(() => {}), this.queueConnection.quit().catch(() => {})]);
  }

  /** Drops everything at once, as a crash would: running jobs are not finished. */
  abort(): void {
    this.closed = true;
    void this.worker?.close(true).catch(() => {});
    this.workerConnection?.disconnect();
    this.queueConnection.disconnect();
  }

  private async process(job: Job): Promise<void> {
    const data = job.data as TimerJob;
    try {
      await this.handler(data);
    } finally {
      await CLEAR_POINTER.run(this.options.redis, [this.pointer(data.kind, data.handoverId)], [job.id ?? '']).catch(
        () => {},
      );
    }
  }

  private async removeJob(id: string): Promise<void> {
    try {
      await this.queue.remove(id);
    } catch (error) {
      // Running right now (it is re-arming itself): it finishes on its own.
      this.logger.debug('timer job not removed', { jobId: id, error: toHandoverError(error).toJSON() });
    }
  }

  private pointer(kind: TimerKind, handoverId: string): string {
    return `${this.prefix}timer:${timerKey(kind, handoverId)}`;
  }
}

export function jobIdOf(job: TimerJob): string {
  return `${timerKey(job.kind, job.handoverId)}:${Math.round(job.dueAt)}`;
}
