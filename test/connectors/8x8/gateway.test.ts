import { afterEach, describe, expect, it } from 'vitest';
import { createGateway, type Gateway } from 'handover-kit/gateway';
import { eightByEightConnector } from 'handover-kit/connectors/8x8';
import { FakeEightByEight, generateSigningKey } from '../../fakes/8x8';
import { ADMIN_KEY, NODES_KEY, http } from '../../gateway/helpers';
import { settingsFor } from './harness';

/** The 8x8 webhook through the real gateway ingress: what 8x8 would see. */
describe('8x8 webhooks at the gateway', () => {
  let gateway: Gateway | undefined;
  let fake: FakeEightByEight | undefined;
  afterEach(async () => {
    await fake?.settled();
    await gateway?.close();
    await fake?.close();
  });

  async function setup() {
    fake = await FakeEightByEight.start();
    gateway = await createGateway({
      connectors: [eightByEightConnector()],
      keys: { nodes: [NODES_KEY], admin: [ADMIN_KEY] },
      port: 0,
      logLevel: 'silent',
    });
    const url = await gateway.listen();
    await gateway.registry.create({ id: 'eight', name: '8x8', type: '8x8', settings: settingsFor(fake) as never });
    fake.webhook = { url: `${url}/webhooks/eight` };
    return { url, fake, gateway };
  }

  const body = (text: string) =>
    JSON.stringify({
      eventType: 'MESSAGE',
      conversationId: 'conv-gw',
      timestamp: Date.now(),
      data: { isEcho: false, sender: { id: 'agent-ana', type: 'agent' }, text },
    });

  it('answers the WEB_HOOK_VERIFY probe (unsigned) with 200', async () => {
    const { url } = await setup();
    const probe = '{"notificationVersion":"Chat Gateway v1.0","eventType":"WEB_HOOK_VERIFY"}';
    const res = await http(`${url}/webhooks/eight`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: probe,
    });
    expect(res.status).toBe(200);
  });

  it('queues a signed event; one byte changed or another key → 401 and nothing queued', async () => {
    const { fake, gateway } = await setup();
    const enqueued = () => gateway.metrics.eventsEnqueued.total();
    await fake.deliverRaw(body('genuine'));
    expect(fake.deliveries.at(-1)!.status).toBe(200);
    const afterGenuine = enqueued();
    expect(afterGenuine).toBe(1);

    const from = fake.deliveries.length;
    await fake.deliverRaw(body('genuine'), { tamper: (_h, b) => b.replace('genuine', 'genuinE') });
    await fake.deliverRaw(body('forged'), { key: generateSigningKey(fake.signingKey.kid) });
    await fake.deliverRaw(body('forged'), { key: generateSigningKey('unknown-kid') });
    expect(fake.deliveries.slice(from).map((d) => d.status)).toEqual(Array(12).fill(401));
    expect(enqueued()).toBe(afterGenuine);
  });
});
