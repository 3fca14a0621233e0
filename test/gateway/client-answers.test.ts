import { Agent as HttpAgent, createServer, type Server } from 'node:http';
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

  it('reaches a gateway at an IPv6 address', async () => {
    const server6 = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.setHeader('content-type', 'application/json').end('{"handover":null}'));
    });
    await new Promise<void>((r) => server6.listen(0, '::1', r));
    const client = createGatewayClient({ url: `http://[::1]:${(server6.address() as AddressInfo).port}`, apiKey: 'k' });
    await expect(client.getHandover({ session })).resolves.toBeNull();
    await client.close();
    await new Promise((r) => server6.close(r));
  });
});
