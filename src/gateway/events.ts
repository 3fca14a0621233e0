import type { HandoverEvent, Logger } from '../contract';
import type { HandoverService } from '../service/service';
import type { IngestResult } from '../service/events';
import type { GatewayMetrics } from './metrics';
import type { PartitionHandler, QueueEntry } from './queue/types';

/**
 * The durable event queue between webhook ingress and the handover service.
 *
 * Ordering across instances: a webhook is verified, parsed and appended to the partition of each
 * handover it names (`providerId:conversationId`, the contact center's id, so no lookup is needed before
 * answering), then answered 2xx. Every instance runs a worker on the same queue; a worker takes a
 * partition with a lease (Redis `SET NX PX`, renewed while it works, see `queue/redis.ts`), feeds its
 * items to `service.ingest` one by one in arrival order, removing each once ingested, and releases it.
 * So events of one handover are only ever ingested by one worker at a time and in the order they were
 * received, whichever instance received them; the service then dedupes by eventId and restores the
 * vendor's order by `sequence`. If an instance dies, its lease runs out and another instance resumes the
 * partition at the first item not yet removed (at-least-once; the dedupe absorbs the repeat).
 *
 * An event for a conversation the store does not know yet (the webhook beat the start call, possibly
 * on another instance) stays at the head of its partition and is retried with backoff for
 * `orphanWindowMs`, then dropped with a warning.
 */
export interface EventQueueItem {
  /** Provider id. */
  p: string;
  /** Events of one handover from one webhook, in the order the vendor listed them. */
  e: HandoverEvent[];
  /** Received at (epoch ms). */
  r: number;
}

export function eventPartition(providerId: string, conversationId: string): string {
  return `${providerId}:${conversationId}`;
}

/** Splits a webhook's events into one queue entry per handover, keeping their order. */
export function eventEntries(
  providerId: string,
  events: readonly HandoverEvent[],
  receivedAt: number,
): QueueEntry<EventQueueItem>[] {
  // The usual webhook carries one event, or events of one conversation: one entry, no grouping.
  const first = events[0];
  if (first && events.every((e) => e.conversationId === first.conversationId))
    return [
      {
        partition: eventPartition(providerId, first.conversationId),
        item: { p: providerId, e: [...events], r: receivedAt },
      },
    ];
  const byHandover = new Map<string, HandoverEvent[]>();
  for (const event of events) {
    const list = byHandover.get(event.conversationId);
    if (list) list.push(event);
    else byHandover.set(event.conversationId, [event]);
  }
  return [...byHandover].map(([conversationId, e]) => ({
    partition: eventPartition(providerId, conversationId),
    item: { p: providerId, e, r: receivedAt },
  }));
}

/** Failed attempts at one item (store errors, bugs) before it is dropped so its handover can move on. */
const MAX_ATTEMPTS = 20;

export interface EventHandlerOptions {
  service: Pick<HandoverService, 'ingest'>;
  metrics: GatewayMetrics;
  logger: Logger;
  /** How long events for an unknown conversation are retried (default 60 s). */
  orphanWindowMs?: number;
  now?: () => number;
}

export function createEventHandler(options: EventHandlerOptions): PartitionHandler<EventQueueItem> {
  const now = options.now ?? Date.now;
  const window = options.orphanWindowMs ?? 60_000;
  const { metrics, logger } = options;
  return async ({ items, attempts, partition }, control) => {
    let failures = attempts; // earlier failed tries at the head item; the items behind it have none
    // Each ingested item is removed at once; the last one with the release (one step for both).
    const last = items.length - 1;
    for (let i = 0; i < items.length; i++) {
      const item = items[i]!;
      let result: IngestResult;
      try {
        result = await options.service.ingest(item.p, item.e);
      } catch (error) {
        if (failures + 1 < MAX_ATTEMPTS) throw error; // the worker retries the partition after a pause
        metrics.eventsIngested.inc({ outcome: 'dropped' }, item.e.length);
        logger.error('events dropped after repeated failures', {
          partition,
          events: item.e.map((e) => e.eventId),
          error: (error as Error)?.message,
        });
        if (i < last && !(await control.ack(1))) return {};
        failures = 0;
        continue;
      }
      if (result.orphaned > 0) {
        if (now() - item.r < window) return { retryAt: now() + Math.min(2_000, 50 * 2 ** Math.min(failures, 10)) };
        metrics.eventsIngested.inc({ outcome: 'dropped' }, result.orphaned);
        logger.warn('events for an unknown conversation dropped', { partition, events: item.e.map((e) => e.eventId) });
      }
      if (result.accepted) metrics.eventsIngested.inc({ outcome: 'accepted' }, result.accepted);
      if (result.duplicates) metrics.eventsIngested.inc({ outcome: 'duplicates' }, result.duplicates);
      if (result.rejected) metrics.eventsIngested.inc({ outcome: 'rejected' }, result.rejected);
      if (i < last && !(await control.ack(1))) return {};
      failures = 0;
    }
    return items.length > 0 ? { ack: 1 } : {};
  };
}
