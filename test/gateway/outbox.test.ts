import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RETRY_POLICY, backoffDelay } from '../../src/gateway/cognigy/outbox';
import { cognigyRequestFor } from '../../src/gateway/cognigy/client';
import type { DeliveryItem } from 'handover-kit';
import { startFakeCognigy, type FakeCognigy } from '../fakes/cognigy';
import { simCenter, startTestGateway, uniquePrefix, waitUntil, type TestGateway } from './helpers';

describe('Cognigy outbox', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setup(mode: 'memory' | 'redis'): Promise<{ cognigy: FakeCognigy; gw: TestGateway }> {
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const gw = await startTestGateway({ cognigy, ...(mode === 'redis' ? { redisPrefix: uniquePrefix() } : {}) });
    cleanup.push(() => gw.close());
    return { cognigy, gw };
  }

  for (const mode of ['redis', 'memory'] as const) {
    it(`${mode}: Cognigy answering 503, then 429 with Retry-After, loses nothing and keeps each session's order`, async () => {
      const { cognigy, gw } = await setup(mode);
      const center = await simCenter(gw);
      const sessions = [1, 2, 3].map((n) => ({
        userId: `user-${n}`,
        sessionId: `session-${n}`,
        urlToken: 'url-token',
      }));
      const convs: Array<{ id: string }> = [];
      for (const session of sessions) {
        await gw.client.startHandover({ providerId: 'sim', session });
        convs.push(center.accept('anna'));
      }
      await waitUntil(
        async () => (await gw.client.getHandover({ session: sessions[2]! }))?.status === 'active',
        5_000,
        'agents joined',
      );
      await gw.gateway.settle();

      cognigy.failFor(600, { status: 503 });
      const expected = new Map<string, string[]>();
      for (let i = 1; i <= 6; i++) {
        sessions.forEach((s, n) => {
          const text = `${s.userId} message ${i}`;
          center.say('anna', convs[n]!.id, text);
          expected.set(s.userId, [...(expected.get(s.userId) ?? []), text]);
        });
        if (i === 3) {
          await new Promise((r) => setTimeout(r, 700));
          cognigy.failFor(400, { status: 429, retryAfterSec: 1 });
        }
      }
      await cognigy.waitFor((f) => sessions.every((s) => f.texts(s).length >= 6), 15_000, 'every message');
      await gw.gateway.settle();
      for (const s of sessions) expect(cognigy.texts(s)).toEqual(expected.get(s.userId));
      // Each message carries its stable id (the same on every retry), one per message.
      const ids = cognigy.calls
        .filter((c) => c.body.text !== '')
        .map((c) => (c.body.data?.handoverKit as { messageId?: string } | undefined)?.messageId);
      expect(ids.every((id) => typeof id === 'string' && id.length > 0)).toBe(true);
      expect(new Set(ids).size).toBe(ids.length);
      const retries = gw.gateway.metrics.deliveryRetries;
      expect(retries.get({ reason: '503' })).toBeGreaterThan(0);
      expect(retries.get({ reason: '429' })).toBeGreaterThan(0);
      // Retry-After: 1 was honoured: after each 429, that session's next try came no sooner than ~1 s.
      const first429 = cognigy.history.findIndex((h) => h.status === 429);
      const afterwards = cognigy.history.slice(first429 + 1).find((h) => h.status === 200);
      expect(afterwards!.at - cognigy.history[first429]!.at).toBeGreaterThanOrEqual(900);
      expect(await gw.gateway.deadLetters()).toEqual([]);
    });
  }

  it('a 4xx other than 408/429 is dead-lettered, not retried, and the session moves on', async () => {
    const { cognigy, gw } = await setup('redis');
    const session = { userId: 'dl-user', sessionId: 'dl-session', urlToken: 'url-token' };
    await gw.client.startHandover({ providerId: 'sim', session });
    const center = await simCenter(gw);
    const conv = center.accept('anna');
    await waitUntil(async () => (await gw.client.getHandover({ session }))?.status === 'active', 5_000, 'agent joined');
    await gw.gateway.settle();
    const before = cognigy.requests;
    cognigy.failNext(1, { status: 400 });
    center.say('anna', conv.id, 'refused for good');
    center.say('anna', conv.id, 'delivered after it');
    await cognigy.waitFor((f) => f.texts(session).includes('delivered after it'), 5_000, 'the next message');
    await gw.gateway.settle();
    expect(cognigy.requests - before).toBe(2);
    expect(cognigy.texts(session)).toEqual(['delivered after it']);
    const dead = await gw.gateway.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]!.record.i).toMatchObject({ type: 'message', text: 'refused for good' });
    expect(gw.gateway.metrics.deadLetters.get({ reason: '400' })).toBe(1);
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/handover_outbox_dead_letters_total\{reason="400"\} 1/);
    expect(metrics).toMatch(/handover_outbox_depth 0/);
  });

  it('backoff grows exponentially with jitter, capped, and never undercuts Retry-After', () => {
    const p = { ...DEFAULT_RETRY_POLICY, baseDelayMs: 100, maxDelayMs: 1_000 };
    expect(backoffDelay(0, undefined, p, () => 0)).toBe(50);
    expect(backoffDelay(0, undefined, p, () => 1)).toBe(100);
    expect(backoffDelay(3, undefined, p, () => 1)).toBe(800);
    expect(backoffDelay(10, undefined, p, () => 1)).toBe(1_000);
    expect(backoffDelay(0, 5_000, p, () => 0)).toBe(5_000);
    expect(backoffDelay(0, 5_000, p, () => 1)).toBeLessThanOrEqual(5_250);
    expect(backoffDelay(0, 10 * 3_600_000, p, () => 0)).toBe(p.maxRetryAfterMs);
  });

  it('builds the inject / notify bodies Cognigy expects', () => {
    const base = {
      id: 'i1',
      handoverId: 'ho_1',
      providerId: 'sim',
      session: { userId: 'u', sessionId: 's', urlToken: 'tok' },
    };
    const typing = cognigyRequestFor({ ...base, type: 'typing', typing: true } as DeliveryItem);
    expect(typing).toEqual({
      call: 'notify',
      path: '/new/v2.0/endpoint/notify',
      body: {
        URLToken: 'tok',
        userId: 'u',
        sessionId: 's',
        text: '',
        data: { handoverKit: { version: 1, messageId: 'i1', typing: { typing: true } } },
      },
    });
    const message = cognigyRequestFor({
      ...base,
      type: 'message',
      source: 'agent',
      text: 'see',
      attachments: [{ url: 'https://x/y/pic.png', type: 'image' }],
    } as DeliveryItem);
    expect(message.body.attachments).toEqual([{ name: 'pic.png', url: 'https://x/y/pic.png', type: 'image' }]);
    expect(message.body.data).toEqual({ handoverKit: { version: 1, messageId: 'i1', message: { source: 'agent' } } });
    const event = cognigyRequestFor({
      ...base,
      type: 'event',
      handover: { status: 'active', handoverId: 'ho_1', providerId: 'sim' },
    } as DeliveryItem);
    expect((event.body.data.handoverKit as { messageId: string }).messageId).toBe('i1');
    expect(() =>
      cognigyRequestFor({
        ...base,
        session: { userId: 'u', sessionId: 's' },
        type: 'typing',
        typing: false,
      } as DeliveryItem),
    ).toThrow(/URLToken/);
    expect(
      cognigyRequestFor(
        { ...base, session: { userId: 'u', sessionId: 's' }, type: 'typing', typing: false } as DeliveryItem,
        'default-token',
      ).body.URLToken,
    ).toBe('default-token');
  });
});
