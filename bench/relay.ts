/**
 * The fair floor for the gateway: a minimal hand-written relay. node:http in, the same signature
 * check as the gateway's provider (the simulated center's HMAC), a map lookup from the vendor's
 * conversation to the Cognigy session, one undici request out (Cognigy notify), then 200. Nothing
 * else: no queue, no dedupe, no store, no ordering guarantees, nothing survives a crash.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Pool } from 'undici';
import { systemClock } from '../src';
import { createSimulatedWebhook } from '../connectors/simulated';

export interface RelaySession {
  URLToken: string;
  userId: string;
  sessionId: string;
}

export async function startRelay(options: {
  secret: string;
  cognigyUrl: string;
  apiKey: string;
  sessions: Map<string, RelaySession>;
}) {
  const webhook = createSimulatedWebhook(options.secret, systemClock);
  const pool = new Pool(options.cognigyUrl, { connections: 64, keepAliveTimeout: 30_000 });
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': options.apiKey };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks);
      try {
        webhook.verify({ method: 'POST', url: req.url ?? '', headers: req.headers, rawBody, receivedAt: Date.now() });
      } catch {
        res.writeHead(401).end();
        return;
      }
      const events = (
        JSON.parse(rawBody.toString('utf8')) as { events: Array<{ conversationId: string; text?: string }> }
      ).events;
      Promise.all(
        events.map(async (event) => {
          const session = options.sessions.get(event.conversationId);
          if (!session) return;
          const body = JSON.stringify({ ...session, text: event.text ?? '', data: {} });
          const out = await pool.request({ path: '/new/v2.0/endpoint/notify', method: 'POST', headers, body });
          await out.body.dump();
        }),
      ).then(
        () => res.writeHead(200, { 'content-type': 'application/json' }).end(`{"received":${events.length}}`),
        () => res.writeHead(502).end(),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      await new Promise((r) => server.close(r));
      await pool.close();
    },
  };
}
