import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConversationStore, type FakeAgent, type FakeConversation } from './model';
import { FakeNotifications } from './notifications';
import { MEMBER_ROUTING_STATUSES, inboundMessageSchema, participantPatchSchema } from './schemas';
import { deliverWithRetries, outboundMessage, signBody } from './webhooks';

/**
 * A fake Genesys Cloud on 127.0.0.1 for connector tests: the OAuth token endpoint and the platform
 * API paths the connector uses, with Genesys' auth, body shapes, error bodies and headers
 * (`ININ-Correlation-Id`, `Retry-After`). One server plays both `login.` and `api.` hosts. The
 * control methods act as agents and post signed webhooks like the Open Messaging integration.
 */

export type FakeOperation =
  | 'token'
  | 'inbound'
  | 'conversation'
  | 'details'
  | 'participant'
  | 'ewt'
  | 'members'
  | 'channel'
  | 'subscriptions'
  | 'integration'
  | 'queue';

export interface FakeFailure {
  status: number;
  retryAfterMs?: number;
  /** Answer only after this delay (for timeouts). */
  delayMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string | string[]>;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
  operation?: FakeOperation;
  status?: number;
}

export interface FakeGenesysOptions {
  clientId?: string;
  clientSecret?: string;
  integrationId?: string;
  queueId?: string;
  tokenLifetimeSec?: number;
  /** Delay between webhook redeliveries (Genesys: 5 s). */
  webhookRetryDelayMs?: number;
}

interface Route {
  method: string;
  pattern: RegExp;
  operation: FakeOperation;
  handle(ctx: { params: string[]; rec: RecordedRequest; res: ServerResponse }): void;
}

export const FAKE_DEFAULTS = {
  clientId: 'a0c9e3d6-64f4-4b65-8e29-2f4c55f2a001',
  clientSecret: 'fake-client-secret-value-123456',
  integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
  queueId: '5f2b8a3e-1c4d-4e6f-9a0b-7c8d9e0f1a2b',
};

const hex = () => randomBytes(16).toString('hex');

export class FakeGenesys {
  readonly requests: RecordedRequest[] = [];
  readonly store: ConversationStore;
  /** The Notifications API (channels, subscriptions, WebSocket streaming). */
  readonly notifications: FakeNotifications;
  readonly options: Required<FakeGenesysOptions>;
  url = '';
  tokensIssued = 0;
  /** Members the members endpoint lists as IDLE. */
  idleAgents: FakeAgent[] = [{ id: 'f1e2d3c4-0000-4000-8000-00000000a9e1', name: 'Ana Agent' }];
  /** `estimatedWaitTimeSeconds` of the BEST formula; null → no results. */
  estimatedWaitSeconds: number | null = 42;
  /** When false, the inbound answer omits `conversationId` even with prefetch. */
  prefetchConversationId = true;
  webhook: { url: string; secret: string } | undefined;
  /** Webhook deliveries (each attempt) with the status our receiver answered. */
  readonly deliveries: Array<{ body: string; status: number | 'error' }> = [];

  private server!: Server;
  private readonly tokens = new Map<string, number>();
  private readonly failures: Array<{ op: FakeOperation; failure: FakeFailure; remaining: number }> = [];
  private readonly routes: Route[];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(options: FakeGenesysOptions) {
    this.options = { ...FAKE_DEFAULTS, tokenLifetimeSec: 86_400, webhookRetryDelayMs: 5000, ...options };
    this.store = new ConversationStore(this.options.queueId);
    this.notifications = new FakeNotifications(this.options.queueId, () => this.url);
    this.routes = this.buildRoutes();
  }

  static async start(options: FakeGenesysOptions = {}): Promise<FakeGenesys> {
    const fake = new FakeGenesys(options);
    fake.server = createServer((req, res) => fake.onRequest(req, res));
    fake.server.on('upgrade', (req, socket) => fake.notifications.upgrade(req, socket));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The next `count` calls of `op` fail with this status (and Retry-After / delay). */
  failNext(op: FakeOperation, failure: FakeFailure, count = 1): void {
    this.failures.push({ op, failure, remaining: count });
  }

  /** Invalidates every issued token (the next API call answers 401). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  requestsOf(op: FakeOperation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === op);
  }

  conversation(id: string): FakeConversation | undefined {
    return this.store.get(id);
  }

  /** Texts the customer sent into a conversation, in order. */
  userTexts(conversationId: string): string[] {
    return (this.store.get(conversationId)?.inbound ?? []).map((m) => m.body.text ?? '');
  }

  // ---- acting as an agent -------------------------------------------------------------------

  join(conversationId: string, agent: FakeAgent = { id: 'f1e2d3c4-0000-4000-8000-00000000a9e1', name: 'Ana Agent' }) {
    const participant = this.store.agentJoin(conversationId, agent);
    this.notifications.publish(this.store.require(conversationId), [{ kind: 'user.start', participant }]);
    return participant;
  }

  transferToQueue(conversationId: string): void {
    const c = this.store.require(conversationId);
    const leaving = c.participants.filter((p) => p.purpose === 'agent' && p.state !== 'disconnected');
    this.store.agentTransferToQueue(conversationId);
    this.notifications.publish(
      c,
      leaving.map((participant) => ({ kind: 'user.end' as const, participant })),
    );
  }

  resolve(conversationId: string, customerDisconnectType = 'peer'): void {
    const c = this.store.require(conversationId);
    const leaving = c.participants.filter((p) => p.purpose === 'agent' && p.state !== 'disconnected');
    this.store.agentResolve(conversationId, customerDisconnectType);
    const ends = leaving.map((participant) => ({ kind: 'user.end' as const, participant }));
    this.notifications.publish(c, [...ends, { kind: 'customer.end', participant: this.store.customer(c) }]);
  }

  /** An agent text, delivered to the webhook as Genesys sends it. Resolves with the last attempt's status. */
  say(conversationId: string, text: string, extra: Record<string, unknown> = {}) {
    return this.deliver(
      this.outbound(conversationId, { type: 'Text', text, originatingEntity: 'Human', content: [], ...extra }),
    );
  }

  typing(conversationId: string) {
    return this.deliver(
      this.outbound(conversationId, {
        type: 'Event',
        events: [{ eventType: 'Typing', typing: { type: 'On', duration: 5000 } }],
      }),
    );
  }

  /** A normalized outbound message for this conversation (the webhook body), as an object. */
  outbound(conversationId: string, fields: Record<string, unknown>): Record<string, unknown> {
    return outboundMessage(this.store.require(conversationId), fields);
  }

  sign(body: string, secret = this.webhook?.secret ?? ''): string {
    return signBody(secret, body);
  }

  /** Posts a webhook with Genesys' retry policy: up to 5 redeliveries on timeout (10 s), 429 or 5xx. */
  deliver(body: Record<string, unknown> | string): Promise<number | 'error'> {
    if (!this.webhook) throw new Error('fake genesys: no webhook configured');
    return deliverWithRetries(this.webhook, typeof body === 'string' ? body : JSON.stringify(body), {
      retryDelayMs: this.options.webhookRetryDelayMs,
      sleep: (ms) => this.sleep(ms),
      record: (attempt) => this.deliveries.push(attempt),
    });
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.notifications.close();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const query: RecordedRequest['query'] = {};
      for (const [k, v] of url.searchParams) query[k] = k in query ? ([] as string[]).concat(query[k]!, v) : v;
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query,
        headers: req.headers,
        rawBody,
        body: undefined,
      };
      this.requests.push(rec);
      res.on('finish', () => (rec.status = res.statusCode));
      const route = this.routes.find((r) => r.method === rec.method && r.pattern.test(rec.path));
      if (!route) return this.error(res, 404, 'not.found', `No resource found at ${rec.method} ${rec.path}`);
      rec.operation = route.operation;
      const failure = this.takeFailure(route.operation);
      const run = () => {
        if (failure) return this.fail(res, route.operation, failure);
        if (route.operation === 'token' ? !this.checkBasic(rec, res) : !this.checkBearer(rec, res)) return;
        if (rawBody.length > 0 && route.operation !== 'token') {
          if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
            return this.error(res, 415, 'unsupported.media.type', 'Content-Type must be application/json');
          try {
            rec.body = JSON.parse(rawBody);
          } catch {
            return this.error(
              res,
              400,
              'bad.request',
              'The request could not be understood by the server due to malformed syntax.',
            );
          }
        }
        route.handle({ params: route.pattern.exec(rec.path)!.slice(1), rec, res });
      };
      if (failure?.delayMs) this.later(run, failure.delayMs);
      else run();
    });
  }

  private buildRoutes(): Route[] {
    const id = '([^/]+)';
    const r = (method: string, path: string, operation: FakeOperation, handle: Route['handle']): Route => ({
      method,
      pattern: new RegExp(`^${path}$`),
      operation,
      handle,
    });
    return [
      r('POST', '/oauth/token', 'token', ({ res }) => {
        const token = hex() + hex();
        this.tokens.set(token, Date.now() + this.options.tokenLifetimeSec * 1000);
        this.tokensIssued++;
        this.json(res, 200, { access_token: token, token_type: 'bearer', expires_in: this.options.tokenLifetimeSec });
      }),
      r('POST', `/api/v2/conversations/messages/${id}/inbound/open/message`, 'inbound', ({ params, rec, res }) =>
        this.inbound(params[0]!, rec, res),
      ),
      r('GET', `/api/v2/conversations/messages/${id}/details`, 'details', ({ params, res }) => {
        const m = this.store.messages.get(params[0]!);
        if (!m) return this.error(res, 404, 'not.found', 'The requested message could not be found.');
        this.json(res, 200, {
          id: params[0],
          conversationId: m.conversationId,
          direction: 'inbound',
          messengerType: 'open',
          textBody: m.body.text,
          status: 'received',
          timestamp: m.time,
          selfUri: `/api/v2/conversations/messages/${params[0]}/details`,
        });
      }),
      r('GET', `/api/v2/conversations/messages/${id}`, 'conversation', ({ params, res }) => {
        const c = this.store.get(params[0]!);
        if (!c) return this.error(res, 404, 'not.found', 'The requested conversation could not be found.');
        this.json(res, 200, {
          id: c.id,
          participants: c.participants,
          otherMediaUris: [],
          selfUri: `/api/v2/conversations/messages/${c.id}`,
        });
      }),
      r('PATCH', `/api/v2/conversations/messages/${id}/participants/${id}`, 'participant', ({ params, rec, res }) => {
        const parsed = participantPatchSchema.safeParse(rec.body);
        if (!parsed.success)
          return this.error(res, 400, 'bad.request', parsed.error.issues[0]?.message ?? 'invalid body');
        const c = this.store.get(params[0]!);
        const p = c?.participants.find((x) => x.id === params[1]);
        if (!c || !p) return this.error(res, 404, 'not.found', 'The requested participant could not be found.');
        if (parsed.data.state === 'disconnected' && p.state !== 'disconnected') {
          this.store.disconnect(p, 'client');
          const kind = p.purpose === 'customer' ? 'customer.end' : 'user.end';
          this.notifications.publish(c, [{ kind, participant: p }]);
        }
        res.writeHead(202, this.headers()).end();
      }),
      r('GET', `/api/v2/routing/queues/${id}/estimatedwaittime`, 'ewt', ({ params, res }) => {
        if (params[0] !== this.options.queueId)
          return this.error(res, 404, 'not.found', 'The requested queue could not be found.');
        const results =
          this.estimatedWaitSeconds === null
            ? []
            : [{ intent: 'ALL', formula: 'BEST', estimatedWaitTimeSeconds: this.estimatedWaitSeconds }];
        this.json(res, 200, { results });
      }),
      r('GET', `/api/v2/routing/queues/${id}/members`, 'members', ({ params, rec, res }) =>
        this.members(params[0]!, rec, res),
      ),
      r('POST', '/api/v2/notifications/channels', 'channel', ({ res }) =>
        this.answer(res, this.notifications.createChannel()),
      ),
      ...['GET', 'PUT', 'POST', 'DELETE'].map((method) =>
        r(method, `/api/v2/notifications/channels/${id}/subscriptions`, 'subscriptions', ({ params, rec, res }) =>
          this.answer(res, this.notifications.subscriptions(method, params[0]!, rec.body)),
        ),
      ),
      r('GET', `/api/v2/conversations/messaging/integrations/open/${id}`, 'integration', ({ params, res }) => {
        if (params[0] !== this.options.integrationId)
          return this.error(res, 404, 'not.found', 'The requested integration could not be found.');
        this.json(res, 200, {
          id: params[0],
          name: 'Cognigy bot',
          status: 'Active',
          selfUri: `/api/v2/conversations/messaging/integrations/open/${params[0]}`,
        });
      }),
      r('GET', `/api/v2/routing/queues/${id}`, 'queue', ({ params, res }) => {
        if (params[0] !== this.options.queueId)
          return this.error(res, 404, 'not.found', 'The requested queue could not be found.');
        this.json(res, 200, { id: params[0], name: 'Support', selfUri: `/api/v2/routing/queues/${params[0]}` });
      }),
    ];
  }

  private inbound(integrationId: string, rec: RecordedRequest, res: ServerResponse): void {
    if (integrationId !== this.options.integrationId)
      return this.error(res, 404, 'not.found', 'The requested integration could not be found.');
    const parsed = inboundMessageSchema.safeParse(rec.body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return this.error(res, 400, 'bad.request', `${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`);
    }
    const { conversation, messageId } = this.store.inbound(integrationId, parsed.data);
    const prefetch = rec.query.prefetchConversationId === 'true';
    this.json(res, 200, {
      id: messageId,
      channel: {
        id: integrationId,
        platform: 'Open',
        type: 'Private',
        messageId: parsed.data.channel.messageId,
        to: { id: integrationId },
        from: parsed.data.channel.from,
        time: parsed.data.channel.time,
      },
      type: 'Text',
      text: parsed.data.text,
      ...(parsed.data.content
        ? { content: parsed.data.content.map((c) => ({ contentType: 'Attachment', attachment: c.attachment })) }
        : {}),
      direction: 'Inbound',
      ...(prefetch && this.prefetchConversationId ? { conversationId: conversation.id } : {}),
    });
  }

  private answer(res: ServerResponse, a: ReturnType<FakeNotifications['createChannel']>): void {
    if (a.error) return this.error(res, a.status, a.error.code, a.error.message);
    if (a.body === undefined) return void res.writeHead(a.status, this.headers()).end();
    this.json(res, a.status, a.body);
  }

  private members(queueId: string, rec: RecordedRequest, res: ServerResponse): void {
    if (queueId !== this.options.queueId)
      return this.error(res, 404, 'not.found', 'The requested queue could not be found.');
    const statuses = ([] as string[]).concat(rec.query.routingStatus ?? []);
    if (statuses.some((s) => !(MEMBER_ROUTING_STATUSES as readonly string[]).includes(s)))
      return this.error(res, 400, 'bad.request', 'Invalid routingStatus');
    const pageSize = Number(rec.query.pageSize ?? 25);
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 100)
      return this.error(res, 400, 'bad.request', 'pageSize must be 1..100');
    const wantIdle = statuses.length === 0 || statuses.includes('IDLE');
    const entities = (wantIdle ? this.idleAgents : []).slice(0, pageSize).map((a) => ({
      id: a.id,
      name: a.name,
      user: { id: a.id, name: a.name, selfUri: `/api/v2/users/${a.id}` },
      ringNumber: 1,
      joined: true,
      memberBy: 'user',
      routingStatus: { userId: a.id, status: 'IDLE', startTime: new Date().toISOString() },
      selfUri: `/api/v2/routing/queues/${queueId}/members/${a.id}`,
    }));
    const more = wantIdle && this.idleAgents.length > pageSize;
    this.json(res, 200, {
      entities,
      pageSize,
      pageNumber: 1,
      firstUri: `/api/v2/routing/queues/${queueId}/members?pageNumber=1`,
      ...(more ? { nextUri: `/api/v2/routing/queues/${queueId}/members?pageNumber=2` } : {}),
    });
  }

  private checkBasic(rec: RecordedRequest, res: ServerResponse): boolean {
    const expected = `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`;
    const form = new URLSearchParams(rec.rawBody);
    const oauth = (status: number, error: string, description: string) => {
      res.writeHead(status, this.headers()).end(JSON.stringify({ error, description, error_description: description }));
      return false;
    };
    if (!String(rec.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return oauth(400, 'invalid_request', 'form body required');
    if (form.get('grant_type') !== 'client_credentials' || [...form.keys()].length !== 1)
      return oauth(400, 'unsupported_grant_type', 'grant type not supported');
    if (rec.headers.authorization !== expected) return oauth(401, 'invalid_client', 'authentication failed');
    return true;
  }

  private checkBearer(rec: RecordedRequest, res: ServerResponse): boolean {
    const auth = rec.headers.authorization ?? '';
    if (!auth.startsWith('Bearer ')) {
      this.error(
        res,
        401,
        'authentication.required',
        'No authentication bearer token specified in authorization header.',
      );
      return false;
    }
    const expiresAt = this.tokens.get(auth.slice(7));
    if (expiresAt === undefined || expiresAt < Date.now()) {
      this.error(res, 401, 'bad.credentials', 'Invalid login credentials.');
      return false;
    }
    return true;
  }

  private takeFailure(op: FakeOperation): FakeFailure | undefined {
    const entry = this.failures.find((f) => f.op === op && f.remaining > 0);
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.failures.splice(this.failures.indexOf(entry), 1);
    return entry.failure;
  }

  private fail(res: ServerResponse, op: FakeOperation, f: FakeFailure): void {
    if (op === 'token' && (f.status === 400 || f.status === 401)) {
      res.writeHead(f.status, this.headers()).end(
        JSON.stringify({
          error: 'invalid_client',
          description: 'authentication failed',
          error_description: 'authentication failed',
        }),
      );
      return;
    }
    const codes: Record<number, [string, string]> = {
      400: ['bad.request', 'The request could not be understood by the server due to malformed syntax.'],
      401: ['bad.credentials', 'Invalid login credentials.'],
      403: ['missing.permissions', 'You are missing the following permission(s): conversation:message:receive'],
      404: ['not.found', 'The requested resource could not be found.'],
      429: [
        'too.many.requests.retry.after',
        `Rate limit exceeded the maximum. Retry the request in [${Math.ceil((f.retryAfterMs ?? 1000) / 1000)}] seconds`,
      ],
      503: ['service.unavailable', 'Service Unavailable'],
    };
    const [code, message] = codes[f.status] ?? [
      'internal.server.error',
      'The server encountered an unexpected condition.',
    ];
    const extra: Record<string, string> =
      f.status === 429 ? { 'Retry-After': String(Math.ceil((f.retryAfterMs ?? 1000) / 1000)) } : {};
    this.error(res, f.status, code, message, extra);
  }

  private headers(extra: Record<string, string> = {}, correlationId: string = randomUUID()): Record<string, string> {
    return { 'content-type': 'application/json', 'ININ-Correlation-Id': correlationId, ...extra };
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, this.headers()).end(JSON.stringify(body));
  }

  /** Genesys `ErrorBody`; `contextId` is the correlation id, also sent as `ININ-Correlation-Id`. */
  private error(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    extra: Record<string, string> = {},
  ): void {
    const contextId = randomUUID();
    res
      .writeHead(status, this.headers(extra, contextId))
      .end(JSON.stringify({ message, code, status, contextId, details: [], errors: [] }));
  }

  private later(fn: () => void, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn();
    }, ms);
    this.timers.add(t);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.later(resolve, ms));
  }
}
