import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HandoverConfigError, MASKED_SECRET } from 'handover-kit';
import { runCli } from 'handover-kit/gateway';
import { ADMIN_KEY, NODES_KEY, http, postJson, startTestGateway, uniquePrefix, type TestGateway } from './helpers';

const SECRET = 'provider-webhook-secret-9d8c7b6a';

describe('provider management API', () => {
  let gw: TestGateway | undefined;
  afterEach(async () => {
    await gw?.close();
    gw = undefined;
  });

  for (const mode of ['redis', 'memory'] as const) {
    it(`${mode}: create, read, list, update, delete round-trip with secrets masked`, async () => {
      gw = await startTestGateway({ simProvider: false, ...(mode === 'redis' ? { redisPrefix: uniquePrefix() } : {}) });
      const base = `${gw.url}/v2.0/handover`;
      const admin = { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' };
      const settings = { center: 'crud', delivery: 'webhook', webhookSecret: SECRET };
      const created = await http(`${base}/provider`, {
        method: 'POST',
        headers: admin,
        body: JSON.stringify({ id: 'vip', name: 'VIP desk', type: 'simulated', settings }),
      });
      expect(created.status).toBe(201);
      expect(created.headers.location).toBe('/v2.0/handover/provider/vip');
      expect(created.json).toMatchObject({
        id: 'vip',
        name: 'VIP desk',
        type: 'simulated',
        settings: { center: 'crud', delivery: 'webhook', webhookSecret: MASKED_SECRET },
      });
      expect(created.text).not.toContain(SECRET);

      const read = await http(`${base}/provider/vip`, { headers: admin });
      expect(read.status).toBe(200);
      expect(read.json.settings.webhookSecret).toBe(MASKED_SECRET);
      const list = await http(`${base}/providers`, { headers: admin });
      expect(list.json).toMatchObject({ total: 1, items: [{ id: 'vip', settings: { webhookSecret: MASKED_SECRET } }] });

      // Sending the mask back keeps the secret; the name changes.
      const patched = await http(`${base}/providers/vip`, {
        method: 'PATCH',
        headers: admin,
        body: JSON.stringify({ name: 'VIP', settings: read.json.settings }),
      });
      expect(patched.status).toBe(200);
      expect(patched.json.name).toBe('VIP');
      expect((await gw.gateway.registry.get('vip', { revealSecrets: true })).settings.webhookSecret).toBe(SECRET);

      const exported = await http(`${base}/providers/export`, { headers: admin });
      expect(exported.json.providers[0].settings.webhookSecret).toBe(MASKED_SECRET);
      const withSecrets = await http(`${base}/providers/export?includeSecrets=true`, { headers: admin });
      expect(withSecrets.json.providers[0].settings.webhookSecret).toBe(SECRET);

      expect((await http(`${base}/providers/vip`, { method: 'DELETE', headers: admin })).status).toBe(204);
      expect((await http(`${base}/provider/vip`, { headers: admin })).status).toBe(404);
      expect((await http(`${base}/providers/vip`, { method: 'DELETE', headers: admin })).status).toBe(404);

      const imported = await http(`${base}/providers/import?mode=replace`, {
        method: 'POST',
        headers: admin,
        body: withSecrets.text,
      });
      expect(imported.json).toEqual({ created: 1, updated: 0, deleted: 0 });
      expect((await gw.admin.get('vip')).name).toBe('VIP');
      const masked = await http(`${base}/providers/import`, { method: 'POST', headers: admin, body: exported.text });
      expect(masked.status).toBe(400);
      expect(masked.json.error.details.issues[0].path).toBe('providers.0.settings.webhookSecret');
    });
  }

  it('rejects bad settings with a 400 naming the field, and an unknown type', async () => {
    gw = await startTestGateway({ simProvider: false });
    const tooShort = await gw.admin
      .create({ name: 'x', type: 'simulated', settings: { delivery: 'webhook', webhookSecret: 'short' } })
      .catch((e) => e);
    expect(HandoverConfigError.isInstance(tooShort)).toBe(true);
    expect((tooShort as HandoverConfigError).field).toBe('settings.webhookSecret');
    const res = await postJson(
      `${gw.url}/v2.0/handover/provider`,
      { name: 'x', type: 'simulated', settings: { delivery: 'carrier-pigeon' } },
      ADMIN_KEY,
    );
    expect(res.status).toBe(400);
    expect(res.json.error.details.issues.map((i: { path: string }) => i.path)).toContain('settings.delivery');
    const unknownType = await postJson(`${gw.url}/v2.0/handover/provider`, { name: 'x', type: 'telepathy' }, ADMIN_KEY);
    expect(unknownType.status).toBe(400);
    expect(unknownType.json.error.code).toBe('unknown_connector');
    const strict = await postJson(
      `${gw.url}/v2.0/handover/provider`,
      { name: 'x', type: 'simulated', colour: 'red' },
      ADMIN_KEY,
    );
    expect(strict.status).toBe(400);
    const badMode = await http(`${gw.url}/v2.0/handover/providers/import?mode=sideways`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(badMode.status).toBe(400);
  });

  it('admin keys only: no key 401, a wrong key 401, the nodes key 403 — on every provider route', async () => {
    gw = await startTestGateway();
    const routes: Array<[string, string]> = [
      ['POST', '/v2.0/handover/provider'],
      ['GET', '/v2.0/handover/provider/sim'],
      ['GET', '/v2.0/handover/providers'],
      ['PATCH', '/v2.0/handover/providers/sim'],
      ['DELETE', '/v2.0/handover/providers/sim'],
      ['GET', '/v2.0/handover/providers/export?includeSecrets=true'],
      ['POST', '/v2.0/handover/providers/import'],
      ['GET', '/v2.0/handover/services'],
      ['POST', '/v2.0/handover/providers/sim/test'],
    ];
    for (const [method, path] of routes) {
      const body = method === 'GET' || method === 'DELETE' ? undefined : '{}';
      expect((await http(`${gw.url}${path}`, { method, body })).status, `${method} ${path} without a key`).toBe(401);
      expect(
        (await http(`${gw.url}${path}`, { method, body, headers: { 'x-api-key': 'wrong-key-0000000000000000' } }))
          .status,
        `${method} ${path} wrong key`,
      ).toBe(401);
      const nodes = await http(`${gw.url}${path}`, { method, body, headers: { 'x-api-key': NODES_KEY } });
      expect(nodes.status, `${method} ${path} with the nodes key`).toBe(403);
      expect(nodes.json.error.code).toBe('forbidden');
    }
    expect(await gw.admin.get('sim')).toMatchObject({ id: 'sim' }); // still there: nothing above went through
  });

  it('lists connector types with a settings JSON Schema carrying labels and secret marks; tests a connection', async () => {
    gw = await startTestGateway();
    const types = await gw.admin.services();
    const simulated = types.find((t) => t.type === 'simulated')!;
    expect(simulated.label).toBe('Simulated contact center');
    expect(simulated.capabilities.availability).toBe(true);
    const schema = simulated.settingsSchema as { properties: Record<string, Record<string, unknown>> };
    expect(schema.properties.webhookSecret).toMatchObject({ secret: true, label: 'Webhook secret', type: 'string' });
    expect(schema.properties.delivery).toMatchObject({ enum: ['push', 'webhook'], label: 'Event delivery' });

    // The connection test names every step: reaching the center ("auth"), the queue setting, the webhook.
    expect(await gw.admin.test('sim')).toMatchObject({
      ok: true,
      check: 'connection',
      checks: [{ name: 'auth', status: 'ok' }, { name: 'queue', status: 'skipped' }, { name: 'webhook' }],
    });
    const center = gw.centers.get('main');
    center.failNext('availability', { status: 503 });
    const failed = await gw.admin.test('sim');
    expect(failed).toMatchObject({
      ok: false,
      check: 'connection',
      error: { code: 'vendor_error', details: { check: 'auth' } },
    });
    expect(failed.checks!.map((c) => c.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect((await postJson(`${gw.url}/v2.0/handover/providers/ghost/test`, {}, ADMIN_KEY)).status).toBe(404);
  });

  it('the CLI manages providers through the API (add, list, export, rm, import)', async () => {
    gw = await startTestGateway({ simProvider: false });
    const dir = mkdtempSync(join(tmpdir(), 'hk-cli-'));
    const cli = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await runCli(['providers', ...args], {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        env: { HANDOVER_GATEWAY_URL: gw!.url, HANDOVER_GATEWAY_KEY: ADMIN_KEY },
      });
      return { code, stdout, stderr };
    };
    const add = await cli(
      'add',
      '--type',
      'simulated',
      '--name',
      'From CLI',
      '--id',
      'cli-1',
      '--set',
      'delivery=webhook',
      '--set',
      `webhookSecret=${SECRET}`,
    );
    expect(add, add.stderr).toMatchObject({ code: 0 });
    const list = await cli('list');
    expect(list.stdout).toMatch(/cli-1\s+simulated\s+From CLI/);
    expect(list.stdout + list.stderr).not.toContain(SECRET);
    const file = join(dir, 'providers.json');
    expect((await cli('export', '--include-secrets', '--out', file)).code).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).providers[0].settings.webhookSecret).toBe(SECRET);
    expect((await cli('rm', 'cli-1')).code).toBe(0);
    expect(await gw.admin.list()).toEqual([]);
    expect((await cli('import', file, '--mode', 'merge')).stdout).toContain('1 created');
    expect((await gw.admin.get('cli-1')).name).toBe('From CLI');
    const bad = await cli('add', '--type', 'simulated', '--name', 'Bad', '--set', 'delivery=webhook');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('settings.webhookSecret');
    const noKey = await runCli(['providers', 'list'], { stdout: () => {}, stderr: () => {}, env: {} });
    expect(noKey).toBe(2);
  });
});
