import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as entries from './entries';
import type { EventNaming, FakeAgent, StreamEvent } from './entries';
import {
  FAKE_MIAW,
  authTokenBody,
  createBody,
  messageBody,
  tokenBody,
  type FakeConversation,
  type FakeFailure,
  type FakeOperation,
  type RecordedRequest,
} from './model';
import { error, json, readRequest } from './http';

export { FAKE_MIAW, type FakeConversation, type FakeFailure, type FakeOperation, type RecordedRequest } from './model';

/**
 * A fake Salesforce MIAW (SCRT host) on 127.0.0.1: the access-token endpoints (guest and verified),
 * continuation tokens, conversation create / message / routing status / close, and the
 * server-sent-events stream `/eventrouter/v1/sse` per end user with `Last-Event-Id` replay. Bearer
 * tokens are checked on every call (401 when unknown or revoked), `X-Org-Id` on the stream, and any
 * operation can be made to fail (429 + Retry-After, 5xx). Control methods act as agents.
 */

interface User {
  log: StreamEvent[];
  clients: Set<ServerResponse>;
}

export class FakeMiaw {
  readonly requests: RecordedRequest[] = [];
  readonly conversations = new Map<string, FakeConversation>();
  /** `Last-Event-Id` of every stream connection, in order ('' when none was sent). */
  readonly streamCursors: string[] = [];
  url = '';
  naming: EventNaming = 'sample';
  /** Estimated wait in the initial routing result; null: not computable. */
  ewtSeconds: number | null = 45;
  /**
   * Whether a (re)connect replays what was published after its `Last-Event-Id`. Salesforce's sample
   * app relies on it; a third-party guide reports no replay, so the connector must cope either way.
   */
  replay = true;
  /** While true, stream connections are refused with 503. */
  streamsDown = false;
  /** While true, open streams get no bytes (a hung connection). */
  stalled = false;
  private server!: Server;
  private seq = 0;
  private readonly tokens = new Map<string, string>();
  private readonly users = new Map<string, User>();
  private readonly failures: Array<{ op: FakeOperation; failure: FakeFailure; remaining: number }> = [];

  static async start(): Promise<FakeMiaw> {
    const fake = new FakeMiaw();
    fake.server = createServer((req, res) => fake.onRequest(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  failNext(op: FakeOperation, failure: FakeFailure, count = 1): void {
    this.failures.push({ op, failure, remaining: count });
  }

  requestsOf(op: FakeOperation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === op);
  }

  /** Every issued token stops working (as at expiry). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** The id of the last event published (any user). */
  get lastEventId(): string {
    return String(this.seq);
  }

  /** Open stream connections (all users). */
  get openStreams(): number {
    let n = 0;
    for (const u of this.users.values()) n += u.clients.size;
    return n;
  }

  /** Cuts every open stream at the TCP level, mid-handover. */
  dropStreams(): void {
    for (const u of this.users.values()) for (const c of u.clients) c.destroy();
  }

  userTexts(conversationId: string): string[] {
    return (this.conversations.get(conversationId)?.userMessages ?? []).map((m) => m.text);
  }

  // ---- acting as Salesforce / an agent ----------------------------------------------------------
  join(conversationId: string, agent = FAKE_MIAW.agent): void {
    this.conv(conversationId).routingStatus = 'ROUTED';
    this.push(
      conversationId,
      'CONVERSATION_PARTICIPANT_CHANGED',
      entries.participantChanged(conversationId, agent, 'add', Date.now()),
    );
  }

  say(
    conversationId: string,
    text: string,
    options: { agent?: FakeAgent; attachments?: Array<{ name: string; url: string; mimeType: string }> } = {},
  ): void {
    this.push(
      conversationId,
      'CONVERSATION_MESSAGE',
      entries.textMessage(conversationId, options.agent ?? FAKE_MIAW.agent, text, Date.now(), options.attachments),
    );
  }

  typing(conversationId: string, started: boolean, agent = FAKE_MIAW.agent): void {
    const e = entries.typing(conversationId, agent, started, this.naming, Date.now());
    this.push(conversationId, e.event, e.data);
  }

  leave(conversationId: string, agent = FAKE_MIAW.agent): void {
    this.push(
      conversationId,
      'CONVERSATION_PARTICIPANT_CHANGED',
      entries.participantChanged(conversationId, agent, 'remove', Date.now()),
    );
  }

  transfer(conversationId: string, ewtSeconds: number | null = null): void {
    this.conv(conversationId).routingStatus = 'TRANSFER';
    this.push(
      conversationId,
      'CONVERSATION_ROUTING_RESULT',
      entries.routingResult(conversationId, { type: 'Transfer', ewtSeconds }, Date.now()),
    );
  }

  routingFailure(conversationId: string, reason: string): void {
    this.push(
      conversationId,
      'CONVERSATION_ROUTING_RESULT',
      entries.routingResult(conversationId, { type: 'Initial', ewtSeconds: null, failure: reason }, Date.now()),
    );
  }

  /** The agent ends the conversation. */
  resolve(conversationId: string): void {
    this.conv(conversationId).open = false;
    const e = entries.closed(conversationId, this.naming, Date.now());
    this.push(conversationId, e.event, e.data);
  }

  /** Pushes a recorded event (a fixture) into the stream of `conversationId`, retargeted to it. */
  pushRaw(conversationId: string, event: string, data: Record<string, unknown>): void {
    this.push(
      conversationId,
      event,
      JSON.stringify({ ...data, ...(data.conversationEntry ? { conversationId } : {}) }),
    );
  }

  /** A keep-alive to every open stream. */
  ping(): void {
    for (const u of this.users.values())
      for (const c of u.clients) c.write(this.naming === 'sdk' ? 'event: ping\ndata: {}\n\n' : ': keep-alive\n\n');
  }

  async close(): Promise<void> {
    this.dropStreams();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  // ---- HTTP ---------------------------------------------------------------------------------
  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    void readRequest(req).then(({ rec, url }) => {
      this.requests.push(rec);
      this.route(rec, url, res);
    });
  }

  private route(rec: RecordedRequest, url: URL, res: ServerResponse): void {
    const p = url.pathname;
    const conv = p.match(/^\/iamessage\/api\/v2\/conversation\/([^/]+)(\/message)?$/);
    const entriesOf = p.match(/^\/iamessage\/api\/v2\/conversation\/([^/]+)\/entries$/);
    const table: Array<[boolean, FakeOperation, () => void]> = [
      [
        rec.method === 'POST' && p === '/iamessage/api/v2/authorization/unauthenticated/access-token',
        'token',
        () => this.guestToken(rec, res),
      ],
      [
        rec.method === 'POST' && p === '/iamessage/api/v2/authorization/authenticated/access-token',
        'token',
        () => this.verifiedToken(rec, res),
      ],
      [
        rec.method === 'GET' && p === '/iamessage/api/v2/authorization/continuation-access-token',
        'continuation',
        () => this.continuation(rec, res),
      ],
      [rec.method === 'POST' && p === '/iamessage/api/v2/conversation', 'create', () => this.create(rec, res)],
      [rec.method === 'POST' && !!conv?.[2], 'message', () => this.message(conv![1]!, rec, res)],
      [rec.method === 'GET' && !!conv && !conv[2], 'status', () => this.status(conv![1]!, rec, res)],
      [rec.method === 'DELETE' && !!conv && !conv[2], 'close', () => this.closeConversation(conv![1]!, url, rec, res)],
      [rec.method === 'GET' && !!entriesOf, 'entries', () => this.entries(entriesOf![1]!, url, rec, res)],
      [rec.method === 'GET' && p === '/eventrouter/v1/sse', 'sse', () => this.stream(rec, res)],
    ];
    const hit = table.find(([match]) => match);
    if (!hit) return error(res, rec, 404, 'NOT_FOUND', `No route ${rec.method} ${p}`);
    rec.operation = hit[1];
    const failure = this.takeFailure(hit[1]);
    if (failure) {
      const extra: Record<string, string> =
        failure.retryAfterMs !== undefined ? { 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) } : {};
      return error(
        res,
        rec,
        failure.status,
        failure.status === 429 ? 'TOO_MANY_REQUESTS' : 'INJECTED',
        'Injected failure',
        extra,
      );
    }
    hit[2]();
  }

  private guestToken(rec: RecordedRequest, res: ServerResponse): void {
    const body = tokenBody.safeParse(rec.body);
    if (!body.success) return error(res, rec, 400, 'INVALID_REQUEST', body.error.issues[0]!.message);
    if (!this.deployment(body.data, rec, res)) return;
    this.issue(`guest-${randomBytes(6).toString('hex')}`, rec, res);
  }

  private verifiedToken(rec: RecordedRequest, res: ServerResponse): void {
    const body = authTokenBody.safeParse(rec.body);
    if (!body.success) return error(res, rec, 400, 'INVALID_REQUEST', body.error.issues[0]!.message);
    if (!this.deployment(body.data, rec, res)) return;
    if (!FAKE_MIAW.identityTokens.includes(body.data.customerIdentityToken))
      return error(res, rec, 401, 'INVALID_IDENTITY_TOKEN', 'Identity token rejected');
    this.issue(`verified-${body.data.customerIdentityToken}`, rec, res);
  }

  private continuation(rec: RecordedRequest, res: ServerResponse): void {
    const subject = this.bearer(rec, res);
    if (subject) this.issue(subject, rec, res);
  }

  private create(rec: RecordedRequest, res: ServerResponse): void {
    const subject = this.bearer(rec, res);
    if (!subject) return;
    const body = createBody.safeParse(rec.body);
    if (!body.success) return error(res, rec, 400, 'INVALID_REQUEST', body.error.issues[0]!.message);
    if (body.data.esDeveloperName !== FAKE_MIAW.esDeveloperName)
      return error(res, rec, 400, 'INVALID_DEPLOYMENT', 'Unknown deployment');
    if (this.conversations.has(body.data.conversationId))
      return error(res, rec, 409, 'CONFLICT', 'Conversation exists');
    const id = body.data.conversationId;
    this.conversations.set(id, {
      id,
      subject,
      routingAttributes: body.data.routingAttributes ?? {},
      ...(body.data.language ? { language: body.data.language } : {}),
      open: true,
      routingStatus: 'NEEDS_ROUTING',
      userMessages: [],
    });
    this.push(
      id,
      'CONVERSATION_ROUTING_RESULT',
      entries.routingResult(id, { type: 'Initial', ewtSeconds: this.ewtSeconds }, Date.now()),
    );
    json(res, rec, 201, {});
  }

  private message(id: string, rec: RecordedRequest, res: ServerResponse): void {
    const conv = this.owned(id, rec, res);
    if (!conv) return;
    const body = messageBody.safeParse(rec.body);
    if (!body.success) return error(res, rec, 400, 'INVALID_REQUEST', body.error.issues[0]!.message);
    if (!conv.open) return error(res, rec, 400, 'CONVERSATION_CLOSED', 'The conversation is closed');
    if (conv.userMessages.some((m) => m.id === body.data.message.id))
      return error(res, rec, 409, 'DUPLICATE_ENTRY', 'Entry id already used');
    const { id: messageId, staticContent } = body.data.message;
    conv.userMessages.push({ id: messageId, text: staticContent.text });
    this.push(
      id,
      'CONVERSATION_MESSAGE',
      entries.userEcho(id, conv.subject, staticContent.text, messageId, Date.now()),
    );
    json(res, rec, 202, { conversationEntries: [{ id: messageId, clientTimestamp: Date.now() }] });
  }

  private status(id: string, rec: RecordedRequest, res: ServerResponse): void {
    const conv = this.owned(id, rec, res);
    if (conv) json(res, rec, 200, { conversationId: id, routingStatus: conv.routingStatus });
  }

  private closeConversation(id: string, url: URL, rec: RecordedRequest, res: ServerResponse): void {
    const conv = this.owned(id, rec, res);
    if (!conv) return;
    if (url.searchParams.get('esDeveloperName') !== FAKE_MIAW.esDeveloperName)
      return error(res, rec, 400, 'INVALID_DEPLOYMENT', 'esDeveloperName is required');
    if (!conv.open) return error(res, rec, 409, 'CONVERSATION_CLOSED', 'Already closed');
    conv.open = false;
    const e = entries.closed(id, this.naming, Date.now());
    this.push(id, e.event, e.data);
    rec.status = 204;
    res.writeHead(204).end();
  }

  /** The conversation's newest entries (`limit`, at most 50), newest first, as `listConversationEntries`. */
  private entries(id: string, url: URL, rec: RecordedRequest, res: ServerResponse): void {
    const conv = this.owned(id, rec, res);
    if (!conv) return;
    const limit = Math.min(50, Number(url.searchParams.get('limit') ?? 20));
    const list = this.user(conv.subject)
      .log.map((e) => JSON.parse(e.data) as { conversationId: string; conversationEntry: Record<string, unknown> })
      .filter((d) => d.conversationId === id && !String(d.conversationEntry.entryType).startsWith('Typing'))
      .map((d) => d.conversationEntry)
      .reverse()
      .slice(0, limit);
    json(res, rec, 200, { conversationEntries: list });
  }

  private stream(rec: RecordedRequest, res: ServerResponse): void {
    const subject = this.bearer(rec, res);
    if (!subject) return;
    if (rec.headers['x-org-id'] !== FAKE_MIAW.orgId)
      return error(res, rec, 401, 'INVALID_ORG', 'X-Org-Id does not match the token');
    if (this.streamsDown) return error(res, rec, 503, 'UNAVAILABLE', 'Event router unavailable');
    const cursor = String(rec.headers['last-event-id'] ?? '');
    this.streamCursors.push(cursor);
    const user = this.user(subject);
    rec.status = 200;
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    res.write(': connected\n\n');
    const from = cursor === '' ? 0 : Number(cursor);
    if (this.replay) for (const e of user.log) if (Number(e.id) > from) res.write(entries.frame(e));
    user.clients.add(res);
    res.on('close', () => user.clients.delete(res));
  }

  // ---- helpers ------------------------------------------------------------------------------
  private push(conversationId: string, event: string, data: string): void {
    const user = this.user(this.conv(conversationId).subject);
    const e: StreamEvent = { id: String(++this.seq), event, data };
    user.log.push(e);
    if (!this.stalled) for (const c of user.clients) c.write(entries.frame(e));
  }

  private conv(id: string): FakeConversation {
    const conv = this.conversations.get(id);
    if (!conv) throw new Error(`fake MIAW: no conversation ${id}`);
    return conv;
  }

  private user(subject: string): User {
    let user = this.users.get(subject);
    if (!user) this.users.set(subject, (user = { log: [], clients: new Set() }));
    return user;
  }

  private issue(subject: string, rec: RecordedRequest, res: ServerResponse): void {
    const token = `fake-jwt.${randomBytes(12).toString('hex')}`;
    this.tokens.set(token, subject);
    this.user(subject);
    json(res, rec, 200, {
      accessToken: token,
      lastEventId: String(this.seq),
      context: { deviceId: randomBytes(4).toString('hex'), configuration: {} },
    });
  }

  private deployment(
    body: { orgId: string; esDeveloperName: string },
    rec: RecordedRequest,
    res: ServerResponse,
  ): boolean {
    if (body.orgId === FAKE_MIAW.orgId && body.esDeveloperName === FAKE_MIAW.esDeveloperName) return true;
    error(res, rec, 400, 'INVALID_DEPLOYMENT', 'Unknown org or deployment');
    return false;
  }

  private bearer(rec: RecordedRequest, res: ServerResponse): string | undefined {
    const header = String(rec.headers.authorization ?? '');
    const subject = header.startsWith('Bearer ') ? this.tokens.get(header.slice(7)) : undefined;
    if (!subject) error(res, rec, 401, 'UNAUTHORIZED', 'Invalid or expired access token');
    return subject;
  }

  private owned(id: string, rec: RecordedRequest, res: ServerResponse): FakeConversation | undefined {
    const subject = this.bearer(rec, res);
    if (!subject) return undefined;
    const conv = this.conversations.get(id);
    if (!conv || conv.subject !== subject) {
      error(res, rec, 404, 'NOT_FOUND', 'No such conversation for this user');
      return undefined;
    }
    return conv;
  }

  private takeFailure(op: FakeOperation): FakeFailure | undefined {
    const i = this.failures.findIndex((f) => f.op === op);
    if (i < 0) return undefined;
    const f = this.failures[i]!;
    if (--f.remaining <= 0) this.failures.splice(i, 1);
    return f.failure;
  }
}
