import { z } from 'zod';
import { VendorApiError, VendorAuthError, type Clock } from '../contract';
import type { HttpClient } from './http';

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive().optional(),
  refresh_token: z.string().min(1).nullish(),
  id_token: z.string().nullish(),
});
export type OAuthTokenResponse = z.infer<typeof tokenResponseSchema>;

/** Longest safety margin before `expires_in` runs out; shorter lifetimes use a tenth of it. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

export interface OAuthTokenCacheOptions {
  vendor: string;
  /** The client for the token host (not the one whose requests carry the token). */
  http: HttpClient;
  baseUrl: string;
  path: string;
  clock: Pick<Clock, 'now'>;
  /** Basic credentials of the OAuth client, read at each request (a secret may be rotated). */
  client: () => { id: string; secret: string };
  /** The form of a fresh grant, and of a refresh when the last answer carried a refresh token. */
  grant: () => Record<string, string>;
  refresh?: (refreshToken: string) => Record<string, string>;
  /** What to check when the token host refuses the credentials (added to the error message). */
  credentialsHint: string;
  /** Lifetime assumed when the answer has no `expires_in` (default 3600 s). */
  defaultExpiresInSec?: number;
  /** Sees every answer (for an `id_token`, say). */
  onToken?: (token: OAuthTokenResponse) => void;
}

/**
 * An OAuth access token for one connector instance: requested once, reused until shortly before it
 * expires, shared by concurrent callers (one request in flight at most), renewed with the refresh
 * token where there is one, and dropped when the API answers 401 with it.
 */
export class OAuthTokenCache {
  /** Token requests sent (benchmarks and tests read it). */
  requests = 0;
  private token: { value: string; refreshAt: number; refresh?: string } | undefined;
  private inflight: Promise<string> | undefined;

  constructor(private readonly options: OAuthTokenCacheOptions) {}

  get(): Promise<string> {
    if (this.token && this.options.clock.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    // Not tied to any caller's abort signal: other callers may be waiting for the same request.
    this.inflight ??= this.renew().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** The cached token while it is fresh, without a promise (a request's header callback); else undefined. */
  current(): string | undefined {
    return this.token && this.options.clock.now() < this.token.refreshAt ? this.token.value : undefined;
  }

  /** Forgets `value` after the API refused it; a token fetched meanwhile by another caller is kept. */
  invalidate(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  private async renew(): Promise<string> {
    const refresh = this.token?.refresh;
    this.token = undefined;
    if (refresh && this.options.refresh) {
      try {
        return await this.request(this.options.refresh(refresh));
      } catch (error) {
        // An expired or revoked refresh token: start over with a fresh grant.
        if (!VendorAuthError.isInstance(error)) throw error;
      }
    }
    return this.request(this.options.grant());
  }

  private async request(form: Record<string, string>): Promise<string> {
    const { http, vendor, clock } = this.options;
    const operation = 'get access token';
    this.requests++;
    let body: unknown;
    try {
      const { id, secret } = this.options.client();
      const res = await http.send<unknown>({
        method: 'POST',
        baseUrl: this.options.baseUrl,
        path: this.options.path,
        form,
        headers: { authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}` },
        operation,
        // Asking for a token twice is harmless, so 429/5xx are retried.
        idempotent: true,
      });
      body = res.body;
    } catch (error) {
      // Token hosts answer bad credentials with 400 (invalid_grant) or 401/403 (invalid_client).
      const e = VendorApiError.isInstance(error) ? error : undefined;
      if (e && (e.status === 400 || e.status === 401 || e.status === 403)) {
        throw new VendorAuthError(`${e.message} (${this.options.credentialsHint})`, {
          vendor,
          status: e.status,
          vendorRequestId: e.vendorRequestId,
          vendorCode: e.details.vendorCode as string | undefined,
          operation,
          cause: error,
        });
      }
      throw error;
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success) {
      throw new VendorApiError(`${vendor} ${operation} returned no usable token`, { vendor, status: 200, operation });
    }
    this.options.onToken?.(parsed.data);
    const lifetimeMs = (parsed.data.expires_in ?? this.options.defaultExpiresInSec ?? 3600) * 1000;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 10);
    this.token = {
      value: parsed.data.access_token,
      refreshAt: clock.now() + lifetimeMs - margin,
      ...(parsed.data.refresh_token ? { refresh: parsed.data.refresh_token } : {}),
    };
    return parsed.data.access_token;
  }
}
