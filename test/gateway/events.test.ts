import { describe, expect, it } from 'vitest';
import { MemoryQueueBackend } from '../../src/gateway/queue/memory';
import { createGatewayMetrics } from '../../src/gateway/metrics';
import { eventPartition, type EventQueueItem } from '../../src/gateway/events';
import { silentLogger, type HandoverEvent } from 'handover-kit';
import type { IngestResult } from '../../src/service/events';
import { createEventHandler, eventEntries } from '../../src/gateway/events';

const event = (conversationId: string, n: number): HandoverEvent => ({
  type: 'agent-typing',
  typing: true,
  conversationId,
  eventId: `${conversationId}:${n}`,
  occurredAt: n,
});
const result = (over: Partial<IngestResult>): IngestResult => ({
  accepted: 0,
  duplicates: 0,
  orphaned: 0,
  rejected: 0,
  ...over,
});

describe('event queue handler', () => {
  it('splits a webhook by handover, keeping each handover’s order', () => {
    const entries = eventEntries('p', [event('a', 1), event('b', 1), event('a', 2)], 5);
    expect(entries).toEqual([
      { partition: eventPartition('p', 'a'), item: { p: 'p', e: [event('a', 1), event('a', 2)], r: 5 } },
      { partition: 'p:b', item: { p: 'p', e: [event('b', 1)], r: 5 } },
    ]);
  });

  it('keeps an event for an unknown conversation at the head and retries it, then drops it after the window', async () => {
    let clock = 1_000;
    const calls: string[] = [];
    let known = false;
    const metrics = createGatewayMetrics();
    const handler = createEventHandler({
      service: {
        ingest: async (_p, events) => (
          calls.push((events as HandoverEvent[])[0]!.eventId), known ? result({ accepted: 1 }) : result({ orphaned: 1 })
        ),
      },
      metrics,
      logger: silentLogger,
      orphanWindowMs: 500,
      now: () => clock,
    });
    const backend = new MemoryQueueBackend<EventQueueItem>();
    await backend.append(eventEntries('p', [event('c', 1)], 1_000));
    await backend.append(eventEntries('p', [event('c', 2)], 1_000));
    const acked: number[] = [];
    const control = { ack: async (n: number) => (acked.push(n), true) };
    const [claimed] = await backend.claim(1, 10);
    expect(await handler(claimed!, control)).toEqual({ retryAt: 1_050 });
    expect(acked).toEqual([]); // nothing removed: c:2 must not overtake c:1
    known = true;
    // c:1 is removed at once, c:2 (the last of the batch) with the release.
    expect(await handler({ ...claimed!, attempts: 1 }, control)).toEqual({ ack: 1 });
    expect(acked).toEqual([1]);
    expect(calls).toEqual(['c:1', 'c:1', 'c:2']);
    known = false;
    clock = 2_000; // past the window: dropped, the partition moves on
    expect(await handler({ ...claimed!, attempts: 5 }, control)).toEqual({ ack: 1 });
    expect(acked).toEqual([1, 1]);
    expect(metrics.eventsIngested.get({ outcome: 'dropped' })).toBe(2);
  });

  it('retries a failing ingest, and drops the item after 20 failed attempts so its handover moves on', async () => {
    const handler = createEventHandler({
      service: { ingest: async () => Promise.reject(new Error('store unreachable')) },
      metrics: createGatewayMetrics(),
      logger: silentLogger,
    });
    const claimed = { partition: 'p:x', items: [{ p: 'p', e: [event('x', 1)], r: 0 }], attempts: 3 };
    const acked: number[] = [];
    await expect(handler(claimed, { ack: async (n) => (acked.push(n), true) })).rejects.toThrow('store unreachable');
    // Dropped: removed with the release (the outcome's ack), so its handover moves on.
    expect(await handler({ ...claimed, attempts: 19 }, { ack: async (n) => (acked.push(n), true) })).toEqual({
      ack: 1,
    });
    expect(acked).toEqual([]);
  });
});
