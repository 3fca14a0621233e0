import { z } from 'zod';
import { VendorApiError, VendorAuthError, type Clock } from 'handover-kit/contract';
import type { HttpClient } from 'handover-kit/connector-utils';

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

export interface TokenCacheOptions {
  http: HttpClient;
  loginBaseUrl: string;
  clientId: string;
  /** Read at each token request, so a secret from the environment can be rotated. */
  clientSecret: () => string;
  clock: Clock;
}

/** Longest safety margin before `expires_in` runs out; shorter lifetimes use a tenth of it. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

/**
 * OAuth client-credentials token for one connector instance: requested once, reused until shortly
 * before it expires, shared by concurrent callers (one request in flight at most), and dropped when
 * the API answers 401 with it.
 */
export class TokenCache {
  /** Token requests sent (benchmarks and tests read it). */
  requests = 0;
  private token: { value: string; refreshAt: number } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(private readonly options: TokenCacheOptions) {}

  get(): Promise<string> {
    if (this.token && this.options.clock.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    // Not tied to any caller's abort signal: other callers may be waiting for the same request.
    this.inflight ??= this.request().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets `value` after the API refused it; a token fetched meanwhile by another caller is kept. */
  invalidate(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  private async request(): Promise<string> {
    const { http, loginBaseUrl, clientId, clientSecret, clock } = this.options;
    this.requests++;
    let body: unknown;
    try {
      const basic = Buffer.from(`${clientId}:${clientSecret()}`).toString('base64');
      const res = await http.send<unknown>({
        method: 'POST',
        baseUrl: loginBaseUrl,
        path: '/oauth/token',
        form: { grant_type: 'client_credentials' },
        headers: { authorization: `Basic ${basic}` },
        operation: 'get access token',
        // Asking for a token twice is harmless, so 429/5xx are retried.
        idempotent: true,
      });
      body = res.body;
    } catch (error) {
      // The OAuth server answers a bad client id/secret with 400 or 401 `invalid_client`: both are credential problems.
      const e = VendorApiError.isInstance(error) ? error : undefined;
      if (e && (e.status === 400 || e.status === 401 || e.status === 403)) {
        throw new VendorAuthError(`${e.message} (check the client id, the client secret and the region)`, {
          vendor: 'genesys',
          status: e.status,
          vendorRequestId: e.vendorRequestId,
          vendorCode: e.details.vendorCode as string | undefined,
          operation: 'get access token',
          cause: error,
        });
      }
      throw error;
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) throw new VendorApiError('genesys get access token returned no usable token', { vendor: 'genesys', status: 200, operation: 'get access token' });
    const lifetimeMs = parsed.data.expires_in * 1000;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 10);
    this.token = { value: parsed.data.access_token, refreshAt: clock.now() + lifetimeMs - margin };
    return parsed.data.access_token;
  }
}
