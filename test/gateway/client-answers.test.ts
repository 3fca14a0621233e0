import { Agent as HttpAgent, createServer, type Server } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoverConfigError, HandoverError, UnknownProviderError, createGatewayClient } from 'handover-kit';

/**
 * How the gateway client reads what the gateway sends back: JSON in one chunk or in many, typed errors,
 * answers that are not JSON, a gateway that is not there; and the settings it refuses up front.
 */
describe('gateway client answers', () => {
  let server: Server;
  let url = '';
  const session = { userId: 'u', sessionId: 's' };
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const route = req.url ?? '';
        if (route.endsWith('/availability')) {
          // A big answer written in many pieces: it arrives in several chunks.
          const warnings = Array.from({ length: 400 }, (_, i) => ({ type: 'other', message: `w${i}`.repeat(50) }));
          const text = JSON.stringify({ available: true, warnings });
          res.setHeader('content-type', 'application/json');
          for (let i = 0; i < text.length; i += 1000) res.write(text.slice(i, i + 1000));
          res.end();
        } else if (route.endsWith('/start')) {
          const error = new UnknownProviderError('vip').toJSON();
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error }));
        } else if (route.endsWith('/close')) res.writeHead(502).end('<html>bad gateway</html>');
        else if (route.endsWith('/inactivity')) res.writeHead(200).end('not json');
        else res.setHeader('content-type', 'application/json').end('{"handover":null}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix/`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('reads an answer that arrives in many chunks whole', async () => {
    const client = createGatewayClient({ url, apiKey: 'k' });
    const outcome = await client.checkAvailability({ providerId: 'p', session } as never);
    expect(outcome).toMatchObject({ available: true });
    expect((outcome as { warnings: unknown[] }).warnings).toHaveLength(400);
    await client.close();
  });

  it("gives the gateway's typed error back as the same typed error", async () => {
    const client = createGatewayClient({ url, apiKey: 'k' });
    const error = await client.startHandover({ providerId: 'vip', session }).catch((e: unknown) => e);
    expect(UnknownProviderError.isInstance(error)).toBe(true);
    expect((error as UnknownProviderError).providerId).toBe('vip');
    await client.close();
  });

  it('an error status without JSON is a retryable internal error (5xx); a 200 that is not JSON is an error too', async () => {
    const client = createGatewayClient({ url, apiKey: 'k' });
    const bad = (await client.closeHandover({ session } as never).catch((e: unknown) => e)) as HandoverError;
    expect(bad).toMatchObject({ code: 'internal', isRetryable: true, details: { path: '/v1/handover/close' } });
    expect(bad.message).toContain('502');
    const garbled = (await client.setInactivity({ session } as never).catch((e: unknown) => e)) as HandoverError;
    expect(garbled).toMatchObject({ code: 'internal', details: { status: 200 } });
    expect(garbled.message).toContain('not JSON');
    await client.close();
  });

  it('a gateway that is not listening is a retryable internal error naming the cause', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const client = createGatewayClient({ url: `http://127.0.0.1:${port}`, apiKey: 'k' });
    const error = (await client.getHandover({ session }).catch((e: unknown) => e)) as HandoverError;
    expect(HandoverError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'internal', isRetryable: true });
    expect(error.message).toContain('ECONNREFUSED');
    await client.close();
  });

  it('a key node:http cannot send as a header fails the call with a typed error, not a thrown TypeError', async () => {
    const client = createGatewayClient({ url, apiKey: 'key\nwith a line break' });
    const error = (await client.getHandover({ session }).catch((e: unknown) => e)) as HandoverError;
    expect(HandoverError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ code: 'internal', details: { path: '/v1/handover/get' } });
    expect(error.message).toContain('ERR_INVALID_CHAR');
    await client.close();
  });

  it('refuses a URL that is not http(s) and a timeout that is not a whole number of ms, when it is made', () => {
    expect(() => createGatewayClient({ url: 'ftp://gateway.example', apiKey: 'k' })).toThrow(HandoverConfigError);
    for (const timeoutMs of [0, -1, 1.5, Number.NaN, 2 ** 31])
      expect(() => createGatewayClient({ url: 'http://gateway.example', apiKey: 'k', timeoutMs })).toThrow(
        HandoverConfigError,
      );
  });

  it('an agent for the other protocol fails each call as a misconfiguration, not as an outage', async () => {
    const agent = new HttpsAgent();
    const client = createGatewayClient({ url, apiKey: 'k', agent });
    const error = await client.getHandover({ session }).catch((e: unknown) => e);
    expect(HandoverConfigError.isInstance(error)).toBe(true);
    expect((error as HandoverConfigError).field).toBe('agent');
    await client.close();
    agent.destroy();
  });

  it('resends once when a kept-alive socket turns out closed as it is reused', async () => {
    // Answers the first request on a connection; a later one on the same connection finds it closed.
    const served = new WeakSet<object>();
    const flaky = createServer((req, res) => {
      if (served.has(req.socket)) return req.socket.destroy();
      served.add(req.socket);
      req.resume();
      req.on('end', () => res.setHeader('content-type', 'application/json').end('{"handover":null}'));
    });
    await new Promise<void>((r) => flaky.listen(0, '127.0.0.1', r));
    const client = createGatewayClient({
      url: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`,
      apiKey: 'k',
    });
    await expect(client.getHandover({ session })).resolves.toBeNull();
    await expect(client.getHandover({ session })).resolves.toBeNull(); // reused socket reset, resent on a new one
    expect(client.requestCount).toBe(3);
    await client.close();
    flaky.closeAllConnections();
    await new Promise((r) => flaky.close(r));
  });

  it("its own agent closes an idle kept-alive socket before the gateway's keep-alive timeout (5 s)", async () => {
    let open = 0;
    const counting = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.setHeader('content-type', 'application/json').end('{"handover":null}'));
    });
    counting.keepAliveTimeout = 60_000; // the server would keep it: the client closes it
    counting.on('connection', (socket) => {
      open++;
      socket.on('close', () => open--);
    });
    await new Promise<void>((r) => counting.listen(0, '127.0.0.1', r));
    const client = createGatewayClient({
      url: `http://127.0.0.1:${(counting.address() as AddressInfo).port}`,
      apiKey: 'k',
    });
    await expect(client.getHandover({ session })).resolves.toBeNull();
    expect(open).toBe(1);
    // Polled (bounded): the socket goes after about 4 s idle.
    for (let i = 0; i < 100 && open > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(open).toBe(0);
    await client.close();
    await new Promise((r) => counting.close(r));
  }, 15_000);

  it('works with an agent that tells its protocol only while a request is made (as proxy agents do)', async () => {
    const agent = new HttpAgent({ keepAlive: true });
    // agent-base (https-proxy-agent, proxy-agent) reads the call stack: outside a request it cannot tell.
    Object.defineProperty(agent, 'protocol', {
      get: () => (new Error().stack?.includes('ClientRequest') ? 'http:' : 'https:'),
    });
    const client = createGatewayClient({ url, apiKey: 'k', agent });
    await expect(client.getHandover({ session })).resolves.toBeNull();
    await client.close();
    agent.destroy();
  });

  it('reaches a gateway at an IPv6 address', async (context) => {
    const server6 = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.setHeader('content-type', 'application/json').end('{"handover":null}'));
    });
    const listening = await new Promise<boolean>((r) => {
      server6.once('error', () => r(false)).listen(0, '::1', () => r(true));
    });
    if (!listening) return context.skip(); // a host without IPv6 loopback
    const client = createGatewayClient({ url: `http://[::1]:${(server6.address() as AddressInfo).port}`, apiKey: 'k' });
    await expect(client.getHandover({ session })).resolves.toBeNull();
    await client.close();
    await new Promise((r) => server6.close(r));
  });
});
