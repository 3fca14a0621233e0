import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryQueueBackend } from '../../src/gateway/queue/memory';
import { RedisQueueBackend } from '../../src/gateway/queue/redis';
import { QueueWorker } from '../../src/gateway/queue/worker';
import type { PartitionHandler, QueueBackend } from '../../src/gateway/queue/types';
import { silentLogger } from 'handover-kit';
import { redisUrl, uniquePrefix, waitUntil } from './helpers';

interface Item {
  n: number;
}

describe('partitioned queue', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  const backends: Array<[string, () => { make: () => QueueBackend<Item> }]> = [
    [
      'memory',
      () => {
        const shared = new MemoryQueueBackend<Item>();
        return { make: () => shared };
      },
    ],
    [
      'redis',
      () => {
        const prefix = uniquePrefix();
        return { make: () => new RedisQueueBackend<Item>(redis, { prefix, name: 'q', leaseMs: 500 }) };
      },
    ],
  ];

  for (const [kind, setup] of backends) {
    it(`${kind}: keeps order per partition with one handler per partition at a time, across two workers`, async () => {
      const { make } = setup();
      const seen = new Map<string, number[]>();
      const running = new Set<string>();
      let overlap = false;
      const handler: PartitionHandler<Item> = async ({ partition, items }, control) => {
        if (running.has(partition)) overlap = true;
        running.add(partition);
        for (const item of items) {
          await new Promise((r) => setTimeout(r, Math.random() * 2));
          seen.set(partition, [...(seen.get(partition) ?? []), item.n]);
          if (!(await control.ack(1))) break;
        }
        running.delete(partition);
        return {};
      };
      const a = new QueueWorker(make(), handler, {
        name: 'a',
        logger: silentLogger,
        pollMs: 20,
        batchSize: 3,
        leaseMs: 500,
      });
      const b = new QueueWorker(make(), handler, {
        name: 'b',
        logger: silentLogger,
        pollMs: 20,
        batchSize: 3,
        leaseMs: 500,
      });
      a.start();
      b.start();
      const producer = make();
      for (let n = 1; n <= 40; n++) {
        await producer.append([0, 1, 2, 3].map((p) => ({ partition: `p${p}`, item: { n } })));
        (n % 2 ? a : b).kick();
      }
      await waitUntil(
        async () => (await producer.depth()) === 0 && [...seen.values()].every((v) => v.length === 40),
        10_000,
        'all items',
      );
      await a.stop({ drain: 'inflight', timeoutMs: 1000 });
      await b.stop({ drain: 'inflight', timeoutMs: 1000 });
      expect(overlap).toBe(false);
      for (const p of ['p0', 'p1', 'p2', 'p3'])
        expect(seen.get(p)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    });

    it(`${kind}: a partition told to retry waits until then and keeps its head item`, async () => {
      const { make } = setup();
      const backend = make();
      const tries: number[] = [];
      let _first = 0;
      const worker = new QueueWorker(
        backend,
        async ({ items, attempts }, control) => {
          tries.push(Date.now());
          if (attempts < 2) {
            _first ||= Date.now();
            return { retryAt: Date.now() + 100 };
          }
          expect(items.map((i) => i.n)).toEqual([1, 2]);
          await control.ack(items.length);
          return {};
        },
        { name: 'r', logger: silentLogger, pollMs: 20, leaseMs: 500 },
      );
      worker.start();
      await backend.append([
        { partition: 'x', item: { n: 1 } },
        { partition: 'x', item: { n: 2 } },
      ]);
      worker.kick();
      await waitUntil(async () => (await backend.depth()) === 0, 5_000, 'the retried partition');
      await worker.stop({ drain: 'inflight', timeoutMs: 1000 });
      expect(tries).toHaveLength(3);
      expect(tries[2]! - tries[0]!).toBeGreaterThanOrEqual(190);
    });

    it(`${kind}: a release that acknowledges removes those items with the lease, in one step; batched releases each count`, async () => {
      const { make } = setup();
      const backend = make();
      await backend.append(['a', 'b', 'c'].flatMap((p) => [1, 2, 3].map((n) => ({ partition: p, item: { n } }))));
      const claimed = await backend.claim(3, 10);
      expect(claimed.map((c) => c.partition).sort()).toEqual(['a', 'b', 'c']);
      // Released together (one script call in Redis): all of a, two of b, none of c (with a retry time).
      await Promise.all([
        backend.release('a', undefined, 3),
        backend.release('b', undefined, 2),
        backend.release('c', Date.now() + 60_000, 0),
      ]);
      expect(await backend.depth()).toBe(4);
      const again = await backend.claim(3, 10); // c waits for its retry time
      expect(again.map((c) => [c.partition, c.items.map((i) => i.n), c.attempts])).toEqual([['b', [3], 0]]);
      expect(await backend.ack('a', 1)).toBe(false); // a's lease went with the release
      await backend.close();
    });
  }

  it('redis: a crashed holder loses its lease and another worker resumes at the first unacknowledged item', async () => {
    const prefix = uniquePrefix();
    const make = () => new RedisQueueBackend<Item>(redis, { prefix, name: 'q', leaseMs: 300 });
    const crashed = make();
    await crashed.append([1, 2, 3].map((n) => ({ partition: 'h', item: { n } })));
    const claimed = await crashed.claim(1, 10);
    expect(claimed[0]!.items.map((i) => i.n)).toEqual([1, 2, 3]);
    expect(await crashed.ack('h', 1)).toBe(true); // item 1 done, then the holder dies
    const other = make();
    expect(await other.claim(1, 10)).toEqual([]); // still leased
    await new Promise((r) => setTimeout(r, 350));
    const resumed = await other.claim(1, 10);
    expect(resumed[0]!.items.map((i) => i.n)).toEqual([2, 3]);
    expect(await crashed.ack('h', 1)).toBe(false); // the old holder can no longer remove anything
    expect(await other.ack('h', 2)).toBe(true);
    await other.release('h');
    expect(await other.depth()).toBe(0);
  });
});
