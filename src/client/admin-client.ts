import { Agent, request, type Dispatcher } from 'undici';
import {
  HandoverError,
  HandoverTimeoutError,
  handoverErrorFromJSON,
  type ConnectionCheck,
  type HandoverErrorJSON,
} from '../contract';
import type { ProviderExport, ProviderView } from '../registry';

/**
 * A small client for the gateway's provider-management API (admin key): what the CLI uses, and what
 * scripts can use to provision providers. Typed errors come back as typed errors.
 */
export interface ProviderAdminClientOptions {
  url: string;
  apiKey: string;
  timeoutMs?: number;
}

export interface ConnectorTypeSummary {
  type: string;
  label: string;
  description?: string;
  capabilities: Record<string, boolean>;
  settingsSchema: unknown;
}

export interface ProviderAdminClient {
  list(): Promise<ProviderView[]>;
  get(id: string): Promise<ProviderView>;
  create(input: { id?: string; name: string; type: string; settings?: Record<string, unknown> }): Promise<ProviderView>;
  update(id: string, patch: { name?: string; settings?: Record<string, unknown> }): Promise<ProviderView>;
  remove(id: string): Promise<void>;
  export(options?: { includeSecrets?: boolean }): Promise<ProviderExport>;
  import(
    data: unknown,
    options?: { mode?: 'merge' | 'replace' },
  ): Promise<{ created: number; updated: number; deleted: number }>;
  services(): Promise<ConnectorTypeSummary[]>;
  test(id: string): Promise<{
    ok: boolean;
    check: string;
    durationMs: number;
    checks?: ConnectionCheck[];
    result?: unknown;
    error?: HandoverErrorJSON;
  }>;
  /** Named API keys (an unrestricted admin key only). The key itself is in `createApiKey`'s answer only. */
  listApiKeys(): Promise<ApiKeySummary[]>;
  createApiKey(input: {
    name: string;
    scope: 'nodes' | 'admin';
    providers?: string[];
  }): Promise<{ key: string; apiKey: ApiKeySummary }>;
  revokeApiKey(id: string): Promise<void>;
  close(): Promise<void>;
}

export interface ApiKeySummary {
  id: string;
  name: string;
  scope: 'nodes' | 'admin';
  providers?: string[];
  createdAt: number;
  createdBy?: string;
  lastUsedAt?: number;
}

export function createProviderAdminClient(options: ProviderAdminClientOptions): ProviderAdminClient {
  const base = options.url.replace(/\/+$/, '');
  const dispatcher = new Agent({ keepAliveTimeout: 10_000, connections: 4 });
  const timeoutMs = options.timeoutMs ?? 30_000;

  async function call<T>(method: Dispatcher.HttpMethod, path: string, body?: unknown): Promise<T> {
    let res: Dispatcher.ResponseData;
    try {
      res = await request(`${base}${path}`, {
        method,
        headers: {
          accept: 'application/json',
          'x-api-key': options.apiKey,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
        dispatcher,
      });
    } catch (error) {
      const name = (error as Error)?.name;
      if (name === 'TimeoutError' || name === 'AbortError')
        throw new HandoverTimeoutError(`The gateway did not answer within ${timeoutMs} ms`, { path });
      const code = (error as { code?: string })?.code;
      throw new HandoverError('internal', `The gateway at ${base} could not be reached${code ? ` (${code})` : ''}`, {
        cause: error,
        isRetryable: true,
      });
    }
    const text = await res.body.text();
    const parsed = text ? safeJson(text) : undefined;
    if (res.statusCode >= 400) {
      const json = (parsed as { error?: HandoverErrorJSON } | undefined)?.error;
      if (json && typeof json.code === 'string') throw handoverErrorFromJSON(json);
      throw new HandoverError('internal', `The gateway answered ${res.statusCode}`, {
        details: { status: res.statusCode },
      });
    }
    return parsed as T;
  }

  const id = (value: string) => encodeURIComponent(value);
  return {
    list: async () => (await call<{ items: ProviderView[] }>('GET', '/v2.0/handover/providers')).items,
    get: (providerId) => call('GET', `/v2.0/handover/provider/${id(providerId)}`),
    create: (input) => call('POST', '/v2.0/handover/provider', input),
    update: (providerId, patch) => call('PATCH', `/v2.0/handover/providers/${id(providerId)}`, patch),
    remove: async (providerId) => void (await call('DELETE', `/v2.0/handover/providers/${id(providerId)}`)),
    export: (o = {}) => call('GET', `/v2.0/handover/providers/export${o.includeSecrets ? '?includeSecrets=true' : ''}`),
    import: (data, o = {}) => call('POST', `/v2.0/handover/providers/import?mode=${o.mode ?? 'merge'}`, data),
    services: async () => (await call<{ items: ConnectorTypeSummary[] }>('GET', '/v2.0/handover/services')).items,
    test: (providerId) => call('POST', `/v2.0/handover/providers/${id(providerId)}/test`),
    listApiKeys: async () => (await call<{ items: ApiKeySummary[] }>('GET', '/v2.0/handover/apikeys')).items,
    createApiKey: (input) => call('POST', '/v2.0/handover/apikeys', input),
    revokeApiKey: async (keyId) => void (await call('DELETE', `/v2.0/handover/apikeys/${id(keyId)}`)),
    close: () => dispatcher.close(),
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
