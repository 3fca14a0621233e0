import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HandoverError,
  type ConnectorWebhookV1,
  type HandoverConnectorV1,
  type HandoverEvent,
  type WebhookRequest,
} from '../contract';

/** Collects connector events and lets a test wait for one, with a deadline. */
export class EventCollector {
  readonly events: HandoverEvent[] = [];
  private waiters: Array<{ match: (e: HandoverEvent) => boolean; resolve: (e: HandoverEvent) => void }> = [];

  push(events: readonly HandoverEvent[]): void {
    for (const event of events) {
      this.events.push(event);
      this.waiters = this.waiters.filter((w) => {
        if (!w.match(event)) return true;
        w.resolve(event);
        return false;
      });
    }
  }

  /** The first event (already seen or still to come) matching `match`. */
  waitFor(match: (e: HandoverEvent) => boolean, timeoutMs = 5000, what = 'event'): Promise<HandoverEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.resolve !== done);
        reject(
          new Error(
            `Timed out after ${timeoutMs} ms waiting for ${what}; saw: ` +
              `${this.events.map((e) => e.type).join(', ') || 'nothing'}`,
          ),
        );
      }, timeoutMs);
      const done = (e: HandoverEvent) => {
        clearTimeout(timer);
        resolve(e);
      };
      this.waiters.push({ match, resolve: done });
    });
  }

  of(conversationId: string): HandoverEvent[] {
    return this.events.filter((e) => e.conversationId === conversationId);
  }
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>/webhook` */
  url: string;
  /** Requests that failed verification or parsing, with the typed error's code. */
  rejected: Array<{ code: string; message: string }>;
  close(): Promise<void>;
}

/**
 * A loopback HTTP server that verifies and parses webhooks with the connector, the way the gateway
 * does, and hands the events over. Fake vendors post to it in connector tests.
 */
export async function startWebhookReceiver(
  target: HandoverConnectorV1 | ConnectorWebhookV1,
  onEvents: (events: HandoverEvent[]) => void,
): Promise<WebhookReceiver> {
  const webhook = 'specificationVersion' in target ? target.webhook : target;
  if (!webhook) throw new Error('This connector has no webhook handler');
  const rejected: WebhookReceiver['rejected'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const request: WebhookRequest = {
        method: req.method ?? 'POST',
        url: req.url ?? '/',
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      try {
        await webhook.verify(request);
        onEvents(await webhook.parse(request));
        res.writeHead(200).end('{}');
      } catch (error) {
        const code = HandoverError.isInstance(error) ? error.code : 'internal';
        rejected.push({ code, message: (error as Error).message });
        res.writeHead(code === 'bad_signature' ? 401 : 400).end(JSON.stringify({ code }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/webhook`,
    rejected,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
