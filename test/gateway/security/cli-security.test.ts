import { chmodSync, mkdtempSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from 'handover-kit/gateway';
import { ADMIN_KEY, NODES_KEY, http, redisUrl, startTestGateway, uniquePrefix, type TestGateway } from '../helpers';

function io(env: Record<string, string | undefined> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: (t: string) => void out.push(t), stderr: (t: string) => void err.push(t), env } };
}

describe('CLI: private files and encryption keys', () => {
  const open: TestGateway[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((g) => g.close()));
  });

  it('export --out writes 0600 even over an existing world-readable file', async () => {
    const gw = await startTestGateway();
    open.push(gw);
    const file = join(mkdtempSync(join(tmpdir(), 'hk-export-')), 'providers.json');
    writeFileSync(file, 'old content that is longer than nothing at all');
    chmodSync(file, 0o644);
    const t = io();
    expect(
      await runCli(
        ['providers', 'export', '--include-secrets', '--out', file, '--url', gw.url, '--key', ADMIN_KEY],
        t.io,
      ),
    ).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(file, 'utf8')).providers[0].id).toBe('sim');
  });

  it('apikeys create / list / revoke over HTTP; providers list shows each webhook URL', async () => {
    const gw = await startTestGateway();
    open.push(gw);
    const auth = ['--url', gw.url, '--key', ADMIN_KEY];
    const c = io();
    expect(
      await runCli(
        ['apikeys', 'create', '--name', 'flow prod', '--scope', 'nodes', '--providers', 'sim', ...auth],
        c.io,
      ),
    ).toBe(0);
    const key = c.out.join('').trim().split('\n').at(-1)!;
    expect(key).toMatch(/^hk_[a-f0-9]{12}_/);
    expect((await http(`${gw.url}/v1/providers`, { headers: { 'x-api-key': key } })).status).toBe(200);
    const l = io();
    expect(await runCli(['apikeys', 'list', ...auth], l.io)).toBe(0);
    expect(l.out.join('')).toMatch(/flow prod\s+nodes\s+sim\s+\d{4}-\d\d-\d\dT/);
    expect(l.out.join('')).not.toContain(key);
    const id = key.split('_')[1]!;
    expect(await runCli(['apikeys', 'revoke', id, ...auth], io().io)).toBe(0);
    expect((await gw.admin.listApiKeys()).map((k) => k.id)).not.toContain(id);
    const p = io();
    expect(await runCli(['providers', 'list', ...auth], p.io)).toBe(0);
    expect(p.out.join('')).toContain(`${gw.url}/webhooks/sim`);
  });

  it('keys generate prints a usable key; keys rotate re-seals a Redis store with the first key', async () => {
    const g = io();
    expect(await runCli(['keys', 'generate', '--id', 'fresh'], g.io)).toBe(0);
    const line = g.out.join('').trim();
    expect(line).toMatch(/^fresh:[A-Za-z0-9+/]{43}=$/);
    const prefix = uniquePrefix();
    const gw = await startTestGateway({ redisPrefix: prefix });
    await gw.close();
    const env = {
      HANDOVER_REDIS_URL: redisUrl(),
      HANDOVER_REDIS_PREFIX: prefix,
      HANDOVER_GATEWAY_ADMIN_KEYS: ADMIN_KEY,
      HANDOVER_GATEWAY_NODE_KEYS: NODES_KEY,
      HANDOVER_ENCRYPTION_KEYS: `${line},test1:${Buffer.alloc(32, 7).toString('base64')}`,
    };
    const r = io(env);
    expect(await runCli(['keys', 'rotate'], r.io)).toBe(0);
    expect(r.out.join('')).toMatch(/Rotated to key "fresh": [1-9]\d* value/);
    const redis = new Redis(redisUrl());
    try {
      const raw = await redis.hget(`${prefix}providers`, 'sim');
      expect(raw).toContain('enc:v1:fresh:');
      expect(raw).not.toContain('enc:v1:test1:');
    } finally {
      redis.disconnect();
    }
  });
});
