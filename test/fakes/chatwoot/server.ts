import { randomUUID } from 'node:crypto';
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { FakeChatwootBehaviour, HttpError, NOT_FOUND, type RouteInput } from './handlers';
import { FakeAccount, type Availability, type ConversationStatus, type FakeConversation } from './model';
import { WebhookSender, type WebhookTarget } from './webhooks';

export type FakeOperation =
  | 'createContact'
  | 'searchContacts'
  | 'listConversations'
  | 'conversationMeta'
  | 'createConversation'
  | 'getConversation'
  | 'toggleStatus'
  | 'togglePriority'
  | 'setLabels'
  | 'getLabels'
  | 'setCustomAttributes'
  | 'assignments'
  | 'createMessage'
  | 'listMessages'
  | 'inboxMembers'
  | 'agents'
  | 'teams'
  | 'teamMembers';

export interface RecordedRequest {
  operation: FakeOperation | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: unknown;
  status: number;
  requestId: string;
}

export interface FailureSpec {
  /** Answer with this status instead (Chatwoot's body for it). Without a status, only `delayMs` applies. */
  status?: number;
  /** Adds `Retry-After` (seconds) to a 429 — Chatwoot itself sends none; edges in front of it may. */
  retryAfterMs?: number;
  /** Wait this long before answering. */
  delayMs?: number;
}

export interface FakeChatwootOptions {
  accountId?: number;
  token?: string;
  /** The token's owner: an `agent` self-assigns conversations it opens (Chatwoot's pitfall). */
  tokenRole?: 'administrator' | 'agent';
  inbox?: { id?: number; name?: string; agentBot?: boolean };
  agents?: Array<{
    id: number;
    name: string;
    availability?: Availability;
    inInbox?: boolean;
    role?: 'agent' | 'administrator';
  }>;
  teams?: Array<{ id: number; name: string; members: number[] }>;
  webhook?: WebhookTarget;
  now?: () => number;
  /** Messages per conversation per minute before Chatwoot's 422 "Too many messages" (default 200). */
  messageLimitPerMinute?: number;
}

const ROUTES: Array<{ method: string; pattern: RegExp; operation: FakeOperation; keys: string[] }> = [
  { method: 'POST', pattern: /^contacts$/, operation: 'createContact', keys: [] },
  { method: 'GET', pattern: /^contacts\/search$/, operation: 'searchContacts', keys: [] },
  { method: 'GET', pattern: /^conversations$/, operation: 'listConversations', keys: [] },
  { method: 'GET', pattern: /^conversations\/meta$/, operation: 'conversationMeta', keys: [] },
  { method: 'POST', pattern: /^conversations$/, operation: 'createConversation', keys: [] },
  { method: 'GET', pattern: /^conversations\/(\d+)$/, operation: 'getConversation', keys: ['id'] },
  { method: 'POST', pattern: /^conversations\/(\d+)\/toggle_status$/, operation: 'toggleStatus', keys: ['id'] },
  { method: 'POST', pattern: /^conversations\/(\d+)\/toggle_priority$/, operation: 'togglePriority', keys: ['id'] },
  { method: 'POST', pattern: /^conversations\/(\d+)\/labels$/, operation: 'setLabels', keys: ['id'] },
  { method: 'GET', pattern: /^conversations\/(\d+)\/labels$/, operation: 'getLabels', keys: ['id'] },
  {
    method: 'POST',
    pattern: /^conversations\/(\d+)\/custom_attributes$/,
    operation: 'setCustomAttributes',
    keys: ['id'],
  },
  { method: 'POST', pattern: /^conversations\/(\d+)\/assignments$/, operation: 'assignments', keys: ['id'] },
  { method: 'POST', pattern: /^conversations\/(\d+)\/messages$/, operation: 'createMessage', keys: ['id'] },
  { method: 'GET', pattern: /^conversations\/(\d+)\/messages$/, operation: 'listMessages', keys: ['id'] },
  { method: 'GET', pattern: /^inbox_members\/(\d+)$/, operation: 'inboxMembers', keys: ['inboxId'] },
  { method: 'GET', pattern: /^agents$/, operation: 'agents', keys: [] },
  { method: 'GET', pattern: /^teams$/, operation: 'teams', keys: [] },
  { method: 'GET', pattern: /^teams\/(\d+)\/team_members$/, operation: 'teamMembers', keys: ['teamId'] },
];

const ACCOUNT_PATH = /^\/api\/v1\/accounts\/(\d+)\/(.+?)\/?$/;

/**
 * A fake Chatwoot on 127.0.0.1: the Application API routes the connector uses, with Chatwoot's auth
 * header, paths, strict request bodies, response and error shapes, `X-Request-Id`, and API-inbox
 * webhooks (signed when a secret is set). Tests act as agents through `join`, `say`, `resolve`…
 */
export class FakeChatwoot {
  readonly requests: RecordedRequest[] = [];
  readonly account: FakeAccount;
  readonly webhooks: WebhookSender;
  readonly behaviour: FakeChatwootBehaviour;
  readonly token: string;
  url = '';
  /** TCP connections accepted (keep-alive check). */
  connections = 0;
  private server?: Server;
  private readonly failures = new Map<FakeOperation, Array<FailureSpec>>();

  constructor(options: FakeChatwootOptions = {}) {
    const now = options.now ?? Date.now;
    this.token = options.token ?? 'cw-user-token-7Qv9xK2m';
    const inbox = {
      id: options.inbox?.id ?? 7,
      name: options.inbox?.name ?? 'Handover API',
      agentBot: options.inbox?.agentBot ?? false,
    };
    this.account = new FakeAccount(options.accountId ?? 1, 'Acme', inbox, now);
    const agents = options.agents ?? [
      { id: 3, name: 'Jane Doe', availability: 'online' },
      { id: 4, name: 'Max Mustermann', availability: 'offline' },
    ];
    for (const a of agents) {
      this.account.agents.set(a.id, {
        id: a.id,
        name: a.name,
        email: `${a.name.split(' ')[0]!.toLowerCase()}@acme.test`,
        availability: a.availability ?? 'online',
        role: a.role ?? 'agent',
        inInbox: a.inInbox ?? true,
      });
    }
    // The token's owner: an administrator who is not one of the inbox agents.
    const ownerId = 1;
    this.account.agents.set(ownerId, {
      id: ownerId,
      name: 'Bot Admin',
      email: 'admin@acme.test',
      availability: 'offline',
      role: options.tokenRole ?? 'administrator',
      inInbox: false,
    });
    for (const t of options.teams ?? [{ id: 2, name: 'Support', members: [3] }]) this.account.teams.set(t.id, { ...t });
    this.webhooks = new WebhookSender(now);
    this.webhooks.target = options.webhook;
    this.behaviour = new FakeChatwootBehaviour(
      this.account,
      this.webhooks,
      now,
      { id: ownerId, role: options.tokenRole ?? 'administrator' },
      options.messageLimitPerMinute,
    );
  }

  async listen(): Promise<this> {
    this.server = createServer((req, res) => void this.handle(req, res));
    this.server.keepAliveTimeout = 30_000;
    this.server.on('connection', () => this.connections++);
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get accountId(): number {
    return this.account.id;
  }

  get inboxId(): number {
    return this.account.inbox.id;
  }

  /** The next `count` calls of `operation` fail (or are slow) as described. */
  failNext(operation: FakeOperation, spec: FailureSpec, count = 1): void {
    const queue = this.failures.get(operation) ?? [];
    for (let i = 0; i < count; i++) queue.push(spec);
    this.failures.set(operation, queue);
  }

  setWebhook(target: WebhookTarget | undefined): void {
    this.webhooks.target = target;
  }

  requestsOf(operation: FakeOperation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  // ---- acting as agents ----

  conversation(id: string | number): FakeConversation {
    return this.behaviour.conversation(id);
  }

  /** An agent takes the conversation (assignment → `conversation_updated`). */
  join(conversationId: string | number, agentId = this.firstAgent()): void {
    this.behaviour.assign(this.conversation(conversationId), agentId);
  }

  unassign(conversationId: string | number): void {
    this.behaviour.assign(this.conversation(conversationId), null);
  }

  say(
    conversationId: string | number,
    text: string,
    options: { agentId?: number; private?: boolean; attachments?: Array<{ file_type: string; data_url: string }> } = {},
  ): number {
    const c = this.conversation(conversationId);
    return this.behaviour.addMessage(c, {
      content: text,
      message_type: 'outgoing',
      private: options.private ?? false,
      sender: { kind: 'user', id: options.agentId ?? c.assignee_id ?? this.firstAgent() },
      attachments: options.attachments ?? [],
    }).id;
  }

  resolve(conversationId: string | number): void {
    this.setStatus(conversationId, 'resolved');
  }

  setStatus(conversationId: string | number, status: ConversationStatus): void {
    this.behaviour.setStatus(this.conversation(conversationId), status);
  }

  typing(conversationId: string | number, on: boolean, options: { agentId?: number; private?: boolean } = {}): void {
    const c = this.conversation(conversationId);
    this.behaviour.typing(
      c,
      on,
      { kind: 'user', id: options.agentId ?? c.assignee_id ?? this.firstAgent() },
      options.private,
    );
  }

  setAvailability(agentId: number, availability: Availability): void {
    this.account.agents.get(agentId)!.availability = availability;
  }

  /** What the user said, as Chatwoot stored it (incoming, public). */
  userMessages(conversationId: string | number): string[] {
    return this.account
      .messagesOf(Number(conversationId))
      .filter((m) => m.message_type === 'incoming' && !m.private)
      .map((m) => m.content ?? '');
  }

  notes(conversationId: string | number): string[] {
    return this.account
      .messagesOf(Number(conversationId))
      .filter((m) => m.private)
      .map((m) => m.content ?? '');
  }

  settled(): Promise<void> {
    return this.webhooks.settled();
  }

  async close(): Promise<void> {
    await this.settled();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private firstAgent(): number {
    return [...this.account.agents.values()].find((a) => a.inInbox)!.id;
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const requestId = randomUUID();
    const match = ACCOUNT_PATH.exec(url.pathname);
    const route = match ? ROUTES.find((r) => r.method === req.method && r.pattern.test(match[2]!)) : undefined;
    const record: RecordedRequest = {
      operation: route?.operation ?? 'unknown',
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      status: 0,
      requestId,
    };
    this.requests.push(record);
    const send = (
      status: number,
      payload: unknown,
      type = 'application/json; charset=utf-8',
      extra: Record<string, string> = {},
    ) => {
      record.status = status;
      const text = payload === undefined ? '' : typeof payload === 'string' ? payload : JSON.stringify(payload);
      res.writeHead(status, { 'content-type': type, 'x-request-id': requestId, ...extra });
      res.end(text);
    };
    try {
      const raw = Buffer.concat(chunks).toString('utf8');
      if (raw.length > 0 && String(req.headers['content-type'] ?? '').includes('application/json')) {
        try {
          record.body = JSON.parse(raw);
        } catch {
          throw new HttpError(400, { error: 'Invalid JSON in request body' });
        }
      }
      if (!match || !route) throw NOT_FOUND();
      const failure = this.failures.get(route.operation)?.shift();
      if (failure?.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
      if (failure?.status) return this.sendFailure(failure, send);
      const token = req.headers['api_access_token'];
      if (token === undefined)
        throw new HttpError(401, { errors: ['You need to sign in or sign up before continuing.'] });
      if (token !== this.token) throw new HttpError(401, { error: 'Invalid Access Token' });
      if (Number(match[1]) !== this.account.id) throw NOT_FOUND();
      const params = Object.fromEntries(route.keys.map((k, i) => [k, route.pattern.exec(match[2]!)![i + 1]!]));
      const input: RouteInput = { params, query: url.searchParams, body: record.body };
      send(200, (this.behaviour[route.operation] as (i: RouteInput) => unknown).call(this.behaviour, input));
    } catch (error) {
      if (error instanceof HttpError) return send(error.status, error.body);
      send(500, { status: 500, error: 'Internal Server Error', exception: (error as Error).message });
    }
  }

  private sendFailure(
    failure: FailureSpec,
    send: (status: number, payload: unknown, type?: string, extra?: Record<string, string>) => void,
  ): void {
    const status = failure.status!;
    if (status === 429) {
      // Rack::Attack's default responder: plain text, no Retry-After (unless an edge adds one).
      const extra: Record<string, string> =
        failure.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) } : {};
      return send(429, 'Retry later\n', 'text/plain', extra);
    }
    if (status === 401) return send(401, { error: 'Invalid Access Token' });
    if (status === 404) return send(404, { error: 'Resource could not be found' });
    if (status === 422) return send(422, { message: 'Validation failed', attributes: [] });
    if (status >= 502)
      return send(status, `<html><body><h1>${status} Service Unavailable</h1></body></html>`, 'text/html');
    send(status, { status, error: 'Internal Server Error' });
  }
}

export async function startFakeChatwoot(options: FakeChatwootOptions = {}): Promise<FakeChatwoot> {
  return new FakeChatwoot(options).listen();
}
