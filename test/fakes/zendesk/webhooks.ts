import { request } from 'undici';
import { newHexId } from './http';

/**
 * Webhooks the way Sunshine Conversations sends them: a v2 envelope `{ app, webhook, events[] }`
 * POSTed with the webhook's shared secret in `X-API-Key`, one delivery after the other.
 */

export interface WebhookEvent {
  id: string;
  type: string;
  createdAt: string;
  payload: Record<string, unknown>;
}

export interface Delivery {
  body: string;
  headers: Record<string, string>;
  status?: number;
  error?: string;
}

export function webhookEvent(type: string, payload: Record<string, unknown>, at = new Date()): WebhookEvent {
  return { id: newHexId(), type, createdAt: at.toISOString(), payload };
}

export function envelope(appId: string, webhookId: string, events: WebhookEvent[]): string {
  return JSON.stringify({ app: { id: appId }, webhook: { id: webhookId, version: 'v2' }, events });
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  url: string | undefined;
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly appId: string,
    private readonly webhookId: string,
    private readonly secret: string,
  ) {}

  /** Queues one POST with these events (nothing when no URL is set). */
  send(events: WebhookEvent[]): Promise<void> {
    const url = this.url;
    if (!url || events.length === 0) return this.chain;
    const delivery: Delivery = {
      body: envelope(this.appId, this.webhookId, events),
      headers: { 'content-type': 'application/json', 'x-api-key': this.secret },
    };
    this.deliveries.push(delivery);
    this.chain = this.chain.then(() => this.post(url, delivery));
    return this.chain;
  }

  /** Sends an earlier delivery again, byte for byte (a retry after a timeout). */
  redeliver(index: number): Promise<void> {
    const delivery = this.deliveries[index];
    if (!delivery || !this.url) return this.chain;
    const url = this.url;
    this.chain = this.chain.then(() => this.post(url, delivery));
    return this.chain;
  }

  /** Resolves when every queued delivery has been answered. */
  idle(): Promise<void> {
    return this.chain;
  }

  private async post(url: string, delivery: Delivery): Promise<void> {
    try {
      const res = await request(url, {
        method: 'POST',
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(5000),
      });
      await res.body.dump();
      delivery.status = res.statusCode;
    } catch (error) {
      delivery.error = (error as Error).message;
    }
  }
}
