import { z } from 'zod';
import { VendorApiError, VendorAuthError, type Clock } from 'handover-kit/contract';
import type { HttpClient } from 'handover-kit/connector-utils';
import { cxoneConfigurationSchema, hostsFor, tenantIdOf, type CxoneHosts } from './hosts';
import type { CxoneSettings } from './schema';

export const VENDOR = 'cxone';

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.coerce.number().positive(),
  refresh_token: z.string().min(1).nullish(),
  id_token: z.string().nullish(),
});

/** Longest safety margin before `expires_in` runs out; shorter lifetimes use a tenth of it. */
export const TOKEN_REFRESH_MARGIN_MS = 60_000;

interface Token {
  value: string;
  refreshAt: number;
  refresh?: string;
}

/**
 * The CXone session of one provider: an access token from the password grant (the user's access
 * key as username / password, the registered application as Basic credentials), renewed with its
 * refresh token before it runs out, and the tenant's API hosts, discovered once from the token.
 * Concurrent callers share one token request; a token the API refused is dropped.
 */
export class CxoneSession {
  /** Token requests sent (benchmarks and tests read it). */
  tokenRequests = 0;
  private token: Token | undefined;
  private inflight: Promise<string> | undefined;
  private discovered: Promise<CxoneHosts> | undefined;
  private idToken: string | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly settings: CxoneSettings,
    private readonly authBaseUrl: string,
    private readonly clock: Clock,
  ) {}

  accessToken(): Promise<string> {
    if (this.token && this.clock.now() < this.token.refreshAt) return Promise.resolve(this.token.value);
    // Not tied to a caller's abort signal: other callers may be waiting for the same request.
    this.inflight ??= this.renew().finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  /** Forgets `value` after the API refused it; a token fetched meanwhile by another caller is kept. */
  invalidate(value: string): void {
    if (this.token?.value === value) this.token = undefined;
  }

  /** DFO and API hosts: the overrides, or discovered from the token's tenant (once per session). */
  hosts(): Promise<CxoneHosts> {
    const { dfoBaseUrl, apiBaseUrl } = this.settings;
    if (dfoBaseUrl && apiBaseUrl)
      return Promise.resolve({ area: 'override', domain: 'override', dfo: dfoBaseUrl, api: apiBaseUrl });
    this.discovered ??= this.discover().then(
      (hosts) => ({ ...hosts, ...(dfoBaseUrl ? { dfo: dfoBaseUrl } : {}), ...(apiBaseUrl ? { api: apiBaseUrl } : {}) }),
      (error: unknown) => {
        this.discovered = undefined;
        throw error;
      },
    );
    return this.discovered;
  }

  private async renew(): Promise<string> {
    const refresh = this.token?.refresh;
    this.token = undefined;
    if (refresh) {
      try {
        return await this.grant({ grant_type: 'refresh_token', refresh_token: refresh });
      } catch (error) {
        // An expired or revoked refresh token: start over with the access key.
        if (!VendorAuthError.isInstance(error)) throw error;
      }
    }
    return this.grant({
      grant_type: 'password',
      username: this.settings.accessKeyId,
      password: this.settings.accessKeySecret,
    });
  }

  private async grant(form: Record<string, string>): Promise<string> {
    this.tokenRequests++;
    const basic = Buffer.from(`${this.settings.clientId}:${this.settings.clientSecret}`).toString('base64');
    let body: unknown;
    try {
      const res = await this.http.send<unknown>({
        method: 'POST',
        baseUrl: this.authBaseUrl,
        path: 'auth/token',
        form,
        headers: { authorization: `Basic ${basic}` },
        operation: 'get access token',
        idempotent: true,
      });
      body = res.body;
    } catch (error) {
      // A wrong access key or client answers 400 invalid_grant / 401 invalid_client: credentials either way.
      const e = VendorApiError.isInstance(error) ? error : undefined;
      if (e && (e.status === 400 || e.status === 401 || e.status === 403)) {
        throw new VendorAuthError(`${e.message} (check the access key, the client id / secret and the environment)`, {
          vendor: VENDOR,
          status: e.status,
          operation: 'get access token',
          cause: error,
        });
      }
      throw error;
    }
    const parsed = tokenResponseSchema.safeParse(body);
    if (!parsed.success)
      throw new VendorApiError('cxone get access token returned no usable token', {
        vendor: VENDOR,
        status: 200,
        operation: 'get access token',
      });
    const lifetimeMs = parsed.data.expires_in * 1000;
    const margin = Math.min(TOKEN_REFRESH_MARGIN_MS, lifetimeMs / 10);
    this.token = {
      value: parsed.data.access_token,
      refreshAt: this.clock.now() + lifetimeMs - margin,
      ...(parsed.data.refresh_token ? { refresh: parsed.data.refresh_token } : {}),
    };
    if (parsed.data.id_token) this.idToken = parsed.data.id_token;
    return parsed.data.access_token;
  }

  private async discover(): Promise<CxoneHosts> {
    const token = await this.accessToken();
    const tenantId = this.settings.tenantId ?? tenantIdOf(this.idToken, token);
    if (!tenantId) {
      throw new VendorApiError('cxone discovery: the token names no tenant; set tenantId in the provider settings', {
        vendor: VENDOR,
        operation: 'discover api hosts',
      });
    }
    const res = await this.http.send<unknown>({
      method: 'GET',
      baseUrl: this.authBaseUrl,
      path: '.well-known/cxone-configuration',
      query: { tenantId },
      operation: 'discover api hosts',
    });
    const config = cxoneConfigurationSchema.safeParse(res.body);
    const hosts = config.success ? hostsFor(config.data, this.settings.dfoHostStyle) : undefined;
    if (!hosts)
      throw new VendorApiError('cxone discovery returned no usable area / domain', {
        vendor: VENDOR,
        status: res.status,
        operation: 'discover api hosts',
      });
    return hosts;
  }
}
