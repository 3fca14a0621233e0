import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HandoverTimeoutError, RateLimitError, VendorApiError, VendorAuthError } from 'handover-kit';
import { HttpClient } from 'handover-kit/connector-utils';
import { createFakeClock } from 'handover-kit/testing';

type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void;
let close: (() => Promise<void>) | undefined;
afterEach(async () => close?.());

async function serve(handler: Handler) {
  let n = 0;
  const seen: Array<{ method: string; url: string; auth?: string }> = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method!, url: req.url!, auth: req.headers.authorization });
    handler(req, res, ++n);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  close = () =>
    new Promise<void>((r) => {
      server.closeAllConnections();
      server.close(() => r());
    });
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const json = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) =>
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));

describe('HttpClient', () => {
  it('retries an idempotent call on 429, waiting as long as Retry-After says (on the given clock)', async () => {
    const { url, seen } = await serve((_, res, n) =>
      n === 1 ? json(res, 429, { message: 'slow down' }, { 'retry-after': '2' }) : json(res, 200, { ok: true }),
    );
    const clock = createFakeClock();
    const client = new HttpClient({ vendor: 'acme', baseUrl: url, clock });
    const pending = client.send({ method: 'GET', path: '/thing', operation: 'get thing' });
    // Poll for the first attempt (not a fixed sleep: the machine may be busy).
    for (let i = 0; i < 500 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 20));
    expect(seen).toHaveLength(1);
    await clock.advance(1999);
    expect(seen).toHaveLength(1);
    await clock.advance(1);
    expect((await pending).body).toEqual({ ok: true });
    expect(seen).toHaveLength(2);
    await client.close();
  });

  it('never retries a POST, nor a call marked retry: false', async () => {
    const { url, seen } = await serve((_, res) => json(res, 503, { message: 'down' }));
    const client = new HttpClient({ vendor: 'acme', baseUrl: url, retry: { baseDelayMs: 1 } });
    const post = await client.send({ method: 'POST', path: '/x', json: {}, operation: 'create' }).catch((e) => e);
    expect(VendorApiError.isInstance(post) && post.status === 503 && post.isRetryable).toBe(true);
    await client.send({ method: 'GET', path: '/poll', operation: 'poll', retry: false }).catch(() => {});
    expect(seen.map((s) => s.method)).toEqual(['POST', 'GET']);
    await client.send({ method: 'GET', path: '/x', operation: 'read' }).catch(() => {});
    expect(seen).toHaveLength(5); // 3 attempts for an idempotent read
    await client.close();
  });

  it('on a 401 hands the refused headers to onUnauthorized and repeats once with fresh ones', async () => {
    const { url, seen } = await serve((req, res) =>
      req.headers.authorization === 'Bearer new' ? json(res, 200, {}) : json(res, 401, { message: 'expired' }),
    );
    let token = 'old';
    let fresh = 'new';
    const refused: string[] = [];
    const client = new HttpClient({
      vendor: 'acme',
      baseUrl: url,
      headers: () => ({ authorization: `Bearer ${token}` }),
      onUnauthorized: async (headers) => {
        refused.push(headers.authorization!);
        token = fresh;
        return true;
      },
    });
    await client.send({ method: 'POST', path: '/m', json: {}, operation: 'send' });
    expect(refused).toEqual(['Bearer old']);
    expect(seen.map((s) => s.auth)).toEqual(['Bearer old', 'Bearer new']);
    token = 'revoked';
    fresh = 'still-revoked';
    const error = await client.send({ method: 'POST', path: '/m', json: {}, operation: 'send' }).catch((e) => e);
    expect(VendorAuthError.isInstance(error)).toBe(true); // the repeat failed too: no loop
    await client.close();
  });

  it('keeps the vendor request id from the first header present, and the Retry-After', async () => {
    const { url } = await serve((_, res) =>
      json(
        res,
        429,
        { message: 'too many', code: 'too.many.requests' },
        { 'genesys-correlation-id': 'corr-9', 'retry-after': '7' },
      ),
    );
    const client = new HttpClient({
      vendor: 'genesys',
      baseUrl: url,
      requestIdHeader: ['inin-correlation-id', 'genesys-correlation-id'],
    });
    const e = await client.send({ method: 'POST', path: '/x', json: {}, operation: 'send' }).catch((x) => x);
    expect(RateLimitError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({
      vendorRequestId: 'corr-9',
      retryAfterMs: 7000,
      details: { vendorCode: 'too.many.requests' },
    });
    await client.close();
  });

  it('turns a slow answer into a timeout, and a refused connection into a retryable vendor error', async () => {
    const { url } = await serve(() => {}); // never answers
    const slow = new HttpClient({ vendor: 'acme', baseUrl: url, timeoutMs: 50 });
    const t = await slow.send({ method: 'POST', path: '/x', json: {}, operation: 'start' }).catch((x) => x);
    expect(HandoverTimeoutError.isInstance(t)).toBe(true);
    await slow.close();
    const dead = new HttpClient({ vendor: 'acme', baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000 });
    const d = await dead.send({ method: 'POST', path: '/x', json: {}, operation: 'start' }).catch((x) => x);
    expect(VendorApiError.isInstance(d) && d.isRetryable && d.status === undefined).toBe(true);
    await dead.close();
  });
  it('parses JSON answers and keeps any other answer as text (no parse tried where JSON cannot start)', async () => {
    const answers = ['ok', ' {"a":[1]}', 'true', '"quoted"', 'not json', '<html>busy</html>'];
    const { url } = await serve((_, res, n) => res.writeHead(200).end(answers[n - 1]));
    const client = new HttpClient({ vendor: 'acme', baseUrl: url });
    const bodies: unknown[] = [];
    for (const _ of answers) bodies.push((await client.send({ method: 'GET', path: '/a', operation: 'read' })).body);
    expect(bodies).toEqual(['ok', { a: [1] }, true, 'quoted', 'not json', '<html>busy</html>']);
    await client.close();
  });
});
