import { Agent } from 'undici';
import type { z } from 'zod';
import type { Clock } from 'handover-kit/contract';
import {
  HttpClient,
  OAuthTokenCache,
  headersPerCredential,
  type HttpRequest,
  type HttpResponse,
  parseVendorBody,
} from 'handover-kit/connector-utils';
import { apiBaseUrlFor, loginBaseUrlFor } from './regions';
import { CLIENT_SECRET_ENV, type GenesysSettings } from './schema';
import {
  conversationSchema,
  errorBodySchema,
  estimatedWaitSchema,
  inboundResponseSchema,
  messageDetailsSchema,
  queueMembersSchema,
  type GenesysConversation,
} from './vendor-types';
import { HandoverConfigError } from 'handover-kit/contract';

export const VENDOR = 'genesys';
const PREFETCH = { prefetchConversationId: true };
/** Genesys puts its request id in this header (newer edges may add `Genesys-Correlation-Id`). */
export const REQUEST_ID_HEADER = 'inin-correlation-id';

/** Pulls message and code out of a platform ErrorBody or an OAuth error body. */
export function genesysErrorDetails(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  const parsed = errorBodySchema.safeParse(body);
  if (!parsed.success) return {};
  const b = parsed.data;
  return {
    message: b.message ?? b.error_description ?? b.description ?? undefined,
    code: b.code ?? b.error ?? undefined,
  };
}

/** The open message body we send (`OpenInboundNormalizedMessage`, with `customAttributes` added). */
export interface InboundMessageBody {
  channel: {
    messageId: string;
    time: string;
    from: { id: string; idType: 'Opaque'; nickname?: string };
    metadata?: { customAttributes: Record<string, string> };
  };
  text?: string;
  content?: Array<{
    attachment: { mediaType: 'Image' | 'Video' | 'Audio' | 'File'; url: string; mime: string; filename?: string };
  }>;
}

interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The Genesys Cloud requests the connector makes, over one keep-alive pool: bearer token from the
 * cache (the login host has its own client, so a token request never waits on a token), one
 * refresh-and-repeat on a 401 (HttpClient's `onUnauthorized`), typed errors carrying
 * ININ-Correlation-Id.
 */
export class GenesysApi {
  readonly http: HttpClient;
  readonly login: HttpClient;
  readonly tokens: OAuthTokenCache;
  private readonly dispatcher: Agent;
  /** The inbound message path, encoded once. */
  private readonly inboundPath: string;

  constructor(settings: GenesysSettings, clock: Clock) {
    this.dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 128 });
    this.inboundPath = `api/v2/conversations/messages/${enc(settings.integrationId)}/inbound/open/message`;
    const common = {
      vendor: VENDOR,
      timeoutMs: settings.requestTimeoutMs,
      requestIdHeader: REQUEST_ID_HEADER,
      errorDetails: genesysErrorDetails,
      retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 10_000 },
      clock,
      dispatcher: this.dispatcher,
    };
    const loginBaseUrl = settings.loginBaseUrl ?? loginBaseUrlFor(settings.region);
    const bearer = headersPerCredential((token) => ({ authorization: `Bearer ${token}` }));
    this.login = new HttpClient({ ...common, baseUrl: loginBaseUrl });
    this.http = new HttpClient({
      ...common,
      baseUrl: settings.apiBaseUrl ?? apiBaseUrlFor(settings.region),
      // A fresh cached token is used without a promise (no async step per request), its header object reused.
      headers: () => {
        const token = this.tokens.current();
        return token === undefined ? this.tokens.get().then(bearer) : bearer(token);
      },
      // A 401 means Genesys did nothing, so even a POST may be repeated with a fresh token.
      onUnauthorized: async (refused) => {
        this.tokens.invalidate(refused.authorization?.replace(/^Bearer /, '') ?? '');
        return true;
      },
    });
    this.tokens = new OAuthTokenCache({
      vendor: VENDOR,
      http: this.login,
      baseUrl: loginBaseUrl,
      path: '/oauth/token',
      clock,
      client: () => ({ id: settings.clientId, secret: clientSecretOf(settings) }),
      grant: () => ({ grant_type: 'client_credentials' }),
      credentialsHint: 'check the client id, the client secret and the region',
    });
  }

  /** Upstream requests sent so far (token requests and retries included). */
  get requestCount(): number {
    return this.http.requestCount + this.login.requestCount;
  }

  /** POST …/{integrationId}/inbound/open/message. Not repeated on failure: a repeat could post twice. */
  sendInbound(
    body: InboundMessageBody,
    options: CallOptions & { prefetchConversationId?: boolean; operation: string },
  ): Promise<z.output<typeof inboundResponseSchema>> {
    // A plain promise and one request object (every relayed message comes through here).
    return this.http
      .send<unknown>({
        method: 'POST',
        path: this.inboundPath,
        query: options.prefetchConversationId ? PREFETCH : undefined,
        json: body,
        operation: options.operation,
        idempotent: false,
        signal: options.signal,
      })
      .then((res) => parse(inboundResponseSchema, res.body, options.operation));
  }

  /** GET the message conversation (participants). `retry: false` for polls: the next poll is the retry. */
  async getConversation(
    conversationId: string,
    options: CallOptions & { operation: string; retry?: boolean },
  ): Promise<GenesysConversation> {
    const res = await this.call<unknown>({
      method: 'GET',
      path: `api/v2/conversations/messages/${enc(conversationId)}`,
      operation: options.operation,
      idempotent: options.retry !== false,
      signal: options.signal,
    });
    return parse(conversationSchema, res.body, options.operation);
  }

  /** GET …/messages/{messageId}/details: the conversation of a message, when prefetch gave none. */
  async getMessageConversationId(messageId: string, options: CallOptions = {}): Promise<string | undefined> {
    const res = await this.call<unknown>({
      method: 'GET',
      path: `api/v2/conversations/messages/${enc(messageId)}/details`,
      operation: 'get message details',
      signal: options.signal,
    });
    return parse(messageDetailsSchema, res.body, 'get message details').conversationId ?? undefined;
  }

  /** PATCH a participant to `disconnected`. Setting a state is idempotent, so it may be repeated. */
  async disconnectParticipant(conversationId: string, participantId: string, options: CallOptions = {}): Promise<void> {
    await this.call({
      method: 'PATCH',
      path: `api/v2/conversations/messages/${enc(conversationId)}/participants/${enc(participantId)}`,
      json: { state: 'disconnected' },
      operation: 'close handover',
      idempotent: true,
      signal: options.signal,
    });
  }

  /**
   * Estimated wait in ms (the BEST formula when several are given), or undefined. `retry: false` for best-effort
   * extras.
   */
  async estimatedWaitMs(
    queueId: string,
    options: CallOptions & { conversationId?: string; retry?: boolean } = {},
  ): Promise<number | undefined> {
    const res = await this.call<unknown>({
      method: 'GET',
      path: `api/v2/routing/queues/${enc(queueId)}/estimatedwaittime`,
      ...(options.conversationId ? { query: { conversationId: options.conversationId } } : {}),
      operation: 'get estimated wait time',
      idempotent: options.retry !== false,
      signal: options.signal,
    });
    const results = parse(estimatedWaitSchema, res.body, 'get estimated wait time').results ?? [];
    const pick = results.find((r) => r.formula === 'BEST') ?? results[0];
    const seconds = pick?.estimatedWaitTimeSeconds;
    return typeof seconds === 'number' && seconds >= 0 ? seconds * 1000 : undefined;
  }

  /** Joined queue members whose routing status is IDLE (first page of 100; `more` when there are others). */
  async idleMembers(queueId: string, options: CallOptions = {}): Promise<{ count: number; more: boolean }> {
    const res = await this.call<unknown>({
      method: 'GET',
      path: `api/v2/routing/queues/${enc(queueId)}/members`,
      query: { routingStatus: 'IDLE', joined: true, pageSize: 100 },
      operation: 'check availability',
      signal: options.signal,
    });
    const body = parse(queueMembersSchema, res.body, 'check availability');
    // The filter is server-side; where Genesys also returns the status, trust it over the filter.
    const idle = (body.entities ?? []).filter(
      (m) => m.joined !== false && (m.routingStatus?.status == null || m.routingStatus.status === 'IDLE'),
    );
    return { count: idle.length, more: Boolean(body.nextUri) };
  }

  /** A named resource, for the connection test: `{ id, name }` or a typed error (404 → VendorNotFoundError). */
  async resource(kind: 'integration' | 'queue', id: string, options: CallOptions = {}): Promise<{ name?: string }> {
    const path =
      kind === 'integration'
        ? `api/v2/conversations/messaging/integrations/open/${enc(id)}`
        : `api/v2/routing/queues/${enc(id)}`;
    const res = await this.call<{ name?: unknown }>({
      method: 'GET',
      path,
      operation: `get ${kind}`,
      signal: options.signal,
    });
    return { name: typeof res.body?.name === 'string' ? res.body.name : undefined };
  }

  async close(): Promise<void> {
    await this.http.close();
    await this.login.close();
    await this.dispatcher.close();
  }

  private call<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    return this.http.send<T>(req);
  }
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function parse<S extends z.ZodType>(schema: S, body: unknown, operation: string): z.output<S> {
  return parseVendorBody(VENDOR, operation, schema, body);
}

/** Read at each token request, so a secret from the environment can be rotated. */
function clientSecretOf(settings: GenesysSettings): string {
  const value = settings.clientSecret ?? process.env[CLIENT_SECRET_ENV];
  if (!value) {
    throw new HandoverConfigError(`Genesys client secret is not set (settings.clientSecret or ${CLIENT_SECRET_ENV})`, [
      { path: 'settings.clientSecret', message: 'Required' },
    ]);
  }
  return value;
}
