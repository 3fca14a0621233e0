import { Agent, type Dispatcher } from 'undici';
import { z } from 'zod';
import type { Clock } from 'handover-kit/contract';
import {
  HttpClient,
  headersPerCredential,
  type HttpRequest,
  clockSleep,
  parseVendorBody,
  unexpectedAnswer,
} from 'handover-kit/connector-utils';
import type { RoutingAttributes, SalesforceMiawSettings } from './schema';

export const VENDOR = 'salesforce-miaw';
const API = 'iamessage/api/v2';

const tokenResponseSchema = z.looseObject({
  accessToken: z.string().min(1),
  lastEventId: z.union([z.string(), z.number()]).nullish(),
});
const entriesSchema = z.looseObject({ conversationEntries: z.array(z.record(z.string(), z.unknown())).default([]) });
const routingStatusSchema = z.looseObject({ routingStatus: z.string().nullish() });

export interface AccessToken {
  accessToken: string;
  /** The stream position at issue time: reading from it misses nothing that follows. */
  lastEventId?: string;
}

export interface TextMessageBody {
  /** Lower-case UUID we mint: Salesforce treats client ids as idempotency keys. */
  id: string;
  text: string;
}

interface CallOptions {
  signal?: AbortSignal;
}

/**
 * The MIAW REST calls (Messaging for In-App and Web API v2) over one keep-alive pool. Every call
 * but the token calls carries the end user's access token, so the token is a parameter here and
 * refreshing it is the caller's business (tokens are per conversation, not per provider).
 */
export class MiawApi {
  readonly http: HttpClient;
  /** Long-lived SSE connections get their own pool, so they never hold up REST calls. */
  readonly streamDispatcher: Dispatcher;
  private readonly dispatcher: Agent;

  constructor(
    private readonly settings: SalesforceMiawSettings,
    clock: Clock,
  ) {
    this.dispatcher = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 128 });
    this.streamDispatcher = new Agent({ bodyTimeout: 0, headersTimeout: settings.requestTimeoutMs, connections: 1024 });
    this.http = new HttpClient({
      vendor: VENDOR,
      baseUrl: settings.baseUrl,
      timeoutMs: settings.requestTimeoutMs,
      retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 10_000, sleep: clockSleep(clock) },
      dispatcher: this.dispatcher,
    });
  }

  get requestCount(): number {
    return this.http.requestCount;
  }

  get sseUrl(): string {
    return `${this.settings.baseUrl}/eventrouter/v1/sse`;
  }

  /** A guest token (user verification off) or one for a verified user from their identity token. */
  async accessToken(identityToken: string | undefined, options: CallOptions = {}): Promise<AccessToken> {
    const { organizationId: orgId, esDeveloperName, capabilitiesVersion } = this.settings;
    const base = { orgId, esDeveloperName, capabilitiesVersion, platform: 'Web' };
    const res = await this.http.send<unknown>({
      method: 'POST',
      path: identityToken
        ? `${API}/authorization/authenticated/access-token`
        : `${API}/authorization/unauthenticated/access-token`,
      json: identityToken ? { ...base, authorizationType: 'JWT', customerIdentityToken: identityToken } : base,
      operation: 'get access token',
      // Nothing is created at Salesforce until the conversation is: a repeat is harmless.
      idempotent: true,
      signal: options.signal,
    });
    return tokenOf(res.body, 'get access token');
  }

  /** A fresh token for the same end user, from a still valid one. */
  async continuationToken(token: string, options: CallOptions = {}): Promise<AccessToken> {
    const res = await this.http.send<unknown>({
      headers: this.bearer(token),
      method: 'GET',
      path: `${API}/authorization/continuation-access-token`,
      operation: 'continue access token',
      signal: options.signal,
    });
    return tokenOf(res.body, 'continue access token');
  }

  async createConversation(
    token: string,
    body: { conversationId: string; routingAttributes: RoutingAttributes; language?: string },
    options: CallOptions = {},
  ): Promise<void> {
    await this.send(token, {
      method: 'POST',
      path: `${API}/conversation`,
      json: {
        conversationId: body.conversationId,
        esDeveloperName: this.settings.esDeveloperName,
        ...(Object.keys(body.routingAttributes).length > 0 ? { routingAttributes: body.routingAttributes } : {}),
        ...(body.language ? { language: body.language } : {}),
      },
      operation: 'start handover',
      idempotent: false,
      signal: options.signal,
    });
  }

  /** Settles when Salesforce has accepted the message (its answer is not read). */
  sendText(
    token: string,
    conversationId: string,
    message: TextMessageBody,
    options: CallOptions & { operation?: string } = {},
  ): Promise<unknown> {
    // One request object and no async frame: every relayed message comes through here.
    return this.http.send({
      method: 'POST',
      path: `${API}/conversation/${enc(conversationId)}/message`,
      headers: this.bearer(token),
      json: {
        message: {
          id: message.id,
          messageType: 'StaticContentMessage',
          staticContent: { formatType: 'Text', text: message.text },
        },
        esDeveloperName: this.settings.esDeveloperName,
      },
      operation: options.operation ?? 'send message',
      // Not repeated here: the service retries with the same message id, which Salesforce dedupes.
      idempotent: false,
      signal: options.signal,
    });
  }

  /** `INITIAL | NEEDS_ROUTING | ROUTED | TRANSFER` (or whatever newer value Salesforce sends). */
  async routingStatus(token: string, conversationId: string, options: CallOptions = {}): Promise<string | undefined> {
    const res = await this.send<unknown>(token, {
      method: 'GET',
      path: `${API}/conversation/${enc(conversationId)}`,
      operation: 'get status',
      signal: options.signal,
    });
    return parseVendorBody(VENDOR, 'get status', routingStatusSchema, res.body, res.status).routingStatus ?? undefined;
  }

  /** The newest entries of the conversation (at most 50, Salesforce's cap), oldest first. */
  async listEntries(
    token: string,
    conversationId: string,
    options: CallOptions = {},
  ): Promise<Record<string, unknown>[]> {
    const res = await this.send<unknown>(token, {
      method: 'GET',
      path: `${API}/conversation/${enc(conversationId)}/entries`,
      query: { limit: 50, direction: 'FromEnd' },
      operation: 'list entries',
      retry: false,
      signal: options.signal,
    });
    const parsed = entriesSchema.safeParse(res.body ?? {});
    if (!parsed.success) return [];
    const at = (e: Record<string, unknown>) =>
      typeof e.transcriptedTimestamp === 'number' ? e.transcriptedTimestamp : 0;
    return [...parsed.data.conversationEntries].sort((a, b) => at(a) - at(b));
  }

  /** Closes the conversation (not only the session) on both sides. */
  async closeConversation(token: string, conversationId: string, options: CallOptions = {}): Promise<void> {
    await this.send(token, {
      method: 'DELETE',
      path: `${API}/conversation/${enc(conversationId)}`,
      query: { esDeveloperName: this.settings.esDeveloperName },
      operation: 'close handover',
      signal: options.signal,
    });
  }

  async close(): Promise<void> {
    await this.http.close();
    await this.dispatcher.close();
    await this.streamDispatcher.destroy();
  }

  /** The last token's header object, reused while the same token is in use (HttpClient copies it). */
  private readonly bearer = headersPerCredential((token) => ({ authorization: `Bearer ${token}` }));

  private send<T>(token: string, req: Omit<HttpRequest, 'headers'>) {
    return this.http.send<T>({ ...req, headers: this.bearer(token) });
  }
}

function tokenOf(body: unknown, operation: string): AccessToken {
  const parsed = tokenResponseSchema.safeParse(body ?? {});
  if (!parsed.success) throw unexpectedAnswer(VENDOR, operation, `${operation} returned no access token`);
  const last = parsed.data.lastEventId;
  return {
    accessToken: parsed.data.accessToken,
    ...(last !== undefined && last !== null && last !== '' ? { lastEventId: String(last) } : {}),
  };
}

function enc(id: string): string {
  return encodeURIComponent(id);
}
