import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { BadRequestError, BadSignatureError, type WebhookRequest } from '../contract';

/** HMAC of `payload` with `secret`, hex or base64. */
export function hmac(
  algorithm: 'sha1' | 'sha256',
  secret: string,
  payload: string | Uint8Array,
  encoding: 'hex' | 'base64',
): string {
  return createHmac(algorithm, secret).update(payload).digest(encoding);
}

/** Constant-time string comparison (length leaks, content does not). */
export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  if (ab.length !== bb.length) {
    timingSafeEqual(ab, ab); // same work either way
    return false;
  }
  return timingSafeEqual(ab, bb);
}

export function headerValue(request: WebhookRequest, name: string): string | undefined {
  const v = request.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}

/** The secret webhooks are checked with; with none configured nothing can be trusted, so every request is refused. */
export function configuredSecret(secret: string | undefined, what = 'webhook secret'): string {
  if (!secret) throw new BadSignatureError(`No ${what} is configured for this provider`);
  return secret;
}

/** A header a webhook must carry (trimmed); missing or blank, the request is refused. `label` names it in the error. */
export function requiredHeader(request: WebhookRequest, name: string, label = name): string {
  const value = headerValue(request, name)?.trim();
  if (!value) throw new BadSignatureError(`Missing ${label} header`);
  return value;
}

/** A shared secret sent as is (not an HMAC), compared over digests: neither its content nor its length leaks. */
export function matchesSecret(given: string, secret: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest('hex');
  return safeEqual(digest(given), digest(secret));
}

/** Rejects a signed timestamp outside the replay window (default 5 minutes either way). */
export function assertFresh(timestampMs: number, now: number, windowMs = 5 * 60_000): void {
  if (!Number.isFinite(timestampMs)) throw new BadSignatureError('Webhook timestamp is missing or malformed');
  if (Math.abs(now - timestampMs) > windowMs)
    throw new BadSignatureError('Webhook timestamp is outside the replay window', { ageMs: now - timestampMs });
}

/** Parses a webhook body as JSON; a malformed body is a typed 400, never a crash. */
export function parseJsonBody(request: WebhookRequest): unknown {
  try {
    return JSON.parse(Buffer.from(request.rawBody).toString('utf8'));
  } catch {
    throw new BadRequestError('Webhook body is not valid JSON');
  }
}
