import { createHmac, randomBytes } from 'node:crypto';
import { request } from 'undici';
import type { FakeConversation } from './model';

/** How the fake Open Messaging integration talks to the outbound webhook. */

/** `X-Hub-Signature-256` as Genesys computes it: base64 HMAC-SHA256 of the body. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('base64')}`;
}

/** A normalized outbound message of this conversation (`ConversationNormalizedMessage`). */
export function outboundMessage(c: FakeConversation, fields: Record<string, unknown>): Record<string, unknown> {
  const id = randomBytes(16).toString('hex');
  return {
    id,
    channel: {
      id: c.integrationId,
      platform: 'Open',
      type: 'Private',
      messageId: id,
      to: { id: c.customerId, idType: 'Opaque' },
      from: { nickname: 'Acme Open Messaging', id: c.integrationId, idType: 'Opaque' },
      time: new Date().toISOString(),
    },
    conversationId: c.id,
    direction: 'Outbound',
    ...fields,
  };
}

/**
 * Genesys' delivery policy: a POST with a 10 s timeout, redelivered up to 5 times (fixed delay) on a
 * timeout, 429 or 5xx. Each attempt is recorded; resolves with the last status.
 */
export async function deliverWithRetries(
  target: { url: string; secret: string },
  raw: string,
  options: {
    retryDelayMs: number;
    sleep(ms: number): Promise<void>;
    record(attempt: { body: string; status: number | 'error' }): void;
  },
): Promise<number | 'error'> {
  let status: number | 'error' = 'error';
  for (let attempt = 0; attempt <= 5; attempt++) {
    if (attempt > 0) await options.sleep(options.retryDelayMs);
    try {
      const res = await request(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hub-signature-256': signBody(target.secret, raw) },
        body: raw,
        signal: AbortSignal.timeout(10_000),
      });
      await res.body.dump();
      status = res.statusCode;
    } catch {
      status = 'error';
    }
    options.record({ body: raw, status });
    if (status !== 'error' && status !== 429 && status < 500) return status;
  }
  return status;
}
