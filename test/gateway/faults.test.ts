import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type Socket } from 'node:net';
import { readdirSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { SIGNATURE_HEADER, signWebhook, webhookBody } from 'handover-kit/connectors/simulated';
import {
  WEBHOOK_SECRET,
  http,
  redisUrl,
  signedWebhook,
  startTestGateway,
  uniquePrefix,
  waitUntil,
  type TestGateway,
} from './helpers';

/** A redis-server of this test's own, to stop under the gateway. */
async function ownRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await new Promise<number>((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
  const child: ChildProcess = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  const url = `redis://127.0.0.1:${port}`;
  await waitUntil(() => ping(port), 5_000, 'redis-server');
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) =>
        child.exitCode !== null || child.signalCode !== null
          ? resolve()
          : (child.once('exit', () => resolve()), child.kill('SIGKILL')),
      ),
  };
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.on('data', (d) => (socket.destroy(), resolve(d.toString().startsWith('+PONG'))));
    socket.on('error', () => resolve(false));
  });
}

describe('Redis failures and hostile clients (real redis-server)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  });

  it('Redis lost its data: configured providers are re-seeded, readiness names the ones that are gone', async () => {
    const prefix = uniquePrefix();
    const configured = { id: 'cfg', name: 'Configured', type: 'simulated', settings: { center: 'cfg' } };
    const gw = await startTestGateway({ redisPrefix: prefix, overrides: { providers: [configured] } });
    cleanup.push(() => gw.close());
    expect((await http(`${gw.url}/readyz`)).status).toBe(200);
    // A restart without persistence: every key of this gateway is gone, Redis itself answers.
    const redis = new Redis(redisUrl());
    cleanup.push(async () => void redis.disconnect());
    const keys = await redis.keys(`${prefix}*`);
    await redis.del(...keys);
    const answer = await http(`${gw.url}/readyz`);
    expect(answer.status).toBe(503);
    expect(answer.json.reason).toMatch(/providers missing: sim\b/);
    expect(await gw.gateway.store.getProvider('cfg')).toBeDefined(); // re-seeded from the configuration
    // An operator recreates the provider created over the API: ready again.
    await gw.gateway.registry.create({ id: 'sim', name: 'Simulated', type: 'simulated', settings: { center: 'main' } });
    expect((await http(`${gw.url}/readyz`)).status).toBe(200);
  });

  it('Redis down during intake: 503 with Retry-After, for the provider lookup too; an unstorable body is a 400', async () => {
    const server = await ownRedis();
    cleanup.push(() => server.stop());
    const gw = await startTestGateway({
      redisPrefix: uniquePrefix(),
      overrides: { redis: { url: server.url, prefix: 'hk:' } },
    });
    cleanup.push(() => gw.kill());
    const event = {
      type: 'agent-message' as const,
      text: 'hi',
      conversationId: 'conv-x',
      eventId: 'e-1',
      occurredAt: Date.now(),
    };
    // Nested 10 000 deep: JSON can decode it but not encode it again.
    const deep = '['.repeat(10_000) + ']'.repeat(10_000);
    const body = webhookBody('dlv-deep', [
      { ...event, type: 'provider-event', name: 'x', data: { deep: 'DEEP' } } as never,
    ]).replace('"DEEP"', deep);
    const headers = {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signWebhook(WEBHOOK_SECRET, body, Date.now()),
    };
    const refused = await http(`${gw.url}/webhooks/sim`, { method: 'POST', headers, body });
    expect(refused.status).toBe(400);

    await server.stop();
    const hook = signedWebhook([event]);
    const queued = await http(`${gw.url}/webhooks/sim`, { method: 'POST', headers: hook.headers, body: hook.body });
    expect(queued.status).toBe(503);
    expect(queued.headers['retry-after']).toBe('5');
    // A provider not in the lookup cache: the store read itself fails.
    const lookup = await http(`${gw.url}/webhooks/other`, { method: 'POST', headers: hook.headers, body: hook.body });
    expect(lookup.status).toBe(503);
    expect(lookup.headers['retry-after']).toBe('5');
    expect((await http(`${gw.url}/readyz`)).status).toBe(503);
  });

  it('300 silent clients do not keep their descriptors: destroyed at the header deadline', async () => {
    const gw: TestGateway = await startTestGateway({
      overrides: {
        http: { headersTimeoutMs: 300, requestTimeoutMs: 600, checkIntervalMs: 100, maxConnections: 1_000 },
      },
    });
    cleanup.push(() => gw.close());
    const fds = () => readdirSync('/proc/self/fd').length;
    const before = fds();
    const port = Number(new URL(gw.url).port);
    const sockets: Socket[] = [];
    let closed = 0;
    for (let i = 0; i < 300; i++) {
      const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true }); // never says a word, never closes
      socket.on('error', () => {});
      socket.on('close', () => closed++);
      socket.on('end', () => {}); // half-open on our side: only a server-side destroy frees the server's fd
      sockets.push(socket);
    }
    cleanup.push(async () => {
      for (const s of sockets) s.destroy();
    });
    const count = () => new Promise<number>((resolve) => gw.gateway.server.getConnections((_e, n) => resolve(n)));
    await waitUntil(async () => (await count()) >= 300, 5_000, 'all 300 connected');
    await waitUntil(async () => (await count()) === 0, 10_000, 'the server to drop every silent client');
    // Our client sockets stay half-open on purpose; the server's side is gone, so only they remain.
    expect(fds() - before).toBeLessThanOrEqual(300 + 5);
    for (const s of sockets) s.destroy();
    await waitUntil(() => closed === 300, 5_000, 'client sockets closed');
    await waitUntil(() => fds() <= before + 5, 5_000, 'descriptors back to where they were');
  });
});
