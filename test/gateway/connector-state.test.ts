import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnectorState } from '../../src/gateway/redis/connector-state';
import { MemoryConnectorState, createFakeClock } from 'handover-kit/testing';
import { redisUrl, uniquePrefix, waitUntil } from './helpers';

describe('connector state (memory)', () => {
  it('keeps values per provider, expires them on the clock, and gives a lease to one holder at a time', async () => {
    const clock = createFakeClock(1_000);
    const one = new MemoryConnectorState(clock);
    const a = one.forProvider('a');
    const b = one.forProvider('b');
    await a.set('user:1', 'conv-1', { ttlMs: 1_000 });
    await a.set('cursor', '42');
    expect(await a.get('user:1')).toBe('conv-1');
    expect(await b.get('user:1')).toBeUndefined();
    await clock.advance(1_001);
    expect(await a.get('user:1')).toBeUndefined();
    expect(await a.get('cursor')).toBe('42');
    await a.delete('cursor');
    expect(await a.get('cursor')).toBeUndefined();

    expect(await a.acquireLease('poller', 5_000)).toBe(true);
    expect(await a.acquireLease('poller', 5_000)).toBe(true); // renewal by the holder
    await a.releaseLease('poller');
    expect(await a.acquireLease('poller', 5_000)).toBe(true);
  });

  it('shares a provider between its views; a rewrite replaces value and expiry; size sweeps every provider', async () => {
    const clock = createFakeClock(1_000);
    const state = new MemoryConnectorState(clock);
    const first = state.forProvider('p');
    const second = state.forProvider('p');
    await first.set('k', 'v1', { ttlMs: 100 });
    expect(await second.get('k')).toBe('v1');
    await second.set('k', 'v2'); // no ttl now: kept past the first expiry
    await clock.advance(200);
    expect(await first.get('k')).toBe('v2');
    await first.set('k', 'v3', { ttlMs: 50 }); // a ttl again
    await state.forProvider('q').set('other', 'x', { ttlMs: 10 });
    expect(state.size).toBe(2);
    await clock.advance(51);
    expect(await second.get('k')).toBeUndefined();
    expect(state.size).toBe(0);
  });
});

describe('connector state (real redis-server)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('is shared by two instances; a lease has one holder until it is released or expires', async () => {
    const prefix = uniquePrefix();
    const first = new RedisConnectorState(redis, prefix).forProvider('gen');
    const second = new RedisConnectorState(redis, prefix).forProvider('gen');
    await first.set('user:u1', 'conv-9');
    expect(await second.get('user:u1')).toBe('conv-9');
    await second.delete('user:u1');
    expect(await first.get('user:u1')).toBeUndefined();
    await first.set('short', 'x', { ttlMs: 50 });
    await waitUntil(async () => (await second.get('short')) === undefined, 5_000);

    expect(await first.acquireLease('stream', 60_000)).toBe(true);
    expect(await second.acquireLease('stream', 60_000)).toBe(false);
    expect(await first.acquireLease('stream', 60_000)).toBe(true);
    await second.releaseLease('stream'); // not the holder: no effect
    expect(await second.acquireLease('stream', 60_000)).toBe(false);
    await first.releaseLease('stream');
    expect(await second.acquireLease('stream', 100)).toBe(true);
    await waitUntil(async () => first.acquireLease('stream', 60_000), 5_000); // the second's lease expired
    expect(await second.acquireLease('stream', 60_000)).toBe(false);
  });
});
