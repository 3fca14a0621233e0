import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisScheduler } from '../../src/gateway/redis/scheduler';
import { RedisStore } from '../../src/gateway/redis/store';
import { RedisQueueBackend } from '../../src/gateway/queue/redis';
import type { HandoverRecord, TimerJob } from 'handover-kit';
import { redisUrl, uniquePrefix, waitUntil } from './helpers';

function record(
  id: string,
  session = { userId: 'u', sessionId: id },
  extra: Partial<HandoverRecord> = {},
): HandoverRecord {
  return {
    id,
    version: 1,
    providerId: 'p',
    session,
    status: 'queue',
    createdAt: 1,
    updatedAt: 1,
    behaviour: {} as never,
    ...extra,
  };
}

describe('RedisStore (real redis-server)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('inserts unless the session has a live handover, atomically, and indexes by session and external id', async () => {
    const store = new RedisStore(redis, { prefix: uniquePrefix() });
    const session = { userId: 'u1', sessionId: 's1' };
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, i) => store.insertHandover(record(`ho_${i}`, session))),
    );
    const winners = attempts.filter((a) => a === undefined);
    expect(winners).toHaveLength(1);
    const winner = await store.findHandoverBySession('u1\u0000s1');
    expect(attempts.filter((a) => a !== undefined).every((a) => a!.id === winner!.id)).toBe(true);

    const next = { ...winner!, version: 2, conversationId: 'conv-9', status: 'active' as const };
    expect(await store.updateHandover(next)).toBe(true);
    expect((await store.findHandoverByConversationId('p', 'conv-9'))?.id).toBe(winner!.id);
    expect(await store.countByStatus()).toMatchObject({ queue: 0, active: 1 });
    const live = [];
    for await (const r of store.listLiveHandovers()) live.push(r.id);
    expect(live).toEqual([winner!.id]);

    // Once it ended, the session may start a new one; the ended one expires.
    expect(await store.updateHandover({ ...next, version: 3, status: 'completed' })).toBe(true);
    expect(await store.insertHandover(record('ho_new', session))).toBeUndefined();
    expect((await store.findHandoverBySession('u1\u0000s1'))?.id).toBe('ho_new');
    expect(await redis.pttl(`${store.prefix}ho:${winner!.id}`)).toBeGreaterThan(0);
  });

  it('compare-and-set on version: of concurrent writers of the same version exactly one wins', async () => {
    const store = new RedisStore(redis, { prefix: uniquePrefix() });
    await store.insertHandover(record('ho_cas'));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        store.updateHandover({ ...record('ho_cas'), version: 2, queuePosition: i + 1 }),
      ),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await store.getHandover('ho_cas'))?.version).toBe(2);
    expect(await store.updateHandover({ ...record('ho_cas'), version: 2 })).toBe(false);
    expect(await store.updateHandover({ ...record('ho_missing'), version: 2 })).toBe(false);
  });

  it('a write stores the seen mark, the record and the outbox items together, or none of them', async () => {
    const store = new RedisStore(redis, { prefix: uniquePrefix() });
    const queue = new RedisQueueBackend<{ n: number }>(redis, { prefix: store.prefix, name: 'outbox' });
    let kicks = 0;
    store.attachOutbox({
      queue: 'outbox',
      entry: (item) => ({ partition: item.session.sessionId, item: { n: Number(item.id) } }),
      appended: () => kicks++,
    });
    await store.insertHandover(record('ho_tx'));
    const item = (id: string) => ({
      type: 'typing' as const,
      id,
      handoverId: 'ho_tx',
      providerId: 'p',
      session: { userId: 'u', sessionId: 's' },
      typing: true,
    });
    const seen = { key: 'evt:p:e1', ttlMs: 60_000 };
    expect(
      await store.writeHandover({ ...record('ho_tx'), version: 2 }, { seen, outbox: [item('1'), item('2')] }),
    ).toBe('written');
    // A stale writer changes nothing: no mark, no items.
    expect(
      await store.writeHandover(
        { ...record('ho_tx'), version: 2 },
        { seen: { key: 'evt:p:e2', ttlMs: 60_000 }, outbox: [item('3')] },
      ),
    ).toBe('conflict');
    expect(await store.isSeen('evt:p:e2')).toBe(false);
    // A redelivery of e1 is refused whatever its version.
    expect(await store.writeHandover({ ...record('ho_tx'), version: 3 }, { seen, outbox: [item('4')] })).toBe('seen');
    expect((await store.getHandover('ho_tx'))?.version).toBe(2);
    expect(await queue.depth()).toBe(2);
    const [claimed] = await queue.claim(1, 10);
    expect(claimed?.items).toEqual([{ n: 1 }, { n: 2 }]);
    expect(kicks).toBe(1);
  });

  it('dedupes with SET NX PX and forgets on request; providers round-trip', async () => {
    const store = new RedisStore(redis, { prefix: uniquePrefix() });
    expect(await store.markSeen('evt:1', 60_000)).toBe(true);
    expect(await store.markSeen('evt:1', 60_000)).toBe(false);
    await store.forgetSeen('evt:1');
    expect(await store.markSeen('evt:1', 50)).toBe(true);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.markSeen('evt:1', 50)).toBe(true);
    await store.putProvider({ id: 'a', name: 'A', type: 't', settings: { x: 1 }, createdAt: 1, updatedAt: 2 });
    expect(await store.getProvider('a')).toEqual({
      id: 'a',
      name: 'A',
      type: 't',
      settings: { x: 1 },
      createdAt: 1,
      updatedAt: 2,
    });
    expect((await store.listProviders()).map((p) => p.id)).toEqual(['a']);
    expect(await store.deleteProvider('a')).toBe(true);
    expect(await store.deleteProvider('a')).toBe(false);
  });
});

describe('RedisScheduler (BullMQ on a real redis-server)', () => {
  const made: RedisScheduler[] = [];
  const connections: Redis[] = [];
  const connect = () => {
    const c = new Redis(redisUrl(), { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  afterAll(async () => {
    for (const s of made) await s.close();
    for (const c of connections) c.disconnect();
  });
  const scheduler = (prefix: string) => {
    const s = new RedisScheduler({ redis: connect(), connect, prefix });
    made.push(s);
    return s;
  };

  it('fires once at the due time, replaces, cancels, and lets a job re-arm itself', async () => {
    const prefix = uniquePrefix();
    const s = scheduler(prefix);
    const fired: TimerJob[] = [];
    s.setHandler(async (job) => {
      fired.push(job);
      // Re-arm from inside the running job, as inactivity and queue updates do.
      if (job.kind === 'inactivity' && fired.filter((j) => j.kind === 'inactivity').length === 1)
        await s.schedule({ ...job, dueAt: Date.now() + 100 });
    });
    const now = Date.now();
    await s.schedule({ kind: 'idle', handoverId: 'ho_a', dueAt: now + 5_000 });
    await s.schedule({ kind: 'idle', handoverId: 'ho_a', dueAt: now + 150 }); // replaces the first
    await s.schedule({ kind: 'queue-position', handoverId: 'ho_b', dueAt: now + 150 });
    await s.cancel('queue-position', 'ho_b');
    await s.schedule({ kind: 'inactivity', handoverId: 'ho_c', dueAt: now + 100 });
    await waitUntil(
      () => fired.filter((j) => j.kind === 'inactivity').length === 2 && fired.some((j) => j.kind === 'idle'),
      8_000,
      'timers',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(fired.filter((j) => j.kind === 'idle')).toEqual([{ kind: 'idle', handoverId: 'ho_a', dueAt: now + 150 }]);
    expect(fired.some((j) => j.kind === 'queue-position')).toBe(false);
    expect(fired.filter((j) => j.kind === 'inactivity')).toHaveLength(2);
    expect(await s.pending()).toBe(0);
  });

  it('survives a restart: a job scheduled by one instance fires on another after the first is gone', async () => {
    const prefix = uniquePrefix();
    const first = scheduler(prefix);
    first.setHandler(async () => {
      throw new Error('the first instance must not run it');
    });
    await first.schedule({ kind: 'inactivity', handoverId: 'ho_r', dueAt: Date.now() + 400 });
    first.abort();
    const second = scheduler(prefix);
    const fired: TimerJob[] = [];
    second.setHandler(async (job) => void fired.push(job));
    await waitUntil(() => fired.length === 1, 8_000, 'the timer on the second instance');
    expect(fired[0]).toMatchObject({ kind: 'inactivity', handoverId: 'ho_r' });
    expect(await second.ensure({ kind: 'idle', handoverId: 'ho_r', dueAt: Date.now() + 60_000 })).toBe(true);
    expect(await second.ensure({ kind: 'idle', handoverId: 'ho_r', dueAt: Date.now() + 60_000 })).toBe(false);
  });
});
