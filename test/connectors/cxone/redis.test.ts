import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisConnectorState } from '../../../src/gateway/redis/connector-state';
import { createFakeClock } from 'handover-kit/testing';
import type { HandoverEvent } from 'handover-kit/contract';
import { FakeCxone } from '../../fakes/cxone';
import { redisUrl, uniquePrefix } from '../../gateway/helpers';
import { PROVIDER_ID, connectorOn, plainStart, startIngress } from './harness';

describe('cxone on a Redis gateway (two instances, real redis-server)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  it('shares threads, token hashes, the polled set and one poller between instances', async () => {
    const fake = await FakeCxone.start();
    const clock = createFakeClock(Date.now());
    const prefix = uniquePrefix();
    const a = connectorOn(fake, clock, new RedisConnectorState(redis, prefix).forProvider(PROVIDER_ID));
    const b = connectorOn(fake, clock, new RedisConnectorState(redis, prefix).forProvider(PROVIDER_ID));
    const fromA: HandoverEvent[] = [];
    const fromB: HandoverEvent[] = [];
    a.events.on('event', (e) => fromA.push(e));
    const ingressB = await startIngress(b, (list) => fromB.push(...list));
    try {
      const t1 = (await a.doStartHandover(plainStart('1'))).conversationId;
      const t2 = (await b.doStartHandover(plainStart('2'))).conversationId;
      // A message for A's thread relayed by B, once.
      await b.doSendMessage({ conversationId: t1, messageId: 'm1', user: { id: 'u-1' }, text: 'via b' });
      expect(
        (await a.doSendMessage({ conversationId: t1, messageId: 'm1', user: { id: 'u-1' }, text: 'via b' })).duplicate,
      ).toBe(true);
      // A token issued by A is accepted by B's reply endpoint; Redis holds only its hash.
      const token = await a.issueToken();
      expect(await redis.keys(`${prefix}*${token}*`)).toEqual([]);
      const res = await fetch(`${ingressB.url}/webhooks/${PROVIDER_ID}/1.0/posts/${t1}/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"message":"agent via b"}',
      });
      expect(res.status).toBe(200);
      expect(fromB).toMatchObject([{ type: 'agent-message', conversationId: t1, text: 'agent via b' }]);
      // One poller: A takes the lease first and polls both threads; B stands by.
      fake.assign(t1);
      fake.assign(t2);
      await a.poller.runOnce();
      await b.poller.runOnce();
      expect([a.poller.holding, b.poller.holding]).toEqual([true, false]);
      expect(fromA.map((e) => [e.type, e.conversationId])).toEqual([
        ['agent-joined', t1],
        ['agent-joined', t2],
      ]);
      // A shuts down (releases the lease): B takes over at its next tick.
      await a.dispose();
      fake.resolve(t2);
      const events: HandoverEvent[] = [];
      b.events.on('event', (e) => events.push(e));
      await b.poller.runOnce();
      expect(b.poller.holding).toBe(true);
      expect(events).toMatchObject([{ type: 'handover-completed', conversationId: t2 }]);
    } finally {
      await ingressB.close();
      await a.dispose();
      await b.dispose();
      await fake.close();
    }
  });
});
