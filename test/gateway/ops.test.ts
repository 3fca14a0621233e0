import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, createGatewayClient } from 'handover-kit';
import { GATEWAY_ENV, loadGatewayConfig } from 'handover-kit/gateway';
import type { RedisStore } from '../../src/gateway/redis/store';
import type { EncryptingStore } from '../../src/gateway/secrets/store';
import { startFakeCognigy, type FakeCognigy } from '../fakes/cognigy';
import { http, simCenter, startTestGateway, uniquePrefix, waitUntil, type TestGateway } from './helpers';

describe('operations', () => {
  let gw: TestGateway | undefined;
  let cognigy: FakeCognigy | undefined;
  afterEach(async () => {
    await gw?.close().catch(() => {});
    await cognigy?.close();
    gw = cognigy = undefined;
  });

  it('serves /healthz, /readyz and Prometheus /metrics', async () => {
    cognigy = await startFakeCognigy();
    gw = await startTestGateway({ cognigy, redisPrefix: uniquePrefix() });
    expect((await http(`${gw.url}/healthz`)).json).toEqual({ status: 'ok' });
    expect((await http(`${gw.url}/readyz`)).status).toBe(200);
    const session = { userId: 'm', sessionId: 'm', urlToken: 't' };
    await gw.client.startHandover({ providerId: 'sim', session });
    const center = await simCenter(gw);
    const conv = center.accept('anna');
    center.say('anna', conv.id, 'hi');
    await cognigy.waitFor((f) => f.texts(session).length === 1, 5_000, 'the text');
    await gw.gateway.settle();
    const metrics = await http(`${gw.url}/metrics`);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.text).toMatch(/handover_handovers\{status="active"\} 1/);
    expect(metrics.text).toMatch(/handover_webhook_latency_seconds_bucket\{type="simulated",le="\+Inf"\} [1-9]/);
    expect(metrics.text).toMatch(/handover_webhook_requests_total\{type="simulated",result="accepted"\} [1-9]/);
    expect(metrics.text).toMatch(/handover_deliveries_total\{kind="notify",result="ok"\} 1/);
    expect(metrics.text).toMatch(/handover_outbox_depth 0/);
    expect(metrics.text).toMatch(
      /handover_http_requests_total\{route="POST \/v1\/handover\/start",method="POST",status="200"\} 1/,
    );
    expect(metrics.text).toContain('# TYPE handover_delivery_retries_total counter');

    // Not ready when the store is unreachable.
    ((gw.gateway.store as EncryptingStore).inner as RedisStore).redis.disconnect();
    const notReady = await http(`${gw.url}/readyz`);
    expect(notReady.status).toBe(503);
    expect(notReady.json.reason).toBe('store unreachable');
    expect((await http(`${gw.url}/healthz`)).status).toBe(200);
  });

  it('shuts down gracefully: in-flight requests finish, new ones are refused, the memory outbox is drained', async () => {
    cognigy = await startFakeCognigy();
    gw = await startTestGateway({ cognigy });
    const session = { userId: 'g', sessionId: 'g', urlToken: 't' };
    await gw.client.startHandover({ providerId: 'sim', session });
    const center = await simCenter(gw);
    const conv = center.accept('anna');
    await waitUntil(async () => (await gw!.client.getHandover({ session }))?.status === 'active', 5_000, 'active');
    cognigy.failFor(400, { status: 503 });
    center.say('anna', conv.id, 'said just before the shutdown');
    await waitUntil(() => cognigy!.refused.length > 0, 5_000, 'a refused delivery');

    center.failNext('availability', { status: 200, delayMs: 400 });
    const slow = gw.client.checkAvailability({ providerId: 'sim' });
    await new Promise((r) => setTimeout(r, 100));
    const closing = gw.gateway.close();
    expect(await gw.gateway.ready()).toEqual({ ready: false, reason: 'shutting down' });
    expect((await slow).available).toBe(true);
    await expect(http(`${gw.url}/healthz`)).rejects.toThrow();
    await closing;
    expect(cognigy.texts(session)).toEqual(['said just before the shutdown']);
  });

  it('validates the configuration and names the variable at fault', () => {
    const fails = (env: Record<string, string>, file?: string) => {
      try {
        loadGatewayConfig({ env, file });
      } catch (error) {
        expect(HandoverConfigError.isInstance(error)).toBe(true);
        return (error as HandoverConfigError).issues.map((i) => i.path);
      }
      throw new Error('expected a configuration error');
    };
    expect(fails({ HANDOVER_GATEWAY_PORT: 'eighty' })).toEqual(['HANDOVER_GATEWAY_PORT']);
    expect(fails({ COGNIGY_API_BASE_URL: 'https://api-trial.cognigy.ai' })[0]).toMatch(/^COGNIGY_API_KEY/);
    expect(fails({ COGNIGY_API_BASE_URL: 'not a url', COGNIGY_API_KEY: 'k' })).toEqual(['COGNIGY_API_BASE_URL']);
    expect(fails({ HANDOVER_GATEWAY_NODE_KEYS: 'short' })).toEqual(['HANDOVER_GATEWAY_NODE_KEYS']);
    expect(fails({ HANDOVER_REDIS_URL: 'redis://127.0.0.1:6379' })).toEqual([
      'HANDOVER_GATEWAY_ADMIN_KEYS',
      'HANDOVER_ENCRYPTION_KEYS',
    ]);
    expect(fails({ HANDOVER_REDIS_URL: 'redis://127.0.0.1:6379', HANDOVER_ALLOW_PLAINTEXT_SECRETS: 'true' })).toEqual([
      'HANDOVER_GATEWAY_ADMIN_KEYS',
    ]);
    expect(fails({ HANDOVER_REDIS_URL: 'http://nope' })[0]).toBe('HANDOVER_REDIS_URL');
    expect(fails({ HANDOVER_LOG_LEVEL: 'chatty' })).toEqual(['HANDOVER_LOG_LEVEL']);
    const dir = mkdtempSync(join(tmpdir(), 'hk-config-'));
    const file = join(dir, 'gateway.json');
    writeFileSync(file, JSON.stringify({ port: 'x', cognigy: { apiBaseUrl: 'https://c.example' } }));
    expect(fails({}, file)).toEqual([
      `HANDOVER_GATEWAY_PORT / ${file}: port`,
      `COGNIGY_API_KEY / ${file}: cognigy.apiKey`,
    ]);
    expect(fails({ HANDOVER_GATEWAY_CONFIG: join(dir, 'missing.json') })).toEqual(['HANDOVER_GATEWAY_CONFIG']);
    writeFileSync(
      file,
      JSON.stringify({
        port: 9000,
        adminKeys: ['a-file-admin-key-0000'],
        providers: [{ id: 'p', name: 'P', type: 'simulated' }],
      }),
    );
    const ok = loadGatewayConfig({
      env: { HANDOVER_GATEWAY_PORT: '9100', COGNIGY_API_BASE_URL: 'https://c.example', COGNIGY_API_KEY: 'key' },
      file,
    });
    expect(ok).toMatchObject({
      port: 9100,
      adminKeys: ['a-file-admin-key-0000'],
      cognigy: { apiBaseUrl: 'https://c.example', apiKey: 'key' },
      host: '127.0.0.1',
    });
    expect(ok.providers).toHaveLength(1);
  });

  it('documents every configuration variable in docs/gateway.md', () => {
    const docs = readFileSync('docs/gateway.md', 'utf8');
    for (const { env, path } of GATEWAY_ENV) expect(docs, env).toContain(`| \`${env}\` | \`${path}\` |`);
  });

  it('`handover-kit gateway` with nothing configured runs a working demo and stops on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'gateway'], {
      env: { PATH: process.env.PATH, HANDOVER_GATEWAY_PORT: '0', HANDOVER_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await waitUntil(() => /nodes key: (\S+)/.test(stderr), 15_000, `the banner; got ${stderr}`);
      const url = /listening on (http:\/\/\S+)/.exec(stderr)![1]!;
      const nodesKey = /nodes key: (\S+)/.exec(stderr)![1]!;
      const adminKey = /admin key: (\S+)/.exec(stderr)![1]!;
      expect(stdout).not.toContain(adminKey);
      const client = createGatewayClient({ url, apiKey: nodesKey });
      const session = { userId: 'newcomer', sessionId: 'first-try' };
      expect((await client.startHandover({ providerId: 'simulated', session })).handover.status).toBe('queue');
      // The scripted agent takes it, greets, and the greeting comes back through the signed webhook.
      await waitUntil(
        () => stdout.includes('to the user (agent): Hi, I am Sam'),
        10_000,
        `the greeting; got ${stdout.slice(-500)}`,
      );
      expect((await client.getHandover({ session }))?.status).toBe('active');
      await client.close();
      expect((await http(`${url}/v2.0/handover/providers`, { headers: { 'x-api-key': adminKey } })).json.total).toBe(1);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(stdout).toContain('gateway stopped');
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);

  it('the main entry reaches the gateway client without the server, ioredis or bullmq', () => {
    const seen = new Set<string>();
    const offending: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      const source = readFileSync(file, 'utf8');
      for (const m of source.matchAll(/(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec === 'ioredis' || spec === 'bullmq' || /(^|\/)gateway(\/|$)/.test(spec))
          offending.push(`${file} → ${spec}`);
        if (!spec.startsWith('.')) continue;
        const base = resolve(dirname(file), spec);
        const target = [`${base}.ts`, join(base, 'index.ts')].find((p) => existsSync(p));
        if (target) visit(target);
      }
    };
    visit(resolve('src/index.ts'));
    expect(seen.has(resolve('src/client/gateway-client.ts'))).toBe(true);
    expect(offending).toEqual([]);
  });
});
