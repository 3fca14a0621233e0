import { Agent, createServer, request, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HandoverTimeoutError, createGatewayClient } from 'handover-kit';

/**
 * The gateway client's deadline: a gateway that takes a request and never answers — or answers too
 * slowly, a byte at a time — fails the call with a typed, retryable timeout, on the client's own agent
 * and on a user's. The client's deadline is short, not the test's wait.
 */
describe('gateway client deadline', () => {
  let server: Server;
  let url = '';
  const held: IncomingMessage[] = [];
  beforeAll(async () => {
    // Answers /get at once, trickles /close a byte at a time for ever, holds everything else open.
    server = createServer((req, res) => {
      if (req.url?.endsWith('/v1/handover/close')) {
        res.writeHead(200, { 'content-type': 'application/json' }).write('{');
        const trickle = setInterval(() => (res.destroyed ? clearInterval(trickle) : res.write(' ')), 20);
        res.on('close', () => clearInterval(trickle));
        return;
      }
      if (req.url?.endsWith('/v1/handover/get')) {
        req.resume();
        req.on('end', () => res.setHeader('content-type', 'application/json').end('{"handover":null}'));
        return;
      }
      held.push(req);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('the deadline is for the whole call: an answer that keeps trickling still times out', async () => {
    const client = createGatewayClient({ url, apiKey: 'k', timeoutMs: 150 });
    const error = await client.closeHandover({ session: { userId: 'u', sessionId: 's' } } as never).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(HandoverTimeoutError.isInstance(error)).toBe(true);
    await client.close();
  });

  it('a call still waiting for a socket times out too', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    // Other traffic on the same agent holds its one socket (the server never answers it).
    const other = request(`${url}/other`, { method: 'POST', agent }).on('error', () => {});
    other.end();
    const client = createGatewayClient({ url, apiKey: 'k', timeoutMs: 150, agent });
    const queued = await client
      .sendUserMessage({ session: { userId: 'u', sessionId: 's' }, text: 'hi' })
      .catch((e: unknown) => e);
    expect(HandoverTimeoutError.isInstance(queued)).toBe(true);
    await client.close();
    agent.destroy();
  });

  it('a call in flight when the client is closed keeps its deadline', async () => {
    const agent = new Agent({ keepAlive: true });
    const client = createGatewayClient({ url, apiKey: 'k', timeoutMs: 150, agent });
    const held = client
      .sendUserMessage({ session: { userId: 'u', sessionId: 's' }, text: 'hi' })
      .catch((e: unknown) => e);
    await client.close(); // a user's agent stays open
    expect(HandoverTimeoutError.isInstance(await held)).toBe(true);
    agent.destroy();
  });

  const agents: Array<[string, () => Agent | undefined]> = [
    ['its own agent', () => undefined],
    ['a user agent without a timeout', () => new Agent({ keepAlive: true })],
    ['a user agent with the same timeout', () => new Agent({ keepAlive: true, timeout: 150 })],
  ];
  for (const [name, agentOf] of agents) {
    it(`${name}: a held request fails with HandoverTimeoutError; a kept socket still answers`, async () => {
      const agent = agentOf();
      const client = createGatewayClient({ url, apiKey: 'k', timeoutMs: 150, ...(agent ? { agent } : {}) });
      // A call that is answered first, so the timed-out request may run on a socket reused from the pool.
      await expect(client.getHandover({ session: { userId: 'u', sessionId: 's' } })).resolves.toBeNull();
      const error = await client.sendUserMessage({ session: { userId: 'u', sessionId: 's' }, text: 'hi' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(HandoverTimeoutError.isInstance(error)).toBe(true);
      expect((error as HandoverTimeoutError).isRetryable).toBe(true);
      // The next call works (a fresh socket replaces the destroyed one).
      await expect(client.getHandover({ session: { userId: 'u', sessionId: 's' } })).resolves.toBeNull();
      await client.close();
      agent?.destroy();
    });
  }
});
