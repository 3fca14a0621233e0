import type { IncomingMessage } from 'node:http';
import { BoundedMap } from '../../connector-utils/memory';
import { ForbiddenError, HandoverError } from '../../contract';
import { HttpStatusError } from './errors';

/**
 * Token buckets by key (a client address, a provider id): `burst` tokens, refilled at `perSecond`.
 * Bounded (least recently used keys are dropped), so a flood of distinct keys cannot grow memory.
 */
export class RateLimiter {
  private readonly buckets: BoundedMap<string, { tokens: number; at: number }>;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
    maxKeys = 10_000,
  ) {
    this.buckets = new BoundedMap(maxKeys, { now });
  }

  private bucket(key: string) {
    const t = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.burst, at: t };
    b.tokens = Math.min(this.burst, b.tokens + ((t - b.at) / 1000) * this.perSecond);
    b.at = t;
    this.buckets.set(key, b);
    return b;
  }

  /** Seconds until one token is back, when the bucket is empty; else undefined (nothing taken). */
  blockedFor(key: string): number | undefined {
    return this.wait(this.bucket(key));
  }

  private wait(b: { tokens: number }): number | undefined {
    return b.tokens >= 1 ? undefined : Math.max(1, Math.ceil((1 - b.tokens) / this.perSecond));
  }

  /** Takes a token; returns the Retry-After (seconds) when there was none. */
  take(key: string): number | undefined {
    const b = this.bucket(key);
    const wait = this.wait(b);
    if (wait === undefined) b.tokens -= 1;
    return wait;
  }
}

/** 429 with `code: rate_limited` and Retry-After (seconds), which the clients retry after. */
export function tooManyRequests(seconds: number, message: string): HandoverError {
  return new HandoverError('rate_limited', message, { details: { retryAfterMs: seconds * 1000 }, isRetryable: true });
}

/** The client's address (the socket's peer: forwarded headers are not trusted, they are easy to forge). */
export function clientAddress(req: IncomingMessage): string {
  return req.socket?.remoteAddress ?? 'unknown';
}

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Cross-site request protection for state-changing API calls. The API takes its key from a header
 * (never a cookie), so a foreign page cannot borrow a signed-in console; on top of that a browser's
 * cross-site request is refused by its `Origin` (when it is not this host) or `Sec-Fetch-Site`.
 * Non-browser clients send neither and are unaffected.
 */
export function checkSameOrigin(req: IncomingMessage): void {
  if (!STATE_CHANGING.has(req.method ?? 'GET')) return;
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site' || site === 'same-site') throw new ForbiddenError('Cross-site requests are not allowed');
  const origin = req.headers.origin;
  if (origin === undefined) return;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    throw new ForbiddenError('Cross-site requests are not allowed');
  }
  const own = req.headers['x-forwarded-host'] ?? req.headers.host;
  if (!own || host !== (Array.isArray(own) ? own[0] : own).split(',')[0]!.trim())
    throw new ForbiddenError('Cross-site requests are not allowed');
}

/** A request with a body on a JSON route must say it is JSON (a form post or text/plain is a 415). */
export function requireJsonBody(req: IncomingMessage): void {
  if (!STATE_CHANGING.has(req.method ?? 'GET')) return;
  const length = req.headers['content-length'];
  const hasBody = req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
  if (!hasBody) return;
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type)) return;
  throw new HttpStatusError(415, 'Send the body as JSON (content-type: application/json)', {
    accept: 'application/json',
  });
}

/** Sent with every answer: no sniffing, no referrer, never framed. The console pages add their CSP. */
export const BASE_SECURITY_HEADERS: Record<string, string> = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; frame-ancestors 'none'",
};
