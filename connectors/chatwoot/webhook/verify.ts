import { BadSignatureError, type WebhookRequest } from 'handover-kit/contract';
import { assertFresh, headerValue, hmac, matchesSecret, safeEqual } from 'handover-kit/connector-utils';
import type { VerificationMode } from '../schema';

export const SIGNATURE_HEADER = 'x-chatwoot-signature';
export const TIMESTAMP_HEADER = 'x-chatwoot-timestamp';
export const DELIVERY_HEADER = 'x-chatwoot-delivery';
export const TOKEN_PARAM = 'token';

export interface VerifyOptions {
  mode: VerificationMode;
  secret: string;
  replayWindowMs: number;
  now: () => number;
}

/** `sha256=<lower-case hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, as Chatwoot signs. */
export function chatwootSignature(secret: string, timestamp: string, rawBody: Uint8Array | string): string {
  const payload = Buffer.concat([Buffer.from(`${timestamp}.`), Buffer.from(rawBody)]);
  return `sha256=${hmac('sha256', secret, payload, 'hex')}`;
}

/**
 * Verifies a webhook before anything reads it. Never accepts an unauthenticated request:
 * - `signature`: `X-Chatwoot-Signature` over the raw bytes, timestamp inside the replay window;
 * - `url-token`: the webhook URL carries `?token=<secret>` (for builds that do not sign), compared in
 *   constant time. Messages never include the expected or received secret.
 */
export function verifyChatwootWebhook(request: WebhookRequest, options: VerifyOptions): void {
  if (options.mode === 'url-token') {
    const token = tokenOf(request.url);
    if (!token) throw new BadSignatureError(`Missing ?${TOKEN_PARAM}= in the webhook URL (url-token verification)`);
    if (!matchesSecret(token, options.secret)) throw new BadSignatureError('Webhook URL token does not match');
    return;
  }
  const signature = headerValue(request, SIGNATURE_HEADER)?.trim();
  const timestamp = headerValue(request, TIMESTAMP_HEADER)?.trim();
  if (!signature || !timestamp) {
    throw new BadSignatureError(
      'Missing X-Chatwoot-Signature or X-Chatwoot-Timestamp header (does this Chatwoot build sign webhooks? If ' +
        'not, use url-token verification)',
    );
  }
  if (!/^\d{1,12}$/.test(timestamp)) throw new BadSignatureError('X-Chatwoot-Timestamp is malformed');
  const now = Number.isFinite(request.receivedAt) ? request.receivedAt : options.now();
  assertFresh(Number(timestamp) * 1000, now, options.replayWindowMs);
  if (!safeEqual(chatwootSignature(options.secret, timestamp, request.rawBody), signature.toLowerCase()))
    throw new BadSignatureError();
}

function tokenOf(url: string): string | undefined {
  try {
    return new URL(url, 'http://webhook.invalid').searchParams.get(TOKEN_PARAM) ?? undefined;
  } catch {
    return undefined;
  }
}
