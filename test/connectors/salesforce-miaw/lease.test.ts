import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoverNotFoundError, type ConnectorStateV1 } from 'handover-kit';
import { RedisConnectorState } from '../../../src/gateway/redis/connector-state';
import { FakeMiaw } from '../../fakes/salesforce-miaw';
import { redisUrl, uniquePrefix } from '../../gateway/helpers';
import { ENCRYPTION_KEY, connectorOn, startRequest, waitUntil } from './harness';

const texts = (events: Array<{ type: string; conversationId: string }>, id: string) =>
  events
    .filter((e) => e.conversationId === id && e.type === 'agent-message')
    .map((e) => (e as unknown as { text: string }).text);

describe('salesforce-miaw: one stream owner among gateway instances (lease in real Redis)', () => {
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(redisUrl());
  });
  afterAll(async () => {
    await redis.quit();
  });

  /** Two gateway instances: same Redis prefix, each its own lease owner id. */
  const instances = () => {
    const prefix = uniquePrefix();
    return [
      new RedisConnectorState(redis, prefix).forProvider('miaw-test'),
      new RedisConnectorState(redis, prefix).forProvider('miaw-test'),
    ] as const;
  };

  it('one instance relays; another sends with the shared token and takes over when the owner stops', async () => {
    const fake = await FakeMiaw.start();
    const [stateA, stateB] = instances();
    const a = connectorOn(fake, stateA, { tokenEncryptionKey: ENCRYPTION_KEY });
    const b = connectorOn(fake, stateB, { tokenEncryptionKey: ENCRYPTION_KEY });
    try {
      const { conversationId: id } = await a.connector.doStartHandover(startRequest('two'));
      await waitUntil(() => fake.openStreams === 1, 'the stream of instance A');
      await b.connector.sweep();
      expect(b.connector.stats().streams).toBe(0);
      expect(fake.openStreams).toBe(1);

      fake.join(id);
      fake.say(id, 'to the owner');
      await waitUntil(() => texts(a.events, id).length === 1, 'the message at A');
      await b.connector.doSendMessage({
        conversationId: id,
        messageId: 'm-b',
        user: { id: 'u' },
        text: 'sent through B',
      });
      expect(fake.userTexts(id)).toEqual(['sent through B']);

      await a.connector.dispose(); // A shuts down and hands the lease back
      fake.say(id, 'after the hand-over');
      await b.connector.sweep();
      await waitUntil(() => texts(b.events, id).length === 1, 'the message at B');
      expect(texts(b.events, id)).toEqual(['after the hand-over']);
      expect(texts(a.events, id)).toEqual(['to the owner']);
      expect(b.events.some((e) => e.type === 'agent-joined')).toBe(false); // B resumed from A's cursor
    } finally {
      await a.connector.dispose();
      await b.connector.dispose();
      await fake.close();
    }
  });

  it('a crashed owner (lease never released) is replaced once its lease expires, and nothing is lost', async () => {
    const fake = await FakeMiaw.start();
    const [stateA, stateB] = instances();
    // A "crashes": it never releases its lease; its renewals stop with it.
    const crashed: ConnectorStateV1 = { ...stateA, releaseLease: async () => undefined };
    const a = connectorOn(fake, crashed, { tokenEncryptionKey: ENCRYPTION_KEY, streamLeaseMs: 600 });
    const b = connectorOn(fake, stateB, { tokenEncryptionKey: ENCRYPTION_KEY, streamLeaseMs: 600 });
    try {
      const { conversationId: id } = await a.connector.doStartHandover(startRequest('crash'));
      await waitUntil(() => fake.openStreams === 1, 'the stream of instance A');
      await a.connector.dispose();
      fake.say(id, 'while nobody owned the stream');
      await b.connector.sweep();
      expect(b.connector.stats().streams).toBe(0); // the lease is still A's
      await waitUntil(async () => {
        await b.connector.sweep();
        return b.connector.stats().streams === 1;
      }, 'B to take the expired lease');
      await waitUntil(() => texts(b.events, id).length === 1, 'the message at B');
      expect(texts(b.events, id)).toEqual(['while nobody owned the stream']);
    } finally {
      await b.connector.dispose();
      await fake.close();
    }
  });

  it('without an encryption key another instance cannot use the conversation and says why', async () => {
    const fake = await FakeMiaw.start();
    const [stateA, stateB] = instances();
    const a = connectorOn(fake, stateA);
    const b = connectorOn(fake, stateB);
    try {
      const { conversationId: id } = await a.connector.doStartHandover(startRequest('no-key'));
      await b.connector.sweep();
      expect(b.connector.stats().streams).toBe(0);
      const error = await b.connector
        .doSendMessage({ conversationId: id, messageId: 'm', user: { id: 'u' }, text: 'x' })
        .catch((e: unknown) => e);
      expect(HandoverNotFoundError.isInstance(error)).toBe(true);
      expect((error as Error).message).toMatch(/tokenEncryptionKey/);
      // The state holds no token at all: nothing readable, nothing sealed.
      expect(await stateB.get(`token:${id}`)).toBeUndefined();
    } finally {
      await a.connector.dispose();
      await b.connector.dispose();
      await fake.close();
    }
  });
});
