import { afterEach, describe, expect, it } from 'vitest';
import { startFakeCognigy } from '../fakes/cognigy';
import {
  capturedTypes,
  http,
  shuffle,
  signedWebhook,
  startTestGateway,
  startWebhookCapture,
  uniquePrefix,
  waitUntil,
  WEBHOOK_SECRET,
} from './helpers';

const session = { userId: 'web-user', sessionId: 'web-session', urlToken: 'url-token-web' };

describe('webhook ingress (real HTTP, real redis-server)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  async function setup(extra: { capture?: boolean } = {}) {
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const capture = extra.capture ? await startWebhookCapture() : undefined;
    if (capture) cleanup.push(() => capture.close());
    const gw = await startTestGateway({
      cognigy,
      redisPrefix: uniquePrefix(),
      simProvider: capture ? { webhookUrl: capture.url } : true,
    });
    cleanup.push(() => gw.close());
    return { cognigy, capture, gw };
  }

  it('the same webhooks delivered three times, shuffled, reach the user once each and in order', async () => {
    const { cognigy, capture, gw } = await setup({ capture: true });
    await gw.client.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    const center = gw.centers.get('main');
    const conv = center.accept('anna');
    const texts = Array.from({ length: 8 }, (_, i) => `agent message ${i + 1}`);
    for (const text of texts) center.say('anna', conv.id, text);
    center.resolve('anna', conv.id);
    await waitUntil(
      () => capturedTypes(capture!.webhooks).includes('handover-completed'),
      5_000,
      'the center to send its webhooks',
    );

    const deliveries = shuffle([...capture!.webhooks, ...capture!.webhooks, ...capture!.webhooks], 7);
    for (let i = 0; i < deliveries.length; i += 4) {
      const answers = await Promise.all(
        deliveries
          .slice(i, i + 4)
          .map((w) => http(`${gw.url}/webhooks/sim`, { method: 'POST', headers: w.headers, body: w.body })),
      );
      for (const a of answers) expect(a.status).toBe(200);
    }
    await cognigy.waitFor(
      (f) => f.events(session).some((e) => e.status === 'completed'),
      10_000,
      'the completed event',
    );
    await gw.gateway.settle();
    expect(cognigy.texts(session)).toEqual(texts);
    expect(cognigy.events(session).map((e) => e.status)).toEqual(['active', 'completed']);
    expect(gw.gateway.metrics.eventsIngested.get({ outcome: 'duplicates' })).toBeGreaterThanOrEqual(
      capture!.webhooks.length * 2,
    );
  });

  it('a forged, tampered, stale or missing signature gets 401 and nothing is delivered', async () => {
    const { cognigy, gw } = await setup();
    const { handover } = (await gw.client.startHandover({ providerId: 'sim', session })) as {
      handover: { id: string };
    };
    const record = await gw.gateway.store.getHandover(handover.id);
    await gw.gateway.settle();
    const enqueuedBefore = gw.gateway.metrics.eventsEnqueued.total(); // the center's own queue-updated webhook
    const event = {
      type: 'agent-message' as const,
      text: 'forged text',
      conversationId: record!.conversationId!,
      eventId: 'forged-1',
      occurredAt: Date.now(),
      sequence: 99,
    };
    const good = signedWebhook([event]);
    const forged = signedWebhook([event], 'another-secret-entirely-0000');
    const stale = {
      body: good.body,
      headers: {
        ...good.headers,
        'x-sim-signature': good.headers['x-sim-signature']!.replace(/t=\d+/, `t=${Date.now() - 3_600_000}`),
      },
    };
    const attempts = [
      { body: good.body, headers: { 'content-type': 'application/json' } },
      forged,
      { body: good.body.replace('forged text', 'tampered text'), headers: good.headers },
      stale,
      { body: good.body, headers: { ...good.headers, 'x-sim-signature': 'garbage' } },
    ];
    for (const a of attempts) {
      const res = await http(`${gw.url}/webhooks/sim`, { method: 'POST', headers: a.headers, body: a.body });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe('bad_signature');
    }
    await new Promise((r) => setTimeout(r, 200));
    await gw.gateway.settle();
    expect(cognigy.texts(session)).toEqual([]);
    expect(cognigy.calls.filter((c) => JSON.stringify(c.body).includes('forged'))).toEqual([]);
    expect((await gw.client.getHandover({ session }))?.status).toBe('queue');
    expect(gw.gateway.metrics.webhookResults.get({ type: 'simulated', result: 'bad_signature' })).toBe(attempts.length);
    expect(gw.gateway.metrics.eventsEnqueued.total()).toBe(enqueuedBefore);
    // The same body, correctly signed, goes through: the rejections above were about the signature.
    expect(
      (await http(`${gw.url}/webhooks/sim`, { method: 'POST', headers: good.headers, body: good.body })).status,
    ).toBe(200);
  });

  it('answers before the slow work: 200 while Cognigy is slow, the text arrives afterwards', async () => {
    const { cognigy, gw } = await setup();
    await gw.client.startHandover({ providerId: 'sim', session });
    const record = await gw.gateway.store.findHandoverBySession(`${session.userId}\u0000${session.sessionId}`);
    cognigy.delay(1_500);
    const hook = signedWebhook([
      {
        type: 'agent-message',
        text: 'after the answer',
        conversationId: record!.conversationId!,
        eventId: 'slow-1',
        occurredAt: Date.now(),
      },
    ]);
    const started = Date.now();
    const res = await http(`${gw.url}/webhooks/sim`, { method: 'POST', headers: hook.headers, body: hook.body });
    const answeredIn = Date.now() - started;
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ received: 1 });
    expect(answeredIn).toBeLessThan(1_000);
    expect(cognigy.texts(session)).toEqual([]);
    await cognigy.waitFor((f) => f.texts(session).includes('after the answer'), 5_000, 'the text');
  });

  it('the 200 comes after a durable enqueue: events taken by an instance that never ingests (and then dies) reach the user through another', async () => {
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const prefix = uniquePrefix();
    // An ingress-only instance: it answers webhooks but its event worker takes nothing.
    const ingress = await startTestGateway({ cognigy, redisPrefix: prefix, overrides: { events: { concurrency: 0 } } });
    cleanup.push(() => ingress.close());
    await ingress.client.startHandover({ providerId: 'sim', session });
    const record = await ingress.gateway.store.findHandoverBySession(`${session.userId}\u0000${session.sessionId}`);
    const hook = signedWebhook([
      {
        type: 'agent-message',
        text: 'kept in redis',
        conversationId: record!.conversationId!,
        eventId: 'durable-1',
        occurredAt: Date.now(),
      },
    ]);
    expect(
      (await http(`${ingress.url}/webhooks/sim`, { method: 'POST', headers: hook.headers, body: hook.body })).status,
    ).toBe(200);
    await ingress.kill();
    expect(cognigy.texts(session)).toEqual([]);
    const worker = await startTestGateway({ cognigy, redisPrefix: prefix, centers: ingress.centers });
    cleanup.push(() => worker.close());
    await cognigy.waitFor((f) => f.texts(session).length > 0, 8_000, 'the text via the other instance');
    await worker.gateway.settle();
    expect(cognigy.texts(session)).toEqual(['kept in redis']);
  });

  it('while Cognigy refuses, outbox items wait in Redis and survive their instance', async () => {
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const prefix = uniquePrefix();
    const first = await startTestGateway({ cognigy, redisPrefix: prefix });
    cleanup.push(() => first.close());
    await first.client.startHandover({ providerId: 'sim', session });
    const record = await first.gateway.store.findHandoverBySession(`${session.userId}\u0000${session.sessionId}`);
    cognigy.failFor(60_000, { status: 503 });
    const hook = signedWebhook([
      {
        type: 'agent-message',
        text: 'waited out the outage',
        conversationId: record!.conversationId!,
        eventId: 'outbox-1',
        occurredAt: Date.now(),
      },
    ]);
    expect(
      (await http(`${first.url}/webhooks/sim`, { method: 'POST', headers: hook.headers, body: hook.body })).status,
    ).toBe(200);
    await waitUntil(() => cognigy.refused.length > 0, 5_000, 'a refused delivery');
    await first.kill();
    const second = await startTestGateway({ cognigy, redisPrefix: prefix, centers: first.centers });
    cleanup.push(() => second.close());
    cognigy.failFor(0, { status: 503 });
    await cognigy.waitFor((f) => f.texts(session).length > 0, 8_000, 'the text via the second instance');
    await second.gateway.settle();
    expect(cognigy.texts(session)).toEqual(['waited out the outage']);
  });

  it('rejects unknown providers and oversize bodies without reading them', async () => {
    const { gw } = await setup();
    // Answered like a bad signature: provider ids cannot be enumerated.
    expect((await http(`${gw.url}/webhooks/nobody`, { method: 'POST', body: '{}' })).status).toBe(401);
    const big = await http(`${gw.url}/webhooks/sim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: Buffer.alloc(600_000, 'a'),
    });
    expect(big.status).toBe(413);
    expect(WEBHOOK_SECRET.length).toBeGreaterThan(16);
  });
});
