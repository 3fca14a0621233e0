import { createHmac } from 'node:crypto';
import type { Clock } from 'handover-kit/contract';

/**
 * Sunshine Conversations authentication: Basic with the key id and secret, or a JWT the caller signs
 * itself (HS256, `kid` = key id, `scope` claim). There is no token endpoint, so "caching" means
 * signing once and reusing the token until shortly before its `exp`.
 */

export function basicAuthorization(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

/** The JWT scope claim matching a key id's prefix: act_/svc_ keys are account-scoped, int_ keys integration-scoped. */
export function scopeForKey(keyId: string): 'app' | 'account' | 'integration' {
  if (keyId.startsWith('act_') || keyId.startsWith('svc_')) return 'account';
  if (keyId.startsWith('int_')) return 'integration';
  return 'app';
}

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export interface JwtSignerOptions {
  keyId: string;
  secret: string;
  clock: Clock;
  /** Lifetime written into `exp` (default 1 h). */
  ttlMs?: number;
  /** Re-sign this long before `exp` (default 5 min). */
  refreshBeforeMs?: number;
}

/** Signs a SunCo JWT once and hands out the same token until it nears expiry. */
export class JwtSigner {
  /** Tokens signed so far (tests and benchmarks check the cache with it). */
  signed = 0;
  private cached: { token: string; expiresAt: number } | undefined;
  private readonly ttlMs: number;
  private readonly refreshBeforeMs: number;

  constructor(private readonly options: JwtSignerOptions) {
    this.ttlMs = options.ttlMs ?? 3_600_000;
    this.refreshBeforeMs = Math.min(options.refreshBeforeMs ?? 300_000, Math.floor(this.ttlMs / 2));
  }

  token(): string {
    const now = this.options.clock.now();
    if (this.cached && now < this.cached.expiresAt - this.refreshBeforeMs) return this.cached.token;
    const iat = Math.floor(now / 1000);
    const exp = iat + Math.floor(this.ttlMs / 1000);
    const header = b64url({ alg: 'HS256', typ: 'JWT', kid: this.options.keyId });
    const unsigned = `${header}.${b64url({ scope: scopeForKey(this.options.keyId), iat, exp })}`;
    const signature = createHmac('sha256', this.options.secret).update(unsigned).digest('base64url');
    this.cached = { token: `${unsigned}.${signature}`, expiresAt: exp * 1000 };
    this.signed++;
    return this.cached.token;
  }

  /** Drops the cached token (after a 401), so the next call signs a fresh one. */
  invalidate(): void {
    this.cached = undefined;
  }
}
