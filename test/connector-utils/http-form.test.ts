import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from 'handover-kit/connector-utils';

describe('HttpClient form and serialised bodies', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  /** A server that remembers the last request's content type and body, and a client for it. */
  async function recordingServer(answer: string) {
    let last = '';
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c));
      req.on('end', () => {
        last = `${req.headers['content-type']}|${raw}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end(answer);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const http = new HttpClient({
      vendor: 'test',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    closers.push(() => http.close());
    return { http, seen: () => last };
  }

  it('repeats the key for an array value (Twilio list parameters) and keeps single values', async () => {
    const { http, seen } = await recordingServer('{}');
    await http.send({
      method: 'POST',
      path: '/x',
      operation: 'form',
      form: { Target: 'webhook', 'Configuration.Filters': ['a', 'b c'] },
    });
    expect(seen()).toBe(
      'application/x-www-form-urlencoded|Target=webhook&Configuration.Filters=a&Configuration.Filters=b+c',
    );
  });
  it('encodes every character as URLSearchParams does (ASCII, UTF-8, a lone surrogate)', async () => {
    const { http, seen } = await recordingServer('{}');
    const ascii = Array.from({ length: 128 }, (_, c) => String.fromCharCode(c)).join('');
    const form = {
      [ascii]: ascii,
      plain: 'hk-user_1.*',
      Attributes: JSON.stringify({ id: "it's (ok)!~" }),
      text: 'héllo 😀 wörld',
      broken: 'a\uD800b',
      list: ['x y', '', '&='],
    };
    const pairs = Object.entries(form).flatMap(([k, v]) => (typeof v === 'string' ? [[k, v]] : v.map((x) => [k, x])));
    await http.send({ method: 'POST', path: '/x', operation: 'form', form });
    expect(seen()).toBe(`application/x-www-form-urlencoded|${new URLSearchParams(pairs).toString()}`);
  });
  it('sends a serialised JSON body (jsonText) byte for byte, as JSON', async () => {
    const { http, seen } = await recordingServer('{"ok":true}');
    // Spacing JSON.stringify would not produce: the text is not re-serialised.
    const text = '{ "b": 1,  "a": "é" }';
    const res = await http.send({ method: 'POST', path: '/x', operation: 'signed', jsonText: text });
    expect(seen()).toBe(`application/json|${text}`);
    expect(res.body).toEqual({ ok: true });
  });
});
