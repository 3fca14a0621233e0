import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { createGateway, type Gateway } from 'handover-kit/gateway';
import { ringcentralConnector } from 'handover-kit/connectors/ringcentral';
import { FAKE_DEFAULTS, FakeEngage, postWebhook, sdkSign } from '../../fakes/ringcentral';
import { VERIFY_TOKEN, WEBHOOK_SECRET, settingsFor, startRequest } from './harness';

const ADMIN_KEY = 'test-admin-key-7f3a9c1e5b2d4068';
const NODES_KEY = 'test-nodes-key-2b8e6d0f4a1c3957';

let gateway: Gateway | undefined;
let fake: FakeEngage | undefined;
afterEach(async () => {
  await gateway?.close();
  await fake?.close();
  gateway = fake = undefined;
});

/** The real gateway, one `ringcentral` provider `rce`, Engage's Base URI and webhook pointing at it. */
async function setup() {
  fake = await FakeEngage.start();
  gateway = await createGateway({
    connectors: [ringcentralConnector() as never],
    keys: { nodes: [NODES_KEY], admin: [ADMIN_KEY] },
    port: 0,
    logLevel: 'silent',
    events: { leaseMs: 1_000, pollMs: 50, orphanWindowMs: 3_000 },
    shutdownTimeoutMs: 1_000,
  });
  const url = await gateway.listen();
  await gateway.registry.create({
    id: 'rce',
    name: 'Engage',
    type: 'ringcentral',
    settings: settingsFor(fake) as Record<string, unknown>,
  });
  fake.sdkUrl = `${url}/webhooks/rce`;
  fake.webhook = { url: `${url}/webhooks/rce`, secret: WEBHOOK_SECRET, verifyToken: VERIFY_TOKEN };
  const { connector } = await gateway.registry.connector('rce');
  const { conversationId } = await connector.doStartHandover(startRequest('gw-1'));
  return { fake, gateway, url, conversationId };
}

describe('ringcentral through the gateway (one URL: handshake, SDK actions, webhooks)', () => {
  it('answers the hub.challenge subscription check; a wrong token is a 401', async () => {
    const { fake } = await setup();
    expect(await fake.subscribe('abc123')).toEqual({ status: 200, ok: true });
    fake.webhook = { ...fake.webhook!, verifyToken: 'nope' };
    expect((await fake.subscribe()).status).toBe(401);
  });

  it('SDK action: answered signed, queued; a changed byte or another key → 401, none queued', async () => {
    const { fake, gateway, url, conversationId } = await setup();
    const raw = JSON.stringify({
      action: 'messages.create',
      params: { content_id: 'gw-c1', body: 'Hello', thread_id: conversationId, author_id: 'a1' },
      time: new Date().toISOString(),
    });
    const post = (body: string, signature: string) =>
      request(`${url}/webhooks/rce`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-smccsdk-signature': signature },
        body,
      });
    const before = gateway.metrics.eventsEnqueued.total();
    for (const [body, signature] of [
      [raw.replace('Hello', 'Hellp'), sdkSign(FAKE_DEFAULTS.sourceToken, raw)],
      [raw, sdkSign('another-key', raw)],
      [raw, ''],
    ] as const) {
      const res = await post(body, signature);
      expect(res.statusCode).toBe(401);
      await res.body.dump();
    }
    expect(gateway.metrics.eventsEnqueued.total()).toBe(before);
    const [attempt] = await fake.say(conversationId, 'Hello from Ana');
    expect(attempt).toMatchObject({ status: 200, signatureValid: true });
    expect(gateway.metrics.eventsEnqueued.total()).toBe(before + 1);
  });

  it('a webhook delivery with another secret → 401, nothing queued; with the secret → queued', async () => {
    const { fake, gateway, conversationId } = await setup();
    const raw = fake.envelope([
      fake.event('intervention.assigned', fake.thread(conversationId), { user_id: 'agent-1' }),
    ]);
    const before = gateway.metrics.eventsEnqueued.total();
    expect(await postWebhook(fake.webhook!.url, 'another-secret', raw)).toBe(401);
    expect(gateway.metrics.eventsEnqueued.total()).toBe(before);
    expect(await postWebhook(fake.webhook!.url, WEBHOOK_SECRET, raw)).toBe(200);
    expect(gateway.metrics.eventsEnqueued.total()).toBe(before + 1);
  });
});
