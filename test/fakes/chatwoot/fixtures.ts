import { readFileSync } from 'node:fs';
import type { WebhookRequest } from 'handover-kit';
import { chatwootSignature } from 'handover-kit/connectors/chatwoot';

const dir = new URL('./fixtures/', import.meta.url);

/** A documented webhook body, byte for byte as stored. */
export function fixture(name: string): string {
  return readFileSync(new URL(`${name}.json`, dir), 'utf8');
}

export function fixtureJson(name: string): Record<string, unknown> {
  return JSON.parse(fixture(name)) as Record<string, unknown>;
}

/** A webhook request as the gateway hands it over; signed like Chatwoot when `secret` is given. */
export function webhookRequest(
  body: string | Record<string, unknown>,
  options: {
    secret?: string;
    timestamp?: number;
    delivery?: string;
    url?: string;
    headers?: Record<string, string>;
    receivedAt?: number;
  } = {},
): WebhookRequest {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  const receivedAt = options.receivedAt ?? Date.now();
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  if (options.delivery) headers['x-chatwoot-delivery'] = options.delivery;
  if (options.secret) {
    const ts = String(options.timestamp ?? Math.floor(receivedAt / 1000));
    headers['x-chatwoot-timestamp'] = ts;
    headers['x-chatwoot-signature'] = chatwootSignature(options.secret, ts, raw);
  }
  return {
    method: 'POST',
    url: options.url ?? '/webhooks/cw',
    headers: { ...headers, ...options.headers },
    rawBody: Buffer.from(raw),
    receivedAt,
  };
}
