import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  FAKE_DEFAULTS,
  multipart,
  problem,
  type FakeConversation,
  type FakeFailure,
  type FakeOperation,
  type Multipart,
  type RecordedRequest,
  type Route,
} from './model';
import { deliverSigned, generateSigningKey, type DeliveryOptions, type SigningKey } from './signer';

export { FAKE_DEFAULTS, type FakeConversation, type FakeFailure, type FakeOperation, type RecordedRequest };

/**
 * A fake 8x8 on 127.0.0.1: Chat Gateway v1 (x-api-key, X-8x8-Tenant, hal+json answers,
 * problem+json errors), the public JWK endpoint, OAuth client credentials and the real-time queue
 * metrics. Control methods act as agents; each sends the webhook 8x8 would, signed with the fake's
 * RSA key, and resolves once it was delivered (redelivered on a non-2xx, like 8x8).
 */
export class FakeEightByEight {
  url = '';
  readonly requests: RecordedRequest[] = [];
  readonly conversations = new Map<string, FakeConversation>();
  readonly deliveries: Array<{ body: string; status: number | 'error'; retry: number }> = [];
  /** Real-time figures of every queue (null: the metric is left out). */
  metrics: { availableIdle: number | null; waiting: number | null; avgWaitMs: number | null } = {
    availableIdle: 2,
    waiting: 1,
    avgWaitMs: 45_000,
  };
  webhook: { url: string } | undefined;
  signingKey: SigningKey;
  readonly keys = new Map<string, SigningKey>();
  tokensIssued = 0;
  private server!: Server;
  private readonly tokens = new Set<string>();
  private readonly failures: Array<{ op: FakeOperation; failure: FakeFailure; remaining: number }> = [];
  private chain: Promise<unknown> = Promise.resolve();
  private readonly routes: Route[];

  private constructor(private readonly retryDelayMs: number) {
    this.signingKey = generateSigningKey();
    this.keys.set(this.signingKey.kid, this.signingKey);
    const gw = '/chat-gateway/v1';
    this.routes = [
      {
        method: 'POST',
        pattern: new RegExp(`^${gw}/conversations$`),
        op: 'create',
        auth: 'key',
        handle: (_, b, res) => this.create(b, res),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^${gw}/conversations/([^/]+)$`),
        op: 'conversation',
        auth: 'key',
        handle: ([id], _, res) => this.read(id!, res),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^${gw}/conversations/([^/]+)/messages$`),
        op: 'message',
        auth: 'key',
        handle: ([id], b, res) => this.message(id!, b, res),
      },
      {
        method: 'POST',
        pattern: new RegExp(`^${gw}/conversations/([^/]+)/attachments$`),
        op: 'attachment',
        auth: 'key',
        handle: ([id], b, res) => this.attachment(id!, b, res),
      },
      {
        method: 'GET',
        pattern: /^\/files\/([^/]+)$/,
        op: 'file',
        auth: 'none',
        handle: ([name], _, res) => this.file(name!, res),
      },
      {
        method: 'PATCH',
        pattern: new RegExp(`^${gw}/conversations/([^/]+)/participants/user$`),
        op: 'participant',
        auth: 'key',
        handle: ([id], b, res) => this.removeUser(id!, b, res),
      },
      {
        method: 'GET',
        pattern: new RegExp(`^${gw}/jwk/([^/]+)/public$`),
        op: 'jwk',
        auth: 'none',
        handle: ([kid], _, res) => this.jwk(kid!, res),
      },
      {
        method: 'POST',
        pattern: /^\/oauth\/v2\/token$/,
        op: 'token',
        auth: 'basic',
        handle: (_, b, res) => this.token(b, res),
      },
      {
        method: 'GET',
        pattern: /^(?:\/(?:eu|au|ca))?\/analytics\/cc\/v5\/realtime-metrics\/queues\/([^/]+)$/,
        op: 'metrics',
        auth: 'bearer',
        handle: ([q], _, res) => this.queue(q!, res),
      },
    ];
  }

  static async start(options: { retryDelayMs?: number } = {}): Promise<FakeEightByEight> {
    const fake = new FakeEightByEight(options.retryDelayMs ?? 5);
    fake.server = createServer((req, res) => void fake.onRequest(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  failNext(op: FakeOperation, failure: FakeFailure, count = 1): void {
    this.failures.push({ op, failure, remaining: count });
  }

  /** A new signing key (8x8 rotating its key); the old one stays published. */
  rotateKey(): SigningKey {
    this.signingKey = generateSigningKey();
    this.keys.set(this.signingKey.kid, this.signingKey);
    return this.signingKey;
  }

  conversation(id: string): FakeConversation {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`fake 8x8: no conversation ${id}`);
    return c;
  }

  userTexts(id: string): string[] {
    return this.conversation(id)
      .messages.filter((m) => m.authorType === 'user')
      .map((m) => m.text);
  }

  // ---- agent side: each sends the webhook(s) 8x8 sends and resolves once delivered ----
  join(id: string, agentId = 'agent-ana'): Promise<void> {
    const c = this.conversation(id);
    c.state = 'active';
    c.assignment = { type: 'agent', id: agentId };
    return this.emit(id, 'MEMBERS_CHANGED', { memberType: 'agent', change: 'joined', id: agentId });
  }

  say(id: string, text: string, extra: Record<string, unknown> = {}): Promise<void> {
    const c = this.conversation(id);
    c.messages.push({ authorType: 'agent', text });
    return this.emit(id, 'MESSAGE', {
      isEcho: false,
      sender: { id: c.assignment.id, type: 'agent' },
      text,
      attachments: [],
      cards: [],
      ...extra,
    });
  }

  typing(id: string, on: boolean): Promise<void> {
    const users = on ? [{ type: 'agent', id: this.conversation(id).assignment.id }] : [];
    return this.emit(id, 'ACTIVITY', { name: 'typing', value: { users } });
  }

  /** The agent transfers to another queue: TRANSFER, the agent leaves, QUEUED. */
  async transfer(id: string, queueId = '456'): Promise<void> {
    const c = this.conversation(id);
    const agent = c.assignment.id;
    c.assignment = { type: 'queue', id: queueId };
    await this.emit(id, 'TRANSFER', undefined);
    await this.emit(id, 'MEMBERS_CHANGED', { memberType: 'agent', change: 'left', id: agent });
    await this.emit(id, 'QUEUED', { queueId, queueName: 'Second line' });
  }

  /** The agent ends the chat: the agent leaves and the conversation goes idle. */
  async resolve(id: string): Promise<void> {
    const c = this.conversation(id);
    const agent = c.assignment.id;
    c.state = 'idle';
    await this.emit(id, 'MEMBERS_CHANGED', { memberType: 'agent', change: 'left', id: agent });
    await this.emit(id, 'CONVERSATION_UPDATE', {
      state: 'idle',
      assignment: c.assignment,
      user: c.user,
      channel: 'ChatAPI',
    });
  }

  /** Sends one event on the channel webhook (in order with every other event). */
  emit(conversationId: string | undefined, eventType: string, data: unknown): Promise<void> {
    const body = JSON.stringify({
      eventType,
      ...(conversationId ? { conversationId } : {}),
      timestamp: Date.now(),
      ...(data !== undefined ? { data } : {}),
    });
    return this.deliverRaw(body);
  }

  /** Delivers a raw body, signed with `key` (default: the current key), in order with every other event. */
  deliverRaw(body: string, options: DeliveryOptions = {}): Promise<void> {
    const run = async () => {
      if (!this.webhook) return;
      const attempts = await deliverSigned(this.webhook.url, body, options.key ?? this.signingKey, FAKE_DEFAULTS, {
        ...options,
        retryDelayMs: this.retryDelayMs,
      });
      this.deliveries.push(...attempts);
    };
    const next = this.chain.then(run, run);
    this.chain = next.catch(() => undefined);
    return next;
  }

  /** Resolves when every webhook queued so far was delivered. */
  settled(): Promise<unknown> {
    return this.chain;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP side ----
  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const rawBytes = Buffer.concat(chunks);
    const raw = rawBytes.toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    let body: unknown = raw;
    if ((req.headers['content-type'] ?? '').includes('json') && raw) {
      try {
        body = JSON.parse(raw);
      } catch {
        return this.json(res, 400, problem('Malformed JSON', 'invalid_json_object'));
      }
    }
    const type = req.headers['content-type'] ?? '';
    if (type.startsWith('multipart/form-data')) body = await multipart(rawBytes, type);
    const rec: RecordedRequest = {
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      headers: req.headers,
      body,
    };
    this.requests.push(rec);
    for (const route of this.routes) {
      const m = route.pattern.exec(url.pathname);
      if (!m || route.method !== req.method) continue;
      rec.operation = route.op;
      const fail = this.takeFailure(route.op);
      if (fail) {
        if (fail.retryAfterMs !== undefined) res.setHeader('retry-after', String(Math.ceil(fail.retryAfterMs / 1000)));
        return this.json(res, fail.status, problem(`Injected failure ${fail.status}`, 'injected'));
      }
      if (!this.authorized(route.auth, req)) return this.json(res, 401, problem('Access Denied', 'access_denied'));
      return route.handle(
        m.slice(1).map(decodeURIComponent),
        route.op === 'token' ? new URLSearchParams(raw) : body,
        res,
      );
    }
    this.json(res, 404, problem('Not found', 'resource_not_found'));
  }

  private authorized(kind: Route['auth'], req: IncomingMessage): boolean {
    if (kind === 'none') return true;
    if (kind === 'key') return req.headers['x-api-key'] === FAKE_DEFAULTS.apiKey;
    if (kind === 'basic') {
      const expected = Buffer.from(`${FAKE_DEFAULTS.apiKey}:${FAKE_DEFAULTS.apiSecret}`).toString('base64');
      return req.headers.authorization === `Basic ${expected}`;
    }
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    return token !== undefined && this.tokens.has(token);
  }

  private takeFailure(op: FakeOperation): FakeFailure | undefined {
    const entry = this.failures.find((f) => f.op === op && f.remaining > 0);
    if (!entry) return undefined;
    entry.remaining--;
    return entry.failure;
  }

  private create(body: unknown, res: ServerResponse): void {
    const b = body as { channelId?: unknown; user?: unknown; assignment?: { type?: unknown; id?: unknown } } | null;
    if (!b || typeof b.channelId !== 'string' || !b.user || typeof b.user !== 'object') {
      return this.json(res, 400, problem('channelId and user are required', 'invalid_parameter'));
    }
    if (b.assignment && (b.assignment.type !== 'queue' || typeof b.assignment.id !== 'string')) {
      return this.json(res, 400, problem('Invalid assignment', 'invalid_queue'));
    }
    const id = randomBytes(12).toString('base64url');
    const queueId = (b.assignment?.id as string | undefined) ?? FAKE_DEFAULTS.queueId;
    const c: FakeConversation = {
      id,
      channelId: b.channelId,
      state: 'created',
      assignment: { type: 'queue', id: queueId },
      queueId,
      user: b.user as Record<string, unknown>,
      messages: [],
      files: new Map(),
      userRemoved: false,
    };
    this.conversations.set(id, c);
    this.json(res, 202, { conversationId: id, createdAt: new Date().toISOString() });
    void this.emit(id, 'CONVERSATION_UPDATE', {
      state: 'created',
      assignment: c.assignment,
      user: c.user,
      channel: 'ChatAPI',
    });
    void this.emit(id, 'QUEUED', { queueId, queueName: 'Support' });
  }

  private read(id: string, res: ServerResponse): void {
    const c = this.conversations.get(id);
    if (!c) return this.json(res, 404, problem(`Conversation ${id} was not found`, 'resource_not_found'));
    this.json(res, 200, {
      id: c.id,
      channelId: c.channelId,
      state: c.state,
      assignment: c.assignment,
      user: c.user,
      _links: { self: { href: `/chat-gateway/v1/conversations/${c.id}` } },
    });
  }

  private message(id: string, body: unknown, res: ServerResponse): void {
    const c = this.conversations.get(id);
    if (!c || c.userRemoved)
      return this.json(res, 404, problem(`Conversation ${id} was not found`, 'resource_not_found'));
    const b = body as { authorType?: unknown; text?: unknown; attachments?: Array<{ id?: unknown }> } | null;
    const files = Array.isArray(b?.attachments) ? b!.attachments.map((a) => String(a?.id)) : [];
    const textOk = typeof b?.text === 'string' || (b?.text === undefined && files.length > 0);
    if (!b || (b.authorType !== 'user' && b.authorType !== 'bot') || !textOk) {
      return this.json(res, 400, {
        message: 'Invalid authorType or text',
        errors: { code: 'invalid_json_object', message: 'Invalid message' },
      });
    }
    if (files.some((f) => !c.files.has(f)))
      return this.json(res, 400, problem('Unknown attachment id', 'invalid_parameter'));
    const text = typeof b.text === 'string' ? b.text : '';
    c.messages.push({ authorType: b.authorType, text, ...(files.length ? { attachments: files } : {}) });
    res.writeHead(202).end();
    // 8x8 echoes the bot's own messages back to the webhook.
    if (b.authorType === 'bot')
      void this.emit(id, 'MESSAGE', { isEcho: true, sender: { id: 'bot', type: 'bot' }, text });
  }

  private attachment(id: string, body: unknown, res: ServerResponse): void {
    const c = this.conversations.get(id);
    if (!c) return this.json(res, 404, problem(`Conversation ${id} was not found`, 'resource_not_found'));
    const form = body as Multipart | undefined;
    const file = form?.files.attachment;
    if (!file) return this.json(res, 400, problem('The attachment part is required', 'invalid_parameter'));
    const attachmentId = randomBytes(24).toString('base64url');
    c.files.set(attachmentId, { ...file, authorType: form.fields.authorType ?? 'user' });
    this.json(res, 200, {
      id: attachmentId,
      filename: file.filename,
      sizeInBytes: file.bytes.length,
      createdAt: new Date().toISOString(),
    });
  }

  /** Files the tests' "user" shares (a stand-in for the channel's storage). */
  readonly files = new Map<string, { contentType: string; bytes: Buffer }>();

  private file(name: string, res: ServerResponse): void {
    const f = this.files.get(name);
    if (!f) return this.json(res, 404, problem('No such file', 'resource_not_found'));
    res.writeHead(200, { 'content-type': f.contentType, 'content-length': String(f.bytes.length) }).end(f.bytes);
  }

  private removeUser(id: string, body: unknown, res: ServerResponse): void {
    const c = this.conversations.get(id);
    // What 8x8 answers when the user already left is not documented; this fake says 404.
    if (!c || c.userRemoved)
      return this.json(res, 404, problem(`Conversation ${id} was not found`, 'resource_not_found'));
    if ((body as { removed?: unknown } | null)?.removed !== true)
      return this.json(res, 400, problem('removed must be true', 'invalid_parameter'));
    c.userRemoved = true;
    c.state = 'idle';
    res.writeHead(204).end();
    void this.emit(id, 'MEMBERS_CHANGED', { memberType: 'user', change: 'left', id: 'user' });
    void this.emit(id, 'CONVERSATION_UPDATE', {
      state: 'idle',
      assignment: c.assignment,
      user: c.user,
      channel: 'ChatAPI',
    });
  }

  private jwk(kid: string, res: ServerResponse): void {
    const key = this.keys.get(kid);
    if (!key) return this.json(res, 404, problem(`JWK ${kid} was not found`, 'resource_not_found'));
    this.json(res, 200, key.publicJwk);
  }

  private token(form: unknown, res: ServerResponse): void {
    if (!(form instanceof URLSearchParams) || form.get('grant_type') !== 'client_credentials') {
      return this.json(res, 400, { ErrorCode: 'invalid_request', Error: 'Unsupported grant type' });
    }
    const token = randomBytes(18).toString('base64url');
    this.tokens.add(token);
    this.tokensIssued++;
    this.json(res, 200, { access_token: token, token_type: 'BearerToken', expires_in: '1799', status: 'approved' });
  }

  /** Metrics answers wait until the returned function is called (a slow analytics API). */
  holdMetrics(): () => void {
    let release!: () => void;
    this.metricsGate = new Promise<void>((resolve) => (release = resolve));
    return () => {
      this.metricsGate = undefined;
      release();
    };
  }

  private metricsGate: Promise<void> | undefined;

  private async queue(queueId: string, res: ServerResponse): Promise<void> {
    await this.metricsGate;
    const m = this.metrics;
    const metrics = [
      ...(m.availableIdle !== null ? [{ key: 'availableIdle.rt', value: String(m.availableIdle) }] : []),
      ...(m.waiting !== null ? [{ key: 'interactionsWaitInQueue.rt', value: m.waiting }] : []),
      ...(m.avgWaitMs !== null ? [{ key: 'interactionsAvgWaitTime.int-15m', value: m.avgWaitMs }] : []),
    ];
    this.json(res, 200, [{ id: queueId, name: 'Support', metrics }]);
  }

  private json(res: ServerResponse, status: number, body: unknown): void {
    const type = status >= 400 ? 'application/problem+json' : 'application/hal+json';
    res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
  }
}
