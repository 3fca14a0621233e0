import { Cluster } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedCenters } from 'handover-kit/connectors/simulated';
import { startFakeCognigy } from '../fakes/cognigy';
import { simCenter, startTestGateway, uniquePrefix, waitUntil } from './helpers';
import { RedisProcs } from './redis-procs';

describe('the gateway on a 3-master Redis Cluster', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn();
  });

  it('runs a whole handover unchanged: start, agent messages by webhook, a timer, the end', {
    timeout: 40_000,
  }, async () => {
    const procs = new RedisProcs();
    cleanup.push(() => procs.stop());
    const nodes = await procs.cluster(3);
    const url = `redis+cluster://${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}`;
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const prefix = uniquePrefix();
    const gw = await startTestGateway({
      cognigy,
      centers: new SimulatedCenters(),
      overrides: { redis: { url, prefix } },
    });
    cleanup.push(() => gw.close());

    const session = { userId: 'cluster-user', sessionId: 'cluster-session', urlToken: 'url-token' };
    await gw.client.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
    const center = await simCenter(gw);
    const conv = center.accept('anna');
    await waitUntil(async () => (await gw.client.getHandover({ session }))?.status === 'active', 5_000, 'active');
    for (const text of ['one', 'two', 'three']) center.say('anna', conv.id, text);
    expect((await gw.client.sendUserMessage({ session, text: 'hello agent', messageId: 'u-1' })).forwarded).toBe(true);
    expect((await gw.client.setInactivity({ session, minutes: 0.02 })).armed).toBe(true); // 1.2 s, a BullMQ job
    await cognigy.waitFor(
      (f) => f.events(session).some((e) => e.eventType === 'handoverInactivity'),
      10_000,
      'the inactivity event',
    );
    center.resolve('anna', conv.id);
    await cognigy.waitFor((f) => f.events(session).some((e) => e.status === 'completed'), 10_000, 'the end');
    await gw.gateway.settle();
    expect(cognigy.texts(session)).toEqual(['one', 'two', 'three']);
    expect(cognigy.events(session).map((e) => e.eventType ?? e.status)).toContain('handoverInactivity');
    expect(
      center
        .conversation(conv.id)!
        .messages.filter((m) => m.from === 'user')
        .map((m) => m.text),
    ).toEqual(['hello agent']);

    // Every key of the gateway (BullMQ's too) is under the one hash tag, so on one master.
    const cluster = new Cluster(nodes.map((n) => ({ host: '127.0.0.1', port: n.port })));
    cleanup.push(async () => void cluster.disconnect());
    await cluster.ping();
    const tag = `{${prefix.replace(/:$/, '')}}`;
    const perNode = await Promise.all(cluster.nodes('master').map((n) => n.keys('*')));
    const holders = perNode.filter((keys) => keys.length > 0);
    expect(holders).toHaveLength(1);
    expect(holders[0]!.length).toBeGreaterThan(3);
    expect(holders[0]!.every((k) => k.startsWith(tag))).toBe(true);
    expect(holders[0]!.some((k) => k.startsWith(`${tag}:bull:`))).toBe(true);
  });
});
