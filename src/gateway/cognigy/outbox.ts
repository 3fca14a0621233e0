import type { RedisConnection as Redis } from '../redis/connect';
import type { Logger } from '../../contract';
import type { Delivery, DeliveryItem } from '../../delivery';
import type { GatewayMetrics } from '../metrics';
import type { PartitionHandler, QueueBackend } from '../queue/types';
import type { QueueWorker } from '../queue/worker';
import type { SecretCipher } from '../secrets/cipher';
import { openDeliveryItem, sealDeliveryItem } from '../secrets/rotate';
import { CognigyCallError, type CognigyApiClient } from './client';

/**
 * The outbox toward Cognigy. `deliver()` only appends the item to the session's partition of a
 * durable queue (memory, or Redis shared by every instance) and returns. A sender drains each
 * session in order with one request in flight per session (the partition lease): on success the item
 * is removed; on 408/429/5xx or a network error the session waits (exponential backoff with jitter,
 * at least Retry-After) and the same item is tried again, so nothing behind it overtakes it; on any
 * other 4xx, or when an item is older than `maxAgeMs`, it is dead-lettered and logged.
 */
export interface OutboxRecord {
  /** The item. */
  i: DeliveryItem;
  /** When it was appended (epoch ms). */
  t: number;
}

export interface OutboxRetryPolicy {
  /** First backoff (default 500 ms), doubled per failed attempt. */
  baseDelayMs: number;
  /** Longest backoff without a Retry-After (default 30 s). */
  maxDelayMs: number;
  /** Longest Retry-After honoured (default 10 min). */
  maxRetryAfterMs: number;
  /** Items still failing after this long are dead-lettered (default 24 h). */
  maxAgeMs: number;
}

export const DEFAULT_RETRY_POLICY: OutboxRetryPolicy = {
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 600_000,
  maxAgeMs: 86_400_000,
};

/** The outbox partition of a session: its items are delivered in order, one at a time. */
export function sessionPartition(session: { userId: string; sessionId: string }): string {
  return `${encodeURIComponent(session.userId)}:${encodeURIComponent(session.sessionId)}`;
}

/** Delay before the next attempt: exponential with jitter, never sooner than Retry-After. */
export function backoffDelay(
  attempts: number,
  retryAfterMs: number | undefined,
  policy: OutboxRetryPolicy,
  random: () => number = Math.random,
): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.min(attempts, 30));
  const jittered = exp / 2 + random() * (exp / 2);
  if (retryAfterMs === undefined) return Math.round(jittered);
  const honoured = Math.min(retryAfterMs, policy.maxRetryAfterMs);
  return Math.round(honoured + random() * Math.min(250, honoured * 0.1));
}

/** Where given-up items go, for an operator to inspect. */
export interface DeadLetters {
  add(record: OutboxRecord, reason: string): Promise<void>;
  list(limit?: number): Promise<Array<{ record: OutboxRecord; reason: string; at: number }>>;
}

export class MemoryDeadLetters implements DeadLetters {
  private readonly entries: Array<{ record: OutboxRecord; reason: string; at: number }> = [];
  constructor(private readonly max = 1000) {}
  async add(record: OutboxRecord, reason: string) {
    this.entries.push({ record, reason, at: Date.now() });
    if (this.entries.length > this.max) this.entries.shift();
  }
  async list(limit = 100) {
    return this.entries.slice(-limit);
  }
}

export class RedisDeadLetters implements DeadLetters {
  constructor(
    private readonly redis: Redis,
    private readonly key: string,
    private readonly max = 10_000,
  ) {}
  async add(record: OutboxRecord, reason: string) {
    await this.redis
      .multi()
      .lpush(this.key, JSON.stringify({ record, reason, at: Date.now() }))
      .ltrim(this.key, 0, this.max - 1)
      .exec();
  }
  async list(limit = 100) {
    return (await this.redis.lrange(this.key, 0, limit - 1)).map((j) => JSON.parse(j));
  }
}

export interface OutboxHandlerOptions {
  client: Pick<CognigyApiClient, 'send'>;
  policy: OutboxRetryPolicy;
  deadLetters: DeadLetters;
  metrics: GatewayMetrics;
  logger: Logger;
  now?: () => number;
  random?: () => number;
  /** Opens the item's sealed URLToken just before the call (it stays sealed in the queue). */
  cipher?: SecretCipher;
}

export function createOutboxHandler(options: OutboxHandlerOptions): PartitionHandler<OutboxRecord> {
  const now = options.now ?? Date.now;
  const { metrics, logger, policy } = options;
  return async ({ items, attempts, partition }, control) => {
    let failures = attempts;
    for (let index = 0; index < items.length; index++) {
      const record = items[index]!;
      const item = record.i;
      try {
        const call = await options.client.send(openDeliveryItem(options.cipher, item));
        metrics.deliveries.inc({ kind: call, result: 'ok' });
      } catch (error) {
        const e =
          error instanceof CognigyCallError
            ? error
            : new CognigyCallError(String((error as Error)?.message ?? error), undefined, false);
        const age = now() - record.t;
        if (e.retryable && age < policy.maxAgeMs) {
          const wait = backoffDelay(failures, e.retryAfterMs, policy, options.random);
          metrics.deliveryRetries.inc({ reason: e.status === undefined ? 'network' : String(e.status) });
          logger.warn('Cognigy delivery failed; will retry', {
            itemId: item.id,
            handoverId: item.handoverId,
            type: item.type,
            status: e.status,
            attempt: failures + 1,
            retryInMs: wait,
            error: e.message,
          });
          return { retryAt: now() + wait };
        }
        const reason = e.retryable ? `gave up after ${Math.round(age / 1000)} s: ${e.message}` : e.message;
        metrics.deadLetters.inc({ reason: e.status === undefined ? 'other' : String(e.status) });
        logger.error('Cognigy delivery dead-lettered', {
          itemId: item.id,
          handoverId: item.handoverId,
          type: item.type,
          status: e.status,
          partition,
          reason,
        });
        await options.deadLetters.add(record, reason).catch(() => {});
      }
      // Removed once sent (or dead-lettered); the last item with the release, in one step.
      if (index === items.length - 1) return { ack: 1 };
      if (!(await control.ack(1))) return {};
      failures = 0;
    }
    return {};
  };
}

/** The outbox entry of an item: its session's partition. */
export function outboxEntry(item: DeliveryItem, now: number): { partition: string; item: OutboxRecord } {
  return { partition: sessionPartition(item.session), item: { i: item, t: now } };
}

/** The `Delivery` the service writes to: a durable append, then the sender takes over. */
export class OutboxDelivery implements Delivery {
  constructor(
    private readonly backend: QueueBackend<OutboxRecord>,
    private readonly worker: Pick<QueueWorker<OutboxRecord>, 'kick'>,
    private readonly now: () => number = Date.now,
    private readonly cipher?: SecretCipher,
  ) {}

  async deliver(item: DeliveryItem): Promise<void> {
    await this.backend.append([outboxEntry(sealDeliveryItem(this.cipher, item), this.now())]);
    this.worker.kick();
  }
}
