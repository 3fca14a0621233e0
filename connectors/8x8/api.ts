import { z } from 'zod';
import { VendorApiError, type Clock } from 'handover-kit/contract';
import { HttpClient, OAuthTokenCache, type HttpRequest, unexpectedAnswer } from 'handover-kit/connector-utils';
import type { EightByEightSettings } from './schema';

export const VENDOR = '8x8';
const GATEWAY = 'chat-gateway/v1';
const METRICS_PREFIX: Record<EightByEightSettings['metricsRegion'], string> = {
  us: '',
  eu: '/eu',
  au: '/au',
  ca: '/ca',
};

/** 8x8 error bodies (`application/problem+json`): `{message, errors: [{code, message}] | string[]}`. */
function errorDetails(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (!body || typeof body !== 'object') return {};
  const b = body as { message?: unknown; errors?: unknown; ErrorCode?: unknown; Error?: unknown };
  const first = Array.isArray(b.errors) ? b.errors[0] : b.errors;
  const code = first && typeof first === 'object' ? (first as { code?: unknown }).code : undefined;
  const message = typeof b.message === 'string' ? b.message : typeof b.Error === 'string' ? b.Error : undefined;
  return { message, code: typeof code === 'string' ? code : typeof b.ErrorCode === 'string' ? b.ErrorCode : undefined };
}

/** Path segment from a vendor id, never a path of its own. */
const seg = (id: string) => encodeURIComponent(id);

const createdSchema = z.looseObject({ conversationId: z.string().min(1).optional(), id: z.string().min(1).optional() });

export const conversationSchema = z.looseObject({
  id: z.string().optional(),
  state: z.string().optional(),
  channelId: z.string().optional(),
  assignment: z.looseObject({ type: z.string().optional(), id: z.string().optional() }).nullish(),
});
export type VendorConversation = z.infer<typeof conversationSchema>;

const metricItem = z.object({ key: z.string(), value: z.union([z.number(), z.string(), z.null()]).optional() });
const queueMetricsSchema = z.object({ id: z.union([z.string(), z.number()]).optional(), metrics: z.array(metricItem) });

export const QUEUE_METRICS = [
  'availableIdle.rt',
  'interactionsWaitInQueue.rt',
  'interactionsAvgWaitTime.int-15m',
] as const;
export type QueueMetrics = Partial<Record<(typeof QUEUE_METRICS)[number], number>>;

/**
 * The 8x8 HTTP APIs one provider uses: Chat Gateway v1 (x-api-key, X-8x8-Tenant) and, with an API
 * secret, the Contact Center real-time metrics (OAuth client credentials, bearer token).
 */
export class EightByEightApi {
  readonly http: HttpClient;
  private readonly tokens: OAuthTokenCache;

  constructor(
    private readonly settings: EightByEightSettings,
    clock: Clock,
  ) {
    const headers: Record<string, string> = {
      'x-api-key': settings.apiKey,
      accept: 'application/hal+json, application/json',
    };
    if (settings.tenant) headers['x-8x8-tenant'] = settings.tenant;
    this.http = new HttpClient({
      vendor: VENDOR,
      baseUrl: settings.baseUrl,
      timeoutMs: settings.requestTimeoutMs,
      headers: () => headers,
      requestIdHeader: ['x-request-id', 'x-8x8-request-id'],
      errorDetails,
      clock,
    });
    this.tokens = new OAuthTokenCache({
      vendor: VENDOR,
      http: this.http,
      baseUrl: settings.baseUrl,
      path: 'oauth/v2/token',
      clock,
      client: () => ({ id: settings.apiKey, secret: settings.apiSecret ?? '' }),
      grant: () => ({ grant_type: 'client_credentials' }),
      credentialsHint: 'check the API key and secret',
      defaultExpiresInSec: 1800,
    });
  }

  /** Token requests sent (benchmarks and tests read it). */
  get tokenRequests(): number {
    return this.tokens.requests;
  }

  get requestCount(): number {
    return this.http.requestCount;
  }

  private send<T>(req: HttpRequest) {
    return this.http.send<T>(req);
  }

  async createConversation(body: Record<string, unknown>, signal?: AbortSignal): Promise<string> {
    const res = await this.send<unknown>({
      method: 'POST',
      path: `${GATEWAY}/conversations`,
      json: body,
      operation: 'start handover',
      signal,
    });
    const parsed = createdSchema.safeParse(res.body);
    const id = parsed.success ? (parsed.data.conversationId ?? parsed.data.id) : undefined;
    if (!id)
      throw unexpectedAnswer(VENDOR, 'start handover', 'start handover: no conversation id in the answer', res.status);
    return id;
  }

  sendMessage(
    conversationId: string,
    body: Record<string, unknown>,
    operation: string,
    signal?: AbortSignal,
  ): Promise<unknown> {
    return this.send({
      method: 'POST',
      path: `${GATEWAY}/conversations/${seg(conversationId)}/messages`,
      json: body,
      operation,
      signal,
    });
  }

  async getConversation(conversationId: string, operation: string, signal?: AbortSignal): Promise<VendorConversation> {
    const res = await this.send<unknown>({
      method: 'GET',
      path: `${GATEWAY}/conversations/${seg(conversationId)}`,
      operation,
      signal,
    });
    const parsed = conversationSchema.safeParse(res.body);
    if (!parsed.success)
      throw new VendorApiError(`8x8 ${operation}: unreadable conversation`, {
        vendor: VENDOR,
        status: res.status,
        operation,
      });
    return parsed.data;
  }

  /** The user leaves: 8x8 ends the interaction. */
  async removeUser(conversationId: string, signal?: AbortSignal): Promise<void> {
    await this.send({
      method: 'PATCH',
      path: `${GATEWAY}/conversations/${seg(conversationId)}/participants/user`,
      json: { removed: true },
      operation: 'close handover',
      idempotent: true,
      signal,
    });
  }

  /** The public JWK a webhook signature names (one attempt: the caller bounds refetches). */
  async jwk(kid: string): Promise<unknown> {
    const res = await this.send<unknown>({
      method: 'GET',
      path: `${GATEWAY}/jwk/${seg(kid)}/public`,
      operation: 'fetch webhook key',
      retry: false,
    });
    // The spec types the answer as a string; the example is the JWK object itself.
    if (typeof res.body === 'string') {
      try {
        return JSON.parse(res.body);
      } catch {
        return undefined;
      }
    }
    return res.body;
  }

  get metricsEnabled(): boolean {
    return this.settings.apiSecret !== undefined;
  }

  /** Real-time metrics of one queue (values as numbers; missing or null ones left out). */
  async queueMetrics(queueId: string, signal?: AbortSignal): Promise<QueueMetrics> {
    const token = await this.accessToken();
    const region = METRICS_PREFIX[this.settings.metricsRegion];
    const base = `${this.settings.baseUrl}${region}/analytics/cc/v5/realtime-metrics`;
    const query = QUEUE_METRICS.map((m) => `metrics=${encodeURIComponent(m)}`).join('&');
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (this.settings.tenant) headers['x-tenant-info'] = this.settings.tenant;
    let res: Awaited<ReturnType<typeof this.send<unknown>>>;
    try {
      res = await this.send<unknown>({
        method: 'GET',
        baseUrl: base,
        path: `queues/${seg(queueId)}?${query}`,
        headers,
        operation: 'queue metrics',
        retry: false,
        signal,
      });
    } catch (error) {
      if (VendorApiError.isInstance(error) && error.status === 401) this.tokens.invalidate(token);
      throw error;
    }
    // The spec answers one object; the guide shows a one-element array.
    const item = queueMetricsSchema.safeParse(Array.isArray(res.body) ? res.body[0] : res.body);
    if (!item.success)
      throw new VendorApiError('8x8 queue metrics: unreadable answer', {
        vendor: VENDOR,
        status: res.status,
        operation: 'queue metrics',
      });
    const out: QueueMetrics = {};
    for (const { key, value } of item.data.metrics) {
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
      if ((QUEUE_METRICS as readonly string[]).includes(key) && typeof n === 'number' && Number.isFinite(n))
        out[key as keyof QueueMetrics] = n;
    }
    return out;
  }

  private accessToken(): Promise<string> {
    return this.tokens.get();
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
