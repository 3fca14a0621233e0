import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { HandoverTimeoutError } from 'handover-kit';
import { HttpClient } from 'handover-kit/connector-utils';

/** The client builds request targets without the URL parser on the common path: it must agree with it. */
describe('HttpClient request targets', () => {
  it('sends the path and query that new URL(path, base + "/") and URLSearchParams would give', async () => {
    const seen: string[] = [];
    const server = createServer((req, res) => {
      seen.push(req.url!);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cases: Array<{ base: string; path: string; query?: Record<string, string | number | boolean | undefined> }> =
      [
        { base: origin, path: '/api/v2/x' },
        { base: `${origin}/api/v1`, path: 'conversations/abc' },
        { base: `${origin}/api/v1/`, path: 'conversations/abc' },
        { base: `${origin}/api/v1`, path: '/absolute' },
        { base: `${origin}/api/v1`, path: 'a/./b/../c' },
        { base: `${origin}/api/v1`, path: '../up' },
        { base: `${origin}/api`, path: 'file.json' },
        { base: `${origin}/api`, path: 'with space/é' },
        { base: `${origin}/api`, path: 'x?keep=1', query: { add: 'y' } },
        { base: origin, path: '/q', query: { a: 'b c', b: "!'()~*-._", c: 'ä&=+/', n: 3, t: true, u: undefined } },
      ];
    const client = new HttpClient({ vendor: 'acme', baseUrl: origin });
    try {
      for (const c of cases) {
        await client.send({
          method: 'GET',
          path: c.path,
          query: c.query,
          baseUrl: c.base,
          operation: 'probe',
          retry: false,
        });
        const url = new URL(c.path, c.base.replace(/\/?$/, '/'));
        for (const [k, v] of Object.entries(c.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
        expect(seen.at(-1), `${c.base} + ${c.path}`).toBe(url.pathname + url.search);
      }
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('HttpClient deadlines', () => {
  it("ends a call with a typed timeout when the vendor never answers, or when the caller's signal aborts", async () => {
    const server = createServer(() => {}); // accepts, never answers
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new HttpClient({ vendor: 'acme', baseUrl: origin, timeoutMs: 100 });
    try {
      const timedOut = await client
        .send({ method: 'POST', path: '/slow', json: {}, operation: 'slow call' })
        .catch((e) => e);
      expect(HandoverTimeoutError.isInstance(timedOut) && /timed out after 100 ms/.test(timedOut.message)).toBe(true);
      const patient = new HttpClient({ vendor: 'acme', baseUrl: origin, timeoutMs: 60_000 });
      const controller = new AbortController();
      const pending = patient
        .send({ method: 'POST', path: '/slow', json: {}, operation: 'slow call', signal: controller.signal })
        .catch((e) => e);
      controller.abort();
      const aborted = await pending;
      expect(HandoverTimeoutError.isInstance(aborted) && /was aborted/.test(aborted.message)).toBe(true);
      await patient.close();
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('times out each call in flight at its own deadline; answered calls in between are unaffected', async () => {
    const slowSeen: string[] = [];
    const server = createServer((req, res) => {
      if (req.url === '/fast') res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      else slowSeen.push(req.url!); // never answered
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = new HttpClient({ vendor: 'acme', baseUrl: origin, timeoutMs: 300 });
    const slow = (path: string) => {
      const call = { settled: false, result: undefined as unknown };
      const promise = client.send({ method: 'POST', path, json: {}, operation: path }).then(
        (r) => r,
        (e: unknown) => e,
      );
      void promise.then((r) => Object.assign(call, { settled: true, result: r }));
      return { call, promise };
    };
    const seen = async (n: number) => {
      for (let i = 0; i < 200 && slowSeen.length < n; i++) await new Promise((r) => setTimeout(r, 5));
    };
    try {
      const first = slow('/first');
      await seen(1);
      await new Promise((r) => setTimeout(r, 150)); // the second starts half a timeout later
      const second = slow('/second');
      await seen(2);
      expect((await client.send({ method: 'GET', path: '/fast', operation: 'fast' })).body).toEqual({ ok: true });
      const firstError = await first.promise;
      expect(HandoverTimeoutError.isInstance(firstError) && /\/first timed out/.test(firstError.message)).toBe(true);
      expect(second.call.settled).toBe(false); // its own deadline is later
      const secondError = await second.promise;
      expect(HandoverTimeoutError.isInstance(secondError) && /\/second timed out/.test(secondError.message)).toBe(true);
      // Nothing in flight, then a new call: its deadline is kept as well.
      const third = await slow('/third').promise;
      expect(HandoverTimeoutError.isInstance(third)).toBe(true);
    } finally {
      await client.close();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
