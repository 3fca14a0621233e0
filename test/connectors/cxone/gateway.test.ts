import { afterEach, describe, expect, it } from 'vitest';
import { cxoneConnector, type CxoneConnector } from 'handover-kit/connectors/cxone';
import { FakeCxone } from '../../fakes/cxone';
import { http, startTestGateway, type TestGateway } from '../../gateway/helpers';
import { CHANNEL_CLIENT_ID, CHANNEL_CLIENT_SECRET, settingsFor } from './harness';

/** Counter value from the gateway's Prometheus text, 0 when absent. */
async function counter(url: string, name: string, labels: string): Promise<number> {
  const text = (await http(`${url}/metrics`)).text;
  const line = text
    .split('\n')
    .find(
      (l) => (l.startsWith(`${name}{`) || l.startsWith(`${name} `)) && labels.split(',').every((p) => l.includes(p)),
    );
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('cxone behind the real gateway', () => {
  let gw: TestGateway | undefined;
  let fake: FakeCxone | undefined;
  afterEach(async () => {
    await gw?.close();
    await fake?.close();
  });

  it('serves the token and reply endpoints under /webhooks/<providerId>/…, per provider', async () => {
    fake = await FakeCxone.start();
    gw = await startTestGateway({ simProvider: false, overrides: { connectors: [cxoneConnector() as never] } });
    await gw.gateway.registry.create({
      id: 'cx1',
      name: 'CXone',
      type: 'cxone',
      settings: settingsFor(fake) as Record<string, unknown>,
    });
    const connector = (await gw.gateway.registry.connector('cx1')).connector as CxoneConnector;
    const id = (
      await connector.doStartHandover({
        idempotencyKey: 'g1',
        user: { id: 'u1' },
        routing: {},
        transcript: [],
        customAttributes: {},
      })
    ).conversationId;
    const byoc = fake.connectByoc({
      boxUrl: `${gw.url}/webhooks/cx1`,
      tokenUrl: `${gw.url}/webhooks/cx1/1.0/token`,
      clientId: CHANNEL_CLIENT_ID,
      clientSecret: CHANNEL_CLIENT_SECRET,
    });

    expect(await fake.say(id, 'Through the gateway')).toBe(200);
    expect(byoc.attempts.map((a) => a.status)).toEqual([401, 200]);
    expect(byoc.tokenRequests.map((t) => t.status)).toEqual([200]);
    expect(await counter(gw.url, 'handover_events_enqueued_total', '')).toBe(1);

    // A forged token through the gateway: 401, nothing queued.
    const forged = await byoc.raw(
      byoc.replyUrl({ threadId: id, channelId: 'c' }),
      '{"message":"forged"}',
      'Bearer forged-token',
    );
    expect(forged.status).toBe(401);
    expect(await counter(gw.url, 'handover_events_enqueued_total', '')).toBe(1);

    // Another provider's path does not accept this provider's credentials.
    await gw.gateway.registry.create({
      id: 'cx2',
      name: 'CXone 2',
      type: 'cxone',
      settings: settingsFor(fake, { channelClientSecret: 'another-secret-0123456789abcdef' }) as Record<
        string,
        unknown
      >,
    });
    const other = await http(`${gw.url}/webhooks/cx2/1.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client_id: CHANNEL_CLIENT_ID,
        client_secret: CHANNEL_CLIENT_SECRET,
        grant_type: 'client_credentials',
      }),
    });
    expect(other.status).toBe(401);
  });
});
