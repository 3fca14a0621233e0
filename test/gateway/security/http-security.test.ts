import { z } from 'zod';
import { request as httpRequest } from 'node:http';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectorDefinitionV1, HandoverConnectorV1 } from 'handover-kit';
import {
  HandoverError,
  SPECIFICATION_VERSION,
  defineCapabilities,
  defineConnector,
  secret,
} from 'handover-kit/contract';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';
import {
  ADMIN_KEY,
  NODES_KEY,
  http,
  postJson,
  redisUrl,
  startTestGateway,
  uniquePrefix,
  type TestGateway,
} from '../helpers';

const ECHO_TOKEN = 'echoed-vendor-token-8675309xyz';

/** A vendor whose error messages quote the credential back. */
const echoConnector = defineConnector({
  specificationVersion: SPECIFICATION_VERSION,
  type: 'echo',
  label: 'Echoing vendor',
  settingsSchema: z.object({ apiToken: secret(z.string().min(8)) }).strict(),
  capabilities: defineCapabilities({ availability: true }),
  create(settings): HandoverConnectorV1 {
    const fail = async (): Promise<never> => {
      throw new HandoverError('vendor_error', `401 from upstream: invalid token "${settings.apiToken}"`, {
        details: { body: `token=${settings.apiToken}` },
      });
    };
    return {
      specificationVersion: SPECIFICATION_VERSION,
      type: 'echo',
      capabilities: defineCapabilities({ availability: true }),
      doCheckAvailability: fail,
      doStartHandover: fail,
      doSendMessage: fail,
      doGetStatus: fail,
      doCloseHandover: fail,
    };
  },
});

/** A POST from another loopback address (another client, as far as the gateway can tell). */
function postFrom(localAddress: string, url: string, body: string, key: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      { method: 'POST', localAddress, headers: { 'x-api-key': key, 'content-type': 'application/json' } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('gateway HTTP security', () => {
  const open: TestGateway[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((g) => g.close()));
  });
  async function start(overrides: Parameters<typeof startTestGateway>[0] = {}) {
    const gw = await startTestGateway(overrides);
    open.push(gw);
    return gw;
  }

  it('scoped keys: every route × every key scope', async () => {
    // Wrong keys on purpose, many of them: the failed-auth throttle is tested on its own below.
    const gw = await start({ overrides: { limits: { authFailureBurst: 10_000 } } });
    await gw.admin.create({ id: 'other', name: 'Other', type: 'simulated', settings: { center: 'other' } });
    const mk = async (name: string, scope: string, providers?: string[]) =>
      (
        await postJson(
          `${gw.url}/v2.0/handover/apikeys`,
          { name, scope, ...(providers ? { providers } : {}) },
          ADMIN_KEY,
        )
      ).json.key as string;
    const keys: Record<string, string | undefined> = {
      none: undefined,
      wrong: 'hk_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      envNodes: NODES_KEY,
      envAdmin: ADMIN_KEY,
      nodes: await mk('ci nodes', 'nodes'),
      admin: await mk('ci admin', 'admin'),
      adminSim: await mk('sim admin', 'admin', ['sim']),
      nodesOther: await mk('other nodes', 'nodes', ['other']),
    };
    const session = { userId: 'mx', sessionId: 'mx' };
    // [method, path, body]: bodies valid enough to pass auth; what happens next is the route's business.
    const routes: Array<[string, string, unknown?]> = [
      ['POST', '/v1/handover/availability', { providerId: 'sim' }],
      ['POST', '/v1/handover/start', { providerId: 'sim', session: { userId: 'nobody', sessionId: 'x' } }],
      ['POST', '/v1/handover/message', { session, text: 'hi' }],
      ['POST', '/v1/handover/get', { session }],
      ['POST', '/v1/handover/close', { session }],
      ['POST', '/v1/handover/inactivity', { session, seconds: 60 }],
      ['GET', '/v1/providers'],
      ['POST', '/v2.0/handover/provider', { name: 'x', type: 'nope' }],
      ['GET', '/v2.0/handover/provider/sim'],
      ['GET', '/v2.0/handover/providers'],
      ['PATCH', '/v2.0/handover/providers/sim', { name: 'Simulated' }],
      ['DELETE', '/v2.0/handover/providers/missing'],
      ['GET', '/v2.0/handover/providers/export'],
      ['POST', '/v2.0/handover/providers/import', { format: 'bad' }],
      ['GET', '/v2.0/handover/services'],
      ['POST', '/v2.0/handover/providers/sim/test'],
      ['GET', '/v2.0/handover/apikeys'],
      ['POST', '/v2.0/handover/apikeys', { name: 'bad', scope: 'root' }],
      ['DELETE', '/v2.0/handover/apikeys/000000000000'],
    ];
    const isAdminRoute = (p: string) => p.startsWith('/v2.0');
    /** 401 unknown key, 403 wrong scope, else 'ok' (anything the route itself answers). */
    const expected = (scope: string, path: string): number | 'ok' => {
      if (scope === 'none' || scope === 'wrong') return 401;
      if ((scope === 'envNodes' || scope === 'nodes' || scope === 'nodesOther') && isAdminRoute(path)) return 403;
      if (scope === 'adminSim') {
        const sim =
          /\/sim(\/test)?$/.test(path) || path === '/v2.0/handover/providers' || path === '/v2.0/handover/services';
        if (isAdminRoute(path) && !sim) return 403;
        if (path === '/v1/handover/availability' || path === '/v1/handover/start') return 'ok';
      }
      if (scope === 'nodesOther' && (path === '/v1/handover/availability' || path === '/v1/handover/start')) return 403;
      return 'ok';
    };
    const failures: string[] = [];
    let checked = 0;
    for (const [scope, key] of Object.entries(keys)) {
      for (const [method, path, body] of routes) {
        const headers: Record<string, string> = {
          ...(key ? { 'x-api-key': key } : {}),
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        };
        const r = await http(`${gw.url}${path}`, {
          method,
          headers,
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        });
        const want = expected(scope, path);
        const ok = want === 'ok' ? ![401, 403, 429].includes(r.status) && r.status < 500 : r.status === want;
        if (!ok) failures.push(`${scope} ${method} ${path}: ${r.status} (want ${want}) ${r.text.slice(0, 120)}`);
        checked++;
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBe(Object.keys(keys).length * routes.length);
    // A key limited to some providers only lists those.
    const listed = await http(`${gw.url}/v2.0/handover/providers`, { headers: { 'x-api-key': keys.adminSim! } });
    expect(listed.json.items.map((p: { id: string }) => p.id)).toEqual(['sim']);
    const nodeList = await http(`${gw.url}/v1/providers`, { headers: { 'x-api-key': keys.nodesOther! } });
    expect(nodeList.json.providers.map((p: { id: string }) => p.id)).toEqual(['other']);
  });

  it('named keys: created once, listed without secret, last use recorded, revoked at once; audit lines name the key', async () => {
    const logs: string[] = [];
    const gw = await start({ logs });
    const created = await postJson(
      `${gw.url}/v2.0/handover/apikeys`,
      { name: 'deploy bot', scope: 'admin' },
      ADMIN_KEY,
    );
    expect(created.status).toBe(201);
    const key = created.json.key as string;
    expect(key).toMatch(/^hk_[a-f0-9]{12}_/);
    const res = await postJson(
      `${gw.url}/v2.0/handover/provider`,
      { id: 'p2', name: 'P2', type: 'simulated', settings: { center: 'p2' } },
      key,
    );
    expect(res.status).toBe(201);
    const list = await http(`${gw.url}/v2.0/handover/apikeys`, { headers: { 'x-api-key': ADMIN_KEY } });
    const item = list.json.items.find((k: { name: string }) => k.name === 'deploy bot');
    expect(item).toMatchObject({ scope: 'admin', createdBy: 'env:admin' });
    expect(item.lastUsedAt).toBeGreaterThan(0);
    expect(JSON.stringify(list.json)).not.toContain(key.slice(16));
    expect(JSON.stringify(list.json)).not.toMatch(/digest/);
    const revoke = await http(`${gw.url}/v2.0/handover/apikeys/${item.id}`, {
      method: 'DELETE',
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(revoke.status).toBe(204);
    expect((await http(`${gw.url}/v2.0/handover/providers`, { headers: { 'x-api-key': key } })).status).toBe(401);
    const audit = logs.map((l) => JSON.parse(l)).filter((l) => l.msg === 'audit');
    expect(audit.map((a) => a.by)).toEqual(expect.arrayContaining(['env:admin', 'deploy bot']));
    expect(audit.find((a) => a.by === 'deploy bot')?.action).toBe('POST /v2.0/handover/provider');
    expect(audit.some((a) => a.action === 'api key revoked' && a.keyName === 'deploy bot')).toBe(true);
    expect(logs.join('\n')).not.toContain(key);
  });

  it('named keys are shared through Redis: created on one instance, used and revoked on another', async () => {
    const prefix = uniquePrefix();
    const a = await start({ redisPrefix: prefix });
    const b = await start({ redisPrefix: prefix, simProvider: false });
    const key = (await postJson(`${a.url}/v2.0/handover/apikeys`, { name: 'shared', scope: 'nodes' }, ADMIN_KEY)).json
      .key as string;
    expect((await http(`${b.url}/v1/providers`, { headers: { 'x-api-key': key } })).status).toBe(200);
    const id = key.split('_')[1]!;
    expect(
      (await http(`${b.url}/v2.0/handover/apikeys/${id}`, { method: 'DELETE', headers: { 'x-api-key': ADMIN_KEY } }))
        .status,
    ).toBe(204);
    expect((await http(`${b.url}/v1/providers`, { headers: { 'x-api-key': key } })).status).toBe(401);
    const redis = new Redis(redisUrl());
    try {
      expect(JSON.stringify(await redis.hgetall(`${prefix}apikeys`))).not.toContain(key);
    } finally {
      redis.disconnect();
    }
  });

  it('brute force: after a burst of wrong keys one address gets 429 + Retry-After, even with a right key; another address does not', async () => {
    const gw = await start({ overrides: { limits: { authFailureBurst: 20, authFailuresPerMinute: 10 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 60; i++)
      statuses.push(
        (await postJson(`${gw.url}/v1/handover/get`, { handoverId: 'x' }, `wrong-key-${i}-0000000000`)).status,
      );
    expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
    expect(statuses.slice(20)).toEqual(Array(40).fill(429));
    const blocked = await postJson(`${gw.url}/v1/handover/get`, { handoverId: 'x' }, NODES_KEY);
    expect(blocked.status).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    // The same gateway from 127.0.0.2 (another client address) is unaffected.
    expect(await postFrom('127.0.0.2', `${gw.url}/v1/handover/get`, '{"handoverId":"x"}', NODES_KEY)).toBe(200);
  });

  it('a vendor error echoing the token is stored, logged and returned redacted', async () => {
    const logs: string[] = [];
    const centers = new SimulatedCenters();
    const prefix = uniquePrefix();
    const gw = await start({
      logs,
      centers,
      redisPrefix: prefix,
      overrides: {
        connectors: [simulatedConnector({ centers }) as never, echoConnector as unknown as ConnectorDefinitionV1],
      },
    });
    await gw.admin.create({ id: 'echo', name: 'Echo', type: 'echo', settings: { apiToken: ECHO_TOKEN } });
    const tested = await http(`${gw.url}/v2.0/handover/providers/echo/test`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY },
    });
    expect(tested.status).toBe(200);
    expect(tested.json.error.message).toContain('[redacted]');
    const read = await http(`${gw.url}/v2.0/handover/provider/echo`, { headers: { 'x-api-key': ADMIN_KEY } });
    expect(read.json.lastCheck.error.message).toContain('[redacted]');
    const viaNodes = await postJson(`${gw.url}/v1/handover/availability`, { providerId: 'echo' }, NODES_KEY);
    expect(viaNodes.status).toBe(502);
    expect(viaNodes.text).toContain('[redacted]');
    const redis = new Redis(redisUrl());
    try {
      const stored = JSON.stringify(await redis.hgetall(`${prefix}provider-checks`));
      expect(stored).toContain('[redacted]');
      for (const text of [tested.text, read.text, viaNodes.text, stored, logs.join('\n')])
        expect(text).not.toContain(ECHO_TOKEN);
    } finally {
      redis.disconnect();
    }
  });

  it('webhooks: an unknown provider answers exactly like a bad signature', async () => {
    const gw = await start();
    const unknown = await http(`${gw.url}/webhooks/no-such-provider`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const badSig = await http(`${gw.url}/webhooks/sim`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(unknown.status).toBe(401);
    expect(unknown.json.error).toEqual(badSig.json.error);
    const sub = await http(`${gw.url}/webhooks/no-such-provider/token`, { method: 'GET' });
    expect(sub.status).toBe(401);
  });

  it('415 without a JSON content type; the key is checked before a malformed URL is reported', async () => {
    const gw = await start();
    const form = await http(`${gw.url}/v1/handover/get`, {
      method: 'POST',
      headers: { 'x-api-key': NODES_KEY, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'handoverId=x',
    });
    expect(form.status).toBe(415);
    const plain = await http(`${gw.url}/v2.0/handover/provider`, {
      method: 'POST',
      headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'text/plain' },
      body: '{}',
    });
    expect(plain.status).toBe(415);
    expect((await http(`${gw.url}/v2.0/handover/provider/%E0%A4%A`)).status).toBe(401);
    expect(
      (await http(`${gw.url}/v2.0/handover/provider/%E0%A4%A`, { headers: { 'x-api-key': ADMIN_KEY } })).status,
    ).toBe(400);
  });

  it('cross-site state changes are refused; every answer carries the security headers', async () => {
    const gw = await start();
    const host = new URL(gw.url).host;
    const body = JSON.stringify({ name: 'Renamed' });
    const json = { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' };
    const evil = await http(`${gw.url}/v2.0/handover/providers/sim`, {
      method: 'PATCH',
      headers: { ...json, origin: 'https://evil.example' },
      body,
    });
    expect(evil.status).toBe(403);
    const fetchSite = await http(`${gw.url}/v2.0/handover/providers/sim`, {
      method: 'PATCH',
      headers: { ...json, 'sec-fetch-site': 'cross-site' },
      body,
    });
    expect(fetchSite.status).toBe(403);
    expect((await gw.admin.get('sim')).name).toBe('Simulated');
    const same = await http(`${gw.url}/v2.0/handover/providers/sim`, {
      method: 'PATCH',
      headers: { ...json, origin: `http://${host}`, 'sec-fetch-site': 'same-origin' },
      body,
    });
    expect(same.status).toBe(200);
    for (const r of [evil, same, await http(`${gw.url}/healthz`)]) {
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.headers['referrer-policy']).toBe('no-referrer');
      expect(String(r.headers['content-security-policy'])).toContain("frame-ancestors 'none'");
    }
    // The webhook URL to paste into the vendor comes with each provider.
    expect(
      same.json.webhookUrl ?? (await http(`${gw.url}/v2.0/handover/provider/sim`, { headers: json })).json.webhookUrl,
    ).toBe(`${gw.url}/webhooks/sim`);
  });
});
