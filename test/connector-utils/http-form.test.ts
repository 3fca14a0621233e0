import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { HttpClient } from 'handover-kit/connector-utils';

describe('HttpClient form and serialised bodies', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });

  it('repeats the key for an array value (Twilio list parameters) and keeps single values', async () => {
    let seen = '';
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c));
      req.on('end', () => {
        seen = `${req.headers['content-type']}|${raw}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const http = new HttpClient({
      vendor: 'test',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    closers.push(() => http.close());
    await http.send({
      method: 'POST',
      path: '/x',
      operation: 'form',
      form: { Target: 'webhook', 'Configuration.Filters': ['a', 'b c'] },
    });
    expect(seen).toBe(
      'application/x-www-form-urlencoded|Target=webhook&Configuration.Filters=a&Configuration.Filters=b+c',
    );
  });
  it('sends a serialised JSON body (jsonText) byte for byte, as JSON', async () => {
    let seen = '';
    const server = createServer((req, res) => {
      let raw = '';
      req.on('data', (c: Buffer) => (raw += c));
      req.on('end', () => {
        seen = `${req.headers['content-type']}|${raw}`;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    closers.push(() => new Promise((resolve) => server.close(() => resolve())));
    const http = new HttpClient({
      vendor: 'test',
      baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    });
    closers.push(() => http.close());
    // Spacing JSON.stringify would not produce: the text is not re-serialised.
    const text = '{ "b": 1,  "a": "é" }';
    const res = await http.send({ method: 'POST', path: '/x', operation: 'signed', jsonText: text });
    expect(seen).toBe(`application/json|${text}`);
    expect(res.body).toEqual({ ok: true });
  });
});
