import { z } from 'zod';
import type { Clock } from 'handover-kit/contract';
import {
  HttpClient,
  type HttpRequest,
  type HttpResponse,
  headersPerCredential,
  parseVendorBody,
} from 'handover-kit/connector-utils';
import { CxoneSession, VENDOR } from './auth';
import { AUTH_HOSTS } from './hosts';
import type { CxoneSettings } from './schema';

/** The DFO contact fields the connector reads (`GET /dfo/3.0/contacts/{id}`). */
export const contactSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  status: z.string().nullish(),
  routingQueueId: z.string().nullish(),
  inboxAssigneeUser: z
    .looseObject({
      id: z.union([z.string(), z.number()]).transform(String),
      firstName: z.string().nullish(),
      surname: z.string().nullish(),
      nickname: z.string().nullish(),
      imageUrl: z.string().nullish(),
    })
    .nullish(),
});
export type CxoneContact = z.infer<typeof contactSchema>;

const createMessageResponseSchema = z.looseObject({
  consumerContact: contactSchema,
  message: z.looseObject({ id: z.union([z.string(), z.number()]).transform(String).nullish() }).nullish(),
});

/** What a user message's answer is read for: the message id (the contact in it is not used). */
const addMessageResponseSchema = z.object({
  message: z.object({ id: z.union([z.string(), z.number()]).transform(String).nullish() }).nullish(),
});

/** One skill's real-time figures (`skillActivity[]` of the real-time data API). */
const skillActivitySchema = z.looseObject({
  skillActivity: z
    .array(
      z.looseObject({
        queueCount: z.coerce.number().int().nonnegative().nullish(),
        agentsAvailable: z.coerce.number().int().nonnegative().nullish(),
        earliestQueueTime: z.string().nullish(),
      }),
    )
    .nullish(),
});
export type SkillActivity = NonNullable<z.infer<typeof skillActivitySchema>['skillActivity']>[number];

/** The `NewMessage` body of `POST /dfo/3.0/channels/{channelId}/messages` (the fields we send). */
export interface NewMessage {
  idOnExternalPlatform: string;
  direction: 'inbound';
  createdAtWithMilliseconds: string;
  thread: { idOnExternalPlatform: string; threadName?: string };
  messageContent: { type: 'TEXT'; payload: { text: string } };
  authorEndUserIdentity: { idOnExternalPlatform: string; firstName?: string; lastName?: string };
  attachments?: Array<{ friendlyName: string; url: string }>;
  contact?: { skillId?: number; customFields?: Array<{ ident: string; value: string }> };
}

interface CallOptions {
  signal?: AbortSignal;
  /** false: one attempt (polls, best-effort reads). */
  retry?: boolean;
}

/** DFO `ApiErrorCollection` → message and code. */
export function cxoneErrorDetails(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') return { message: body.slice(0, 200) };
  if (!body || typeof body !== 'object') return {};
  const b = body as {
    errors?: Array<{ message?: unknown; errorCode?: unknown }>;
    error?: unknown;
    error_description?: unknown;
    message?: unknown;
  };
  const first = Array.isArray(b.errors) ? b.errors[0] : undefined;
  const pick = (...values: unknown[]) => values.find((v): v is string => typeof v === 'string');
  return {
    message: pick(first?.message, b.error_description, b.message, b.error),
    code: pick(first?.errorCode, b.error),
  };
}

/**
 * The CXone requests the connector makes, over one keep-alive pool: the session's bearer token on
 * every call, one refresh-and-repeat on a 401 (HttpClient's `onUnauthorized`), typed errors.
 */
export class CxoneApi {
  readonly http: HttpClient;
  readonly session: CxoneSession;
  private readonly authHttp: HttpClient;

  constructor(
    private readonly settings: CxoneSettings,
    clock: Clock,
  ) {
    this.messagesPath = `dfo/3.0/channels/${enc(settings.channelId)}/messages`;
    const authBaseUrl = settings.authBaseUrl ?? AUTH_HOSTS[settings.environment];
    const common = {
      vendor: VENDOR,
      timeoutMs: settings.requestTimeoutMs,
      errorDetails: cxoneErrorDetails,
      clock,
      retry: { maxAttempts: 3, baseDelayMs: 250, maxDelayMs: 10_000 },
    };
    this.authHttp = new HttpClient({ ...common, baseUrl: authBaseUrl });
    const bearer = headersPerCredential((token) => ({ authorization: `Bearer ${token}` }));
    this.session = new CxoneSession(this.authHttp, settings, authBaseUrl, clock);
    this.http = new HttpClient({
      ...common,
      baseUrl: authBaseUrl,
      headers: () => {
        // A fresh cached token is used without a promise, its header object reused.
        const token = this.session.currentToken();
        return token === undefined ? this.session.accessToken().then(bearer) : bearer(token);
      },
      onUnauthorized: async (refused) => {
        this.session.invalidate((refused.authorization ?? '').replace(/^Bearer /, ''));
        return true;
      },
    });
  }

  /** The channel's messages path, encoded once (every relayed message posts to it). */
  private readonly messagesPath: string;

  /** Upstream requests sent so far (token and discovery requests included). */
  get requestCount(): number {
    return this.http.requestCount + this.authHttp.requestCount;
  }

  /** `POST /dfo/3.0/channels/{channelId}/messages`: starts the thread or adds to it. Never repeated. */
  async createMessage(message: NewMessage, operation: string, options?: CallOptions) {
    const res = await this.postMessage(message, operation, options);
    return parse(createMessageResponseSchema, res.body, operation);
  }

  /**
   * The same post for a user message on a started thread: the client's own promise, without an async
   * step of its own (every relayed message); its answer is read only for the message id (`addedMessageId`).
   */
  postMessage(message: NewMessage, operation: string, options?: CallOptions): Promise<HttpResponse<unknown>> {
    return this.dfo({
      method: 'POST',
      path: this.messagesPath,
      json: message,
      operation,
      idempotent: false,
      signal: options?.signal,
    });
  }

  /** `GET /dfo/3.0/contacts/{contactId}`: status and assignee. */
  async getContact(contactId: string, operation: string, options: CallOptions = {}): Promise<CxoneContact> {
    const res = await this.dfo({
      method: 'GET',
      path: `dfo/3.0/contacts/${enc(contactId)}`,
      operation,
      retry: options.retry,
      signal: options.signal,
    });
    return parse(contactSchema, res.body, operation);
  }

  /** `PUT /dfo/3.0/contacts/{contactId}/status`: setting a status is idempotent. */
  async setContactStatus(contactId: string, status: 'closed', options: CallOptions = {}): Promise<void> {
    await this.dfo({
      method: 'PUT',
      path: `dfo/3.0/contacts/${enc(contactId)}/status`,
      json: { status },
      operation: 'close handover',
      signal: options.signal,
    });
  }

  /** Real-time figures of one skill (`GET /incontactapi/services/{v}/skills/{id}/activity`). */
  async skillActivity(skillId: number, options: CallOptions = {}): Promise<SkillActivity | undefined> {
    const hosts = await this.session.hosts();
    const res = await this.http.send<unknown>({
      method: 'GET',
      baseUrl: hosts.api,
      path: `incontactapi/services/${this.settings.realtimeApiVersion}/skills/${skillId}/activity`,
      operation: 'get skill activity',
      retry: options.retry,
      signal: options.signal,
    });
    return parse(skillActivitySchema, res.body, 'get skill activity').skillActivity?.[0];
  }

  async close(): Promise<void> {
    await this.http.close();
    await this.authHttp.close();
  }

  /** A call to the tenant's DFO host: straight to the client once the host is known (no extra async step). */
  private dfo(req: HttpRequest): Promise<HttpResponse<unknown>> {
    const known = this.session.knownHosts;
    if (known) {
      req.baseUrl = known.dfo;
      return this.http.send(req);
    }
    return this.session.hosts().then((hosts) => {
      req.baseUrl = hosts.dfo;
      return this.http.send(req);
    });
  }
}

/** The message id in the answer to `postMessage`; anything unexpected goes through the schema (typed error). */
export function addedMessageId(body: unknown, operation: string): string | undefined {
  // Hot path: the one field used, checked by hand.
  const id = (body as { message?: { id?: unknown } | null } | undefined)?.message?.id;
  if (typeof id === 'string' && id) return id;
  return parse(addMessageResponseSchema, body, operation).message?.id ?? undefined;
}

function enc(id: string): string {
  return encodeURIComponent(id);
}

function parse<S extends z.ZodType>(schema: S, body: unknown, operation: string): z.output<S> {
  return parseVendorBody(VENDOR, operation, schema, body);
}
