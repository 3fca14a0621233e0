import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedCenters } from 'handover-kit/connectors/simulated';
import { startFakeCognigy } from '../fakes/cognigy';
import {
  http,
  simCenter,
  startTestGateway,
  startWebhookCapture,
  uniquePrefix,
  waitUntil,
  type CapturedWebhook,
} from './helpers';
import { info, RedisProcs, until, type RedisProc } from './redis-procs';

const MASTER = 'hkmaster';

describe('the gateway behind Redis Sentinel', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('follows a failover: master SIGKILLed mid-handover, no agent message lost once the replica is promoted', {
    timeout: 40_000,
  }, async () => {
    const procs = new RedisProcs();
    cleanup.push(() => procs.stop());
    const master = await procs.start([]);
    const replica = await procs.start(['--replicaof', '127.0.0.1', String(master.port)]);
    const sentinels: RedisProc[] = [];
    for (let i = 0; i < 3; i++) {
      const conf = () => [
        `sentinel monitor ${MASTER} 127.0.0.1 ${master.port} 2`,
        `sentinel down-after-milliseconds ${MASTER} 1000`,
        `sentinel failover-timeout ${MASTER} 10000`,
      ];
      sentinels.push(await procs.start(['--sentinel'], conf));
    }
    await until(
      async () => (await info(replica.port, ['INFO', 'replication'])).includes('master_link_status:up'),
      10_000,
      'the replica in sync',
    );
    // Each sentinel must know the replica and the two other sentinels before the master goes.
    await until(
      async () => {
        const views = await Promise.all(sentinels.map((s) => info(s.port, ['SENTINEL', 'MASTER', MASTER])));
        return views.every((v) => v.includes('"num-slaves","1"') && v.includes('"num-other-sentinels","2"'));
      },
      15_000,
      'the sentinels to see the replica and each other',
    );

    const url = `redis+sentinel://${sentinels.map((s) => `127.0.0.1:${s.port}`).join(',')}/${MASTER}`;
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const capture = await startWebhookCapture();
    cleanup.push(() => capture.close());
    const gw = await startTestGateway({
      cognigy,
      centers: new SimulatedCenters(),
      simProvider: { webhookUrl: capture.url },
      overrides: { redis: { url, prefix: uniquePrefix() } },
    });
    cleanup.push(() => gw.close());

    // The vendor's side: every webhook is posted until the gateway answers 200, as vendors retry.
    let forwarded = 0;
    const refused: number[] = [];
    const deliver = async (w: CapturedWebhook) => {
      for (let attempt = 0; attempt < 200; attempt++) {
        const res = await http(`${gw.url}/webhooks/sim`, { method: 'POST', headers: w.headers, body: w.body }).catch(
          () => ({ status: 0 }),
        );
        if (res.status === 200) return;
        refused.push(res.status);
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error('a webhook was never accepted');
    };
    const pump = async () => {
      while (forwarded < capture.webhooks.length) await deliver(capture.webhooks[forwarded++]!);
    };

    const session = { userId: 'sentinel-user', sessionId: 'sentinel-session', urlToken: 'url-token' };
    await gw.client.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    const center = await simCenter(gw);
    const conv = center.accept('anna');
    for (const text of ['one', 'two']) center.say('anna', conv.id, text);
    await waitUntil(() => capture.webhooks.length >= 3, 5_000, 'the first webhooks');
    await pump();
    await cognigy.waitFor((f) => f.texts(session).length >= 2, 10_000, 'the first messages');

    procs.kill(master);
    const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
    for (const text of texts.slice(2)) center.say('anna', conv.id, text);
    await waitUntil(() => capture.webhooks.length >= 7, 5_000, 'the webhooks after the kill');
    await pump();
    await until(
      async () => (await info(replica.port, ['ROLE'])).startsWith('["master"'),
      20_000,
      'the replica promoted',
    );

    await cognigy.waitFor((f) => f.texts(session).includes('six'), 20_000, 'every agent message');
    await gw.gateway.settle();
    // Delivery to Cognigy is at least once: the item in flight when the master died may come twice.
    const got = cognigy.texts(session);
    expect(got.filter((t, i) => t !== got[i - 1])).toEqual(texts);
    expect(got.length).toBeLessThanOrEqual(texts.length + 1);
    expect(refused.length).toBeGreaterThan(0); // the kill was felt: some webhooks were refused, then retried
    expect((await gw.client.sendUserMessage({ session, text: 'after failover', messageId: 'u-1' })).forwarded).toBe(
      true,
    );
    expect((await gw.client.getHandover({ session }))?.status).toBe('active');
  });
});
