import { createHmac, randomUUID } from 'node:crypto';
import { request } from 'undici';

export interface WebhookTarget {
  url: string;
  /** When set, deliveries are signed (Chatwoot ≥ 4.13 API inbox); otherwise sent unsigned (older builds, Live Agent). */
  secret?: string;
}

export interface WebhookDelivery {
  event: string;
  deliveryId: string;
  status?: number;
  error?: string;
  headers: Record<string, string>;
  body: string;
}

/** Headers exactly as `Webhooks::Trigger#request_headers` builds them. */
export function chatwootWebhookHeaders(
  body: string,
  deliveryId: string | undefined,
  secret: string | undefined,
  nowSeconds: number,
): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (deliveryId) headers['x-chatwoot-delivery'] = deliveryId;
  if (secret) {
    const ts = String(nowSeconds);
    headers['x-chatwoot-timestamp'] = ts;
    headers['x-chatwoot-signature'] = `sha256=${createHmac('sha256', secret).update(`${ts}.${body}`).digest('hex')}`;
  }
  return headers;
}

/**
 * Delivers events the way Chatwoot's WebhookJob does for an API inbox: one POST per event, 5 s
 * timeout, no retry, a fresh delivery UUID each. Deliveries run one after another so tests see
 * them in the order they happened; `settled()` waits for the queue to drain.
 */
export class WebhookSender {
  readonly deliveries: WebhookDelivery[] = [];
  target?: WebhookTarget;
  private chain: Promise<void> = Promise.resolve();

  constructor(private readonly nowMs: () => number) {}

  /** `payload` is built only when a webhook target is set. */
  send(event: string, payload: () => Record<string, unknown>): void {
    const target = this.target;
    if (!target) return;
    const body = JSON.stringify({ ...payload(), event });
    const deliveryId = randomUUID();
    const headers = chatwootWebhookHeaders(body, deliveryId, target.secret, Math.floor(this.nowMs() / 1000));
    const delivery: WebhookDelivery = { event, deliveryId, headers, body };
    this.deliveries.push(delivery);
    this.chain = this.chain.then(async () => {
      try {
        const res = await request(target.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(5000) });
        await res.body.dump();
        delivery.status = res.statusCode;
      } catch (error) {
        delivery.error = (error as Error).message;
      }
    });
  }

  settled(): Promise<void> {
    return this.chain;
  }
}
