import fc from 'fast-check';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_KEY, NODES_KEY, startTestGateway, type TestGateway } from './helpers';

/**
 * Throws thousands of malformed requests at every route: bodies that are not JSON, not UTF-8, JSON of
 * the wrong shape, valid bodies with one unknown or mistyped field, oversize bodies, wrong keys,
 * unknown paths and methods. Every answer must be a 4xx with a JSON error, the process must not see an
 * unhandled rejection, and the gateway must still work afterwards.
 */
// `valid` is a well-formed body (the import one is one wrong field away: its schema ignores unknown
// top-level keys, as an export file carries `exportedAt`), the base the mutations below start from.
const BODY_ROUTES: Array<{ method: string; path: string; key: string; valid: Record<string, unknown> }> = [
  { method: 'POST', path: '/v1/handover/availability', key: NODES_KEY, valid: { providerId: 'sim' } },
  {
    method: 'POST',
    path: '/v1/handover/start',
    key: NODES_KEY,
    valid: { providerId: 'sim', session: { userId: 'fz', sessionId: 'fz' } },
  },
  {
    method: 'POST',
    path: '/v1/handover/message',
    key: NODES_KEY,
    valid: { session: { userId: 'fz', sessionId: 'fz' }, text: 'x' },
  },
  { method: 'POST', path: '/v1/handover/get', key: NODES_KEY, valid: { handoverId: 'ho_x' } },
  { method: 'POST', path: '/v1/handover/close', key: NODES_KEY, valid: { session: { userId: 'fz', sessionId: 'fz' } } },
  {
    method: 'POST',
    path: '/v1/handover/inactivity',
    key: NODES_KEY,
    valid: { session: { userId: 'fz', sessionId: 'fz' }, minutes: 1 },
  },
  { method: 'POST', path: '/v2.0/handover/provider', key: ADMIN_KEY, valid: { name: 'n', type: 'simulated' } },
  { method: 'PATCH', path: '/v2.0/handover/providers/sim', key: ADMIN_KEY, valid: { name: 'n' } },
  {
    method: 'POST',
    path: '/v2.0/handover/providers/import',
    key: ADMIN_KEY,
    valid: { format: 'handover-kit.providers', version: 1, providers: 'all of them' },
  },
  { method: 'POST', path: '/v2.0/handover/providers/nobody/test', key: ADMIN_KEY, valid: {} },
  { method: 'POST', path: '/webhooks/sim', key: '', valid: { deliveryId: 'd', events: [] } },
];
const GET_ROUTES = [
  '/v2.0/handover/provider/sim',
  '/v2.0/handover/providers',
  '/v2.0/handover/providers/export',
  '/v2.0/handover/services',
];

/** Bodies that no route accepts. */
const malformedBody = (valid: Record<string, unknown>) =>
  fc.oneof(
    fc.string({ maxLength: 200 }).filter((s) => !isJsonObject(s)),
    fc.string({ unit: 'binary', maxLength: 200 }).filter((s) => !isJsonObject(s)),
    fc
      .uint8Array({ maxLength: 300 })
      .map((bytes) => Buffer.from(bytes))
      .filter((b) => !isJsonObject(b.toString('utf8'))),
    fc
      .jsonValue({ maxDepth: 3 })
      .filter((v) => v === null || typeof v !== 'object' || Array.isArray(v))
      .map((v) => JSON.stringify(v)),
    // A valid body plus a field no schema knows (every body schema is strict, or needs `format`).
    fc
      .tuple(fc.jsonValue({ maxDepth: 2 }), fc.string({ minLength: 1, maxLength: 12 }))
      .map(([v, k]) => JSON.stringify({ ...valid, [`zz_${k}`]: v })),
    // A valid body whose first field is replaced by something of the wrong type.
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 3 })).map((v) => {
      const [first] = Object.keys(valid);
      return JSON.stringify(first ? { ...valid, [first]: v } : { zz: v });
    }),
    fc.constant('{"a":'.repeat(2000)),
    fc.constant('['.repeat(5000) + ']'.repeat(5000)),
  );

function isJsonObject(text: string): boolean {
  try {
    const v = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  } catch {
    return false;
  }
}

describe('fuzz: malformed requests at every route', () => {
  let gw: TestGateway;
  let dispatcher: Agent;
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  const statuses = new Map<number, number>();

  beforeAll(async () => {
    process.on('unhandledRejection', onRejection);
    // Thousands of bad keys from one address: the failed-auth throttle (test/gateway/security) is lifted here.
    gw = await startTestGateway({ overrides: { limits: { authFailureBurst: 1_000_000 } } });
    dispatcher = new Agent({ connections: 8, keepAliveTimeout: 10_000 });
  });
  afterAll(async () => {
    process.off('unhandledRejection', onRejection);
    await dispatcher.close();
    await gw.close();
  });

  async function send(method: string, path: string, headers: Record<string, string>, body?: string | Buffer) {
    const res = await request(`${gw.url}${path}`, { method: method as never, headers, body, dispatcher });
    const text = await res.body.text();
    statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
    return { status: res.statusCode, text };
  }

  function expect4xxJson(r: { status: number; text: string }, what: string) {
    expect(r.status, `${what}: ${r.text.slice(0, 200)}`).toBeGreaterThanOrEqual(400);
    expect(r.status, `${what}: ${r.text.slice(0, 200)}`).toBeLessThan(500);
    if (r.status !== 413 || r.text) expect(JSON.parse(r.text).error.code, what).toEqual(expect.any(String));
  }

  for (const route of BODY_ROUTES) {
    it(`${route.method} ${route.path}: 400 malformed bodies, each a 4xx`, async () => {
      const contentType = fc.constantFrom(
        'application/json',
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=latin1',
      );
      await fc.assert(
        fc.asyncProperty(malformedBody(route.valid), contentType, async (body, type) => {
          const headers: Record<string, string> = {
            'content-type': type,
            ...(route.key ? { 'x-api-key': route.key } : {}),
          };
          expect4xxJson(await send(route.method, route.path, headers, body), `${route.method} ${route.path}`);
        }),
        { numRuns: 400 },
      );
    });
  }

  it('bad keys, unknown paths and methods, oversize bodies: all 4xx', async () => {
    const anyRoute = fc.constantFrom(
      ...BODY_ROUTES.filter((r) => r.key).map((r) => [r.method, r.path] as const),
      ...GET_ROUTES.map((p) => ['GET', p] as const),
    );
    const badAuth = fc.oneof(
      fc.constant<Record<string, string>>({}),
      fc
        .string({ maxLength: 40 })
        .filter((s) => /^[\x21-\x7e]*$/.test(s) && s !== NODES_KEY && s !== ADMIN_KEY)
        .map((k) => ({ 'x-api-key': k })),
      fc
        .string({ maxLength: 40 })
        .filter((s) => /^[\x20-\x7e]*$/.test(s))
        .map((k) => ({ authorization: k })),
    );
    await fc.assert(
      fc.asyncProperty(anyRoute, badAuth, async ([method, path], headers) => {
        const r = await send(method, path, headers, method === 'GET' ? undefined : '{}');
        expect(r.status, `${method} ${path} ${JSON.stringify(headers)}`).toBe(401);
      }),
      { numRuns: 600 },
    );
    // Not `.` or `..`: a client's URL parsing drops dot segments, and `GET /` is the console's redirect (302).
    const segment = fc
      .string({ minLength: 1, maxLength: 12 })
      .filter((s) => s !== '.' && s !== '..')
      .map((s) => encodeURIComponent(s));
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'),
        fc.array(segment, { minLength: 1, maxLength: 5 }),
        async (method, parts) => {
          const r = await send(
            method,
            `/${parts.join('/')}`,
            { 'x-api-key': ADMIN_KEY },
            method === 'GET' || method === 'OPTIONS' ? undefined : 'x',
          );
          expect4xxJson(r, `${method} /${parts.join('/')}`);
        },
      ),
      { numRuns: 600 },
    );
    for (const path of ['/v1/handover/start', '/v2.0/handover/provider', '/webhooks/sim']) {
      const r = await send(
        'POST',
        path,
        { 'content-type': 'application/json', 'x-api-key': path.startsWith('/v1') ? NODES_KEY : ADMIN_KEY },
        Buffer.alloc(1_200_000, 0x7b),
      );
      expect(r.status, path).toBe(413);
    }
    expect4xxJson(await send('GET', '/webhooks/%E0%A4%A', {}), 'bad percent-encoding');
  });

  it('is still alive and correct afterwards, with no unhandled rejection', async () => {
    expect((await send('GET', '/healthz', {})).status).toBe(200);
    const ok = await send(
      'POST',
      '/v1/handover/availability',
      { 'x-api-key': NODES_KEY, 'content-type': 'application/json' },
      '{"providerId":"sim"}',
    );
    expect(ok.status).toBe(200);
    expect(rejections).toEqual([]);
    const total = [...statuses.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(5_000);
    expect([...statuses.keys()].filter((s) => s >= 500)).toEqual([]);
  });
});
