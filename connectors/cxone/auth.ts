import { VendorApiError, type Clock } from 'handover-kit/contract';
import { OAuthTokenCache, type HttpClient, unexpectedAnswer } from 'handover-kit/connector-utils';
import { cxoneConfigurationSchema, hostsFor, tenantIdOf, type CxoneHosts } from './hosts';
import type { CxoneSettings } from './schema';

export const VENDOR = 'cxone';

/**
 * The CXone session of one provider: an access token from the password grant (the user's access
 * key as username / password, the registered application as Basic credentials), renewed with its
 * refresh token before it runs out, and the tenant's API hosts, discovered once from the token.
 * Concurrent callers share one token request; a token the API refused is dropped.
 */
export class CxoneSession {
  private readonly tokens: OAuthTokenCache;
  private discovered: Promise<CxoneHosts> | undefined;
  private idToken: string | undefined;
  /** The hosts once known (overrides, or discovered): read without a promise on the hot path. */
  knownHosts: CxoneHosts | undefined;

  constructor(
    private readonly http: HttpClient,
    private readonly settings: CxoneSettings,
    private readonly authBaseUrl: string,
    clock: Clock,
  ) {
    this.tokens = new OAuthTokenCache({
      vendor: VENDOR,
      http,
      baseUrl: authBaseUrl,
      path: 'auth/token',
      clock,
      client: () => ({ id: settings.clientId, secret: settings.clientSecret }),
      grant: () => ({ grant_type: 'password', username: settings.accessKeyId, password: settings.accessKeySecret }),
      refresh: (refreshToken) => ({ grant_type: 'refresh_token', refresh_token: refreshToken }),
      credentialsHint: 'check the access key, the client id / secret and the environment',
      onToken: (token) => {
        if (token.id_token) this.idToken = token.id_token;
      },
    });
  }

  /** Token requests sent (benchmarks and tests read it). */
  get tokenRequests(): number {
    return this.tokens.requests;
  }

  accessToken(): Promise<string> {
    return this.tokens.get();
  }

  /** The cached token while it is fresh, else undefined (then `accessToken()`). */
  currentToken(): string | undefined {
    return this.tokens.current();
  }

  /** Forgets `value` after the API refused it; a token fetched meanwhile by another caller is kept. */
  invalidate(value: string): void {
    this.tokens.invalidate(value);
  }

  /** DFO and API hosts: the overrides, or discovered from the token's tenant (once per session). */
  hosts(): Promise<CxoneHosts> {
    const { dfoBaseUrl, apiBaseUrl } = this.settings;
    if (dfoBaseUrl && apiBaseUrl) {
      this.knownHosts ??= { area: 'override', domain: 'override', dfo: dfoBaseUrl, api: apiBaseUrl };
      return Promise.resolve(this.knownHosts);
    }
    this.discovered ??= this.discover().then(
      (hosts) => {
        this.knownHosts = {
          ...hosts,
          ...(dfoBaseUrl ? { dfo: dfoBaseUrl } : {}),
          ...(apiBaseUrl ? { api: apiBaseUrl } : {}),
        };
        return this.knownHosts;
      },
      (error: unknown) => {
        this.discovered = undefined;
        throw error;
      },
    );
    return this.discovered;
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
      throw unexpectedAnswer(VENDOR, 'discover api hosts', 'discovery returned no usable area / domain', res.status);
    return hosts;
  }
}
