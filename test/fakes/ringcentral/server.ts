import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createContent, postSdk, postWebhook, sdkSign, subscribe, type SdkCallResult } from './callbacks';
import { EngageModel, engageId, type FakeAgentStatus, type FakeThread } from './model';
import { restRoute, type Reply } from './rest';

/**
 * A fake RingCentral Engage Digital on 127.0.0.1, with its two hosts on two ports, as the real
 * service has them: the REST API (`/1.0/…`, bearer token or `access_token`, 500 requests/min, JSON
 * errors) and the real-time host's Send API (`/realtime/sdk/<source>`, HMAC-SHA512-signed body,
 * `ok` / 422 answers). Control methods act as agents: SDK actions posted signed to the source's Base
 * URI (the answer's signature checked), Webhook API deliveries with `X-Dimelo-Secret`.
 */

export type FakeOperation =
  | 'send-api'
  | 'threads'
  | 'thread'
  | 'categorize'
  | 'interventions'
  | 'close-intervention'
  | 'cancel-intervention'
  | 'status';

export interface FakeFailure {
  status: number;
  retryAfterMs?: number;
}

export interface RecordedRequest {
  host: 'rest' | 'realtime';
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body?: unknown;
  operation?: FakeOperation;
  status?: number;
}

export const FAKE_DEFAULTS = {
  apiToken: 'fake-engage-api-token-0123456789',
  sourceId: '5f0c1d2e3a4b5c6d7e8f9a0b',
  sourceToken: 'fake-source-access-token-0123456789abcdef',
  domainId: '48cc6703bdae1462ce06a555',
  agent: { id: '4f4f3a08a90ffb27ee000583', name: 'Ana Agent' },
};

export class FakeEngage {
  readonly model = new EngageModel();
  readonly requests: RecordedRequest[] = [];
  /** Send API actions accepted, in order. */
  readonly actions: Array<{ action: string; params: Record<string, unknown> }> = [];
  /** Agents `GET /status` lists. */
  agents: FakeAgentStatus[] = [
    {
      agent_id: FAKE_DEFAULTS.agent.id,
      channels: [{ id: engageId(), name: 'Messaging', status: 'available', busyness: 'ok' }],
      categoryIds: [],
    },
  ];
  /** When set, a categorization sends `messaging.queuing_update` before it answers (task mode). */
  queueOnCategorize: { position: number; waitSeconds: number } | undefined;
  /** REST requests allowed per minute (Engage: 500). */
  rateLimitPerMinute = 500;
  /** Where Engage calls the integration: the SDK source's Base URI and the webhook (same URL for Cognigy). */
  sdkUrl = '';
  webhook: { url: string; secret?: string; verifyToken: string } | undefined;
  readonly sdkCalls: Array<{ action: string; attempts: SdkCallResult[] }> = [];
  readonly webhookDeliveries: Array<{ body: string; status: number | 'error' }> = [];
  restUrl = '';
  realtimeUrl = '';

  private readonly servers: Server[] = [];
  private readonly failures: Array<{ op: FakeOperation; failure: FakeFailure; remaining: number }> = [];
  private readonly window: number[] = [];

  private constructor(readonly options: typeof FAKE_DEFAULTS) {}

  static async start(options: Partial<typeof FAKE_DEFAULTS> = {}): Promise<FakeEngage> {
    const fake = new FakeEngage({ ...FAKE_DEFAULTS, ...options });
    const rest = await fake.listen('rest');
    const realtime = await fake.listen('realtime');
    fake.restUrl = `${rest}/1.0`;
    fake.realtimeUrl = `${realtime}/realtime/sdk/${fake.options.sourceId}`;
    return fake;
  }

  failNext(op: FakeOperation, failure: FakeFailure, count = 1): void {
    this.failures.push({ op, failure, remaining: count });
  }

  requestsOf(op: FakeOperation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === op);
  }

  thread(conversationId: string): FakeThread {
    return this.model.requireForeign(conversationId);
  }

  /** Texts the customer sent into the thread (after the opening content), in order. */
  userTexts(conversationId: string): string[] {
    return this.thread(conversationId)
      .contents.slice(1)
      .filter((c) => !c.fromAgent)
      .map((c) => c.body ?? '');
  }

  // ---- acting as Engage and its agents ------------------------------------------------------

  /** An agent is assigned: the intervention opens; `intervention.assigned` is delivered. */
  async join(conversationId: string, agent = FAKE_DEFAULTS.agent) {
    const thread = this.thread(conversationId);
    const i = this.model.assign(thread, agent.id);
    return this.deliver([this.event('intervention.assigned', thread, { user_id: agent.id, intervention: i.id })]);
  }

  /** An agent reply: `messages.create` to the source, signed, retried as Engage retries. */
  async say(conversationId: string, text: string, extra: Record<string, unknown> = {}, agent = FAKE_DEFAULTS.agent) {
    const thread = this.thread(conversationId);
    const i = this.model.assign(thread, agent.id);
    i.userRepliesCount++;
    const content = {
      id: engageId(),
      foreignId: '',
      body: text,
      authorId: agent.id,
      fromAgent: true,
      createdAt: new Date().toISOString(),
    };
    thread.contents.push(content);
    const params = {
      author_id: agent.id,
      body: text,
      content_id: content.id,
      created_at: content.createdAt,
      format: 'text',
      in_reply_to_id: thread.contents[0]?.foreignId,
      sender_name: agent.name,
      thread_id: thread.foreignId,
      ...extra,
    };
    return this.sdk('messages.create', params, true);
  }

  typing(conversationId: string, on = true) {
    return this.sdk(on ? 'typing.start' : 'typing.stop', { thread_id: this.thread(conversationId).foreignId });
  }

  queueUpdate(conversationId: string, position: number, estimatedWaitSeconds: number) {
    const thread = this.thread(conversationId);
    return this.sdk('messaging.queuing_update', {
      estimated_wait_time: estimatedWaitSeconds,
      position,
      thread_id: thread.foreignId,
      in_reply_to_id: thread.contents.at(-1)?.foreignId,
    });
  }

  /** The agent closes the intervention: `intervention.closed`. */
  async resolve(conversationId: string) {
    const thread = this.thread(conversationId);
    const i = this.model.openIntervention(thread) ?? this.model.assign(thread, FAKE_DEFAULTS.agent.id);
    i.closed = true;
    i.closedAt = new Date().toISOString();
    return this.deliver([
      this.event('intervention.closed', thread, { user_id: i.userId, intervention: i.id, closed_at: i.closedAt }),
    ]);
  }

  /** One Webhook API event of this thread (envelope built by `deliver`). */
  event(
    type: string,
    thread: FakeThread,
    meta: { user_id?: string; intervention?: string; closed_at?: string } = {},
    issuedAt = new Date(),
  ) {
    const resourceType = type.split('.')[0]!;
    return {
      type,
      id: engageId(),
      ...(meta.user_id ? { user_id: meta.user_id } : {}),
      resource: {
        type: resourceType,
        id: meta.intervention ?? thread.id,
        metadata: {
          category_ids: thread.categoryIds,
          closed_at: meta.closed_at ?? null,
          deferred_at: null,
          identity_id: engageId(),
          source_id: thread.sourceId,
          thread_id: thread.id,
          user_id: meta.user_id ?? null,
        },
      },
      issued_at: issuedAt.toISOString(),
    };
  }

  envelope(events: unknown[]): string {
    return JSON.stringify({ id: engageId(), domain_id: this.options.domainId, events });
  }

  async deliver(events: unknown[], raw = this.envelope(events)): Promise<number | 'error'> {
    if (!this.webhook) throw new Error('fake engage: no webhook registered');
    const status = await postWebhook(this.webhook.url, this.webhook.secret, raw);
    this.webhookDeliveries.push({ body: raw, status });
    return status;
  }

  /** The webhook subscription check Engage makes on registration. */
  subscribe(challenge = randomBytes(8).toString('hex')) {
    if (!this.webhook) throw new Error('fake engage: no webhook registered');
    return subscribe(this.webhook.url, this.webhook.verifyToken, this.webhook.secret, challenge);
  }

  /** A signed SDK action to the source (contents with Engage's retries). */
  async sdk(action: string, params: Record<string, unknown>, content = false): Promise<SdkCallResult[]> {
    if (!this.sdkUrl) throw new Error('fake engage: no source Base URI');
    const envelope = { action, params, time: new Date().toISOString() };
    const attempts = content
      ? await createContent(this.sdkUrl, this.options.sourceToken, envelope)
      : [await postSdk(this.sdkUrl, this.options.sourceToken, JSON.stringify(envelope))];
    this.sdkCalls.push({ action, attempts });
    return attempts;
  }

  signSdk(body: string): string {
    return sdkSign(this.options.sourceToken, body);
  }

  async close(): Promise<void> {
    for (const s of this.servers) {
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private async listen(host: 'rest' | 'realtime'): Promise<string> {
    const server = createServer((req, res) => this.onRequest(host, req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  private onRequest(host: 'rest' | 'realtime', req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const rec: RecordedRequest = {
        host,
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(rec);
      res.on('finish', () => (rec.status = res.statusCode));
      const reply: Reply = (status, body, headers = {}) => {
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        res
          .writeHead(status, {
            'content-type': typeof body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8',
            ...headers,
          })
          .end(text);
      };
      if (host === 'realtime') return this.realtime(rec, reply);
      this.rest(rec, reply);
    });
  }

  private take(op: FakeOperation): FakeFailure | undefined {
    const entry = this.failures.find((f) => f.op === op && f.remaining > 0);
    if (!entry) return undefined;
    if (--entry.remaining === 0) this.failures.splice(this.failures.indexOf(entry), 1);
    return entry.failure;
  }

  private failWith(f: FakeFailure, reply: Reply): void {
    const names: Record<number, string> = {
      401: 'invalid_access_token',
      403: 'forbidden',
      404: 'not_found',
      429: 'rate_limit_exceeded',
      503: 'service_unavailable',
    };
    const headers: Record<string, string> =
      f.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(f.retryAfterMs / 1000)) } : {};
    const error = names[f.status] ?? 'internal_server_error';
    reply(
      f.status,
      { error, message: f.status === 429 ? 'Rate limit exceeded' : error.replace(/_/g, ' '), status: f.status },
      headers,
    );
  }

  /** `POST /realtime/sdk/:sourceId`: the Send API. */
  private realtime(rec: RecordedRequest, reply: Reply): void {
    const match = /^\/realtime\/sdk\/([^/]+)$/.exec(rec.path);
    if (rec.method !== 'POST' || !match) return reply(404, 'Not found');
    rec.operation = 'send-api';
    const failure = this.take('send-api');
    if (failure) return this.failWith(failure, reply);
    if (Buffer.byteLength(rec.rawBody) > 20_971_520) return reply(413, 'Invalid request size (max: 20971520 bytes)');
    if (decodeURIComponent(match[1]!) !== this.options.sourceId) return reply(422, 'Source not found');
    if (rec.headers['x-smccsdk-signature'] !== this.signSdk(rec.rawBody)) return reply(422, 'Invalid signature');
    let body: { action?: unknown; params?: Record<string, unknown> };
    try {
      body = JSON.parse(rec.rawBody);
    } catch {
      return reply(400, 'Bad request');
    }
    rec.body = body;
    if (typeof body.action !== 'string' || !body.params || typeof body.params !== 'object')
      return reply(400, 'Invalid request format');
    const p = body.params;
    const author = p.author as Record<string, unknown> | undefined;
    const validAuthor = author && typeof author.id === 'string' && typeof author.screenname === 'string';
    switch (body.action) {
      case 'threads.create':
        if (typeof p.id !== 'string' || !validAuthor || typeof p.body !== 'string')
          return reply(422, 'Invalid resource format');
        this.model.createThread(this.options.sourceId, p);
        break;
      case 'messages.create': {
        const hasContent = typeof p.body === 'string' || (Array.isArray(p.attachments) && p.attachments.length > 0);
        if (typeof p.id !== 'string' || !validAuthor || typeof p.thread_id !== 'string' || !hasContent)
          return reply(422, 'Invalid resource format');
        if (typeof p.body === 'string' && p.body.length > 20_000) return reply(422, 'Invalid resource format');
        const thread = this.model.byForeignId(p.thread_id);
        if (!thread) return reply(422, 'Invalid resource format'); // the real service would import it in a new thread
        this.model.addMessage(thread, p);
        break;
      }
      case 'typing.start':
      case 'typing.stop':
        if (typeof p.thread_id !== 'string' && typeof p.in_reply_to_id !== 'string')
          return reply(422, 'Invalid resource format');
        break;
      default:
        return reply(422, 'Invalid action');
    }
    this.actions.push({ action: body.action, params: p });
    reply(200, 'ok');
  }

  /** The REST API under `/1.0`. */
  private rest(rec: RecordedRequest, reply: Reply): void {
    const token = (rec.headers.authorization ?? '').replace(/^Bearer /, '') || rec.query.get('access_token') || '';
    const route = restRoute(this.model, this.agents, rec);
    if (!route) return reply(404, { error: 'not_found', message: 'Not found', status: 404 });
    rec.operation = route.op;
    const failure = this.take(route.op);
    if (failure) return this.failWith(failure, reply);
    if (token !== this.options.apiToken)
      return reply(401, { error: 'invalid_access_token', message: 'Invalid access token', status: 401 });
    const now = Date.now();
    while (this.window.length && this.window[0]! < now - 60_000) this.window.shift();
    if (this.window.length >= this.rateLimitPerMinute)
      return reply(429, { error: 'rate_limit_exceeded', message: 'Rate limit exceeded', status: 429 });
    this.window.push(now);
    const queued = this.queueOnCategorize;
    const thread = route.op === 'categorize' ? this.model.threads.get(rec.path.split('/')[3] ?? '') : undefined;
    if (!queued || !thread) return route.run(reply);
    // Task mode: the thread enters a routed category and the queue update goes out before the answer.
    void this.queueUpdate(thread.foreignId, queued.position, queued.waitSeconds).then(() => route.run(reply));
  }
}
