import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedCenters } from 'handover-kit/connectors/simulated';
import { startFakeCognigy } from '../fakes/cognigy';
import {
  capturedTypes,
  http,
  shuffle,
  simCenter,
  startLoadBalancer,
  startTestGateway,
  startWebhookCapture,
  uniquePrefix,
  waitUntil,
} from './helpers';

describe('two gateway instances on one Redis', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('killing one mid-handover loses no message, and its inactivity timer fires on the other', async () => {
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const prefix = uniquePrefix();
    const centers = new SimulatedCenters(); // the contact center, outside both instances
    const alive: string[] = [];
    const lb = await startLoadBalancer(() => alive);
    cleanup.push(() => lb.close());
    const a = await startTestGateway({
      cognigy,
      redisPrefix: prefix,
      centers,
      simProvider: { webhookUrl: `${lb.url}/webhooks/sim` },
    });
    cleanup.push(() => a.close());
    const b = await startTestGateway({ cognigy, redisPrefix: prefix, centers });
    cleanup.push(() => b.close());
    alive.push(a.url, b.url);

    const session = { userId: 'multi-user', sessionId: 'multi-session', urlToken: 'url-token' };
    await a.client.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    const center = await simCenter(a);
    const conv = center.accept('anna');
    await waitUntil(
      async () => (await b.client.getHandover({ session }))?.status === 'active',
      5_000,
      'active on both instances',
    );

    // Cognigy is down while the handover goes on: what the agent says waits in the shared outbox.
    cognigy.failFor(60_000, { status: 503 });
    for (const text of ['one', 'two', 'three']) center.say('anna', conv.id, text);
    expect((await a.client.sendUserMessage({ session, text: 'user via A', messageId: 'u-a' })).forwarded).toBe(true);
    const armed = await a.client.setInactivity({ session, minutes: 0.05 }); // 3 s, armed through A
    expect(armed.armed).toBe(true);
    await waitUntil(() => cognigy.refused.length >= 2, 5_000, 'refused deliveries');
    expect(lb.forwarded.get(a.url) ?? 0).toBeGreaterThan(0);

    await a.kill(); // abruptly: no drain, leases left to expire
    alive.splice(alive.indexOf(a.url), 1);
    for (const text of ['four', 'five']) center.say('anna', conv.id, text);
    expect((await b.client.sendUserMessage({ session, text: 'user via B', messageId: 'u-b' })).forwarded).toBe(true);
    cognigy.failFor(0, { status: 503 });

    await cognigy.waitFor(
      (f) => f.events(session).some((e) => e.eventType === 'handoverInactivity'),
      12_000,
      'the inactivity event',
    );
    await cognigy.waitFor((f) => f.texts(session).length >= 5, 5_000, 'every agent message');
    await b.gateway.settle();
    expect(cognigy.texts(session)).toEqual(['one', 'two', 'three', 'four', 'five']);
    const events = cognigy.events(session);
    expect(events.map((e) => e.status)).toEqual(['active', 'active']);
    expect(events[1]).toMatchObject({ eventType: 'handoverInactivity', inactivityCount: 1 });
    expect(
      center
        .conversation(conv.id)!
        .messages.filter((m) => m.from === 'user' && m.text.startsWith('user via'))
        .map((m) => m.text),
    ).toEqual(['user via A', 'user via B']);
  });

  it('webhooks of one handover spread over both instances, repeated and shuffled, are applied once and in order', async () => {
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const capture = await startWebhookCapture();
    cleanup.push(() => capture.close());
    const prefix = uniquePrefix();
    const centers = new SimulatedCenters();
    const a = await startTestGateway({
      cognigy,
      redisPrefix: prefix,
      centers,
      simProvider: { webhookUrl: capture.url },
    });
    cleanup.push(() => a.close());
    const b = await startTestGateway({ cognigy, redisPrefix: prefix, centers });
    cleanup.push(() => b.close());

    const session = { userId: 'spread-user', sessionId: 'spread-session', urlToken: 'url-token' };
    await b.client.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    const center = await simCenter(a);
    const conv = center.accept('anna');
    const texts = Array.from({ length: 12 }, (_, i) => `spread ${i + 1}`);
    for (const text of texts) center.say('anna', conv.id, text);
    center.resolve('anna', conv.id);
    await waitUntil(() => capturedTypes(capture.webhooks).includes('handover-completed'), 5_000, 'the webhooks');

    const deliveries = shuffle([...capture.webhooks, ...capture.webhooks, ...capture.webhooks], 3);
    await Promise.all(
      deliveries.map(async (w, i) => {
        const target = i % 2 ? a.url : b.url;
        expect(
          (await http(`${target}/webhooks/sim`, { method: 'POST', headers: w.headers, body: w.body })).status,
        ).toBe(200);
      }),
    );
    await cognigy.waitFor((f) => f.events(session).some((e) => e.status === 'completed'), 10_000, 'the end');
    await Promise.all([a.gateway.settle(), b.gateway.settle()]);
    expect(cognigy.texts(session)).toEqual(texts);
    expect(cognigy.events(session).map((e) => e.status)).toEqual(['active', 'completed']);
  });
});
