import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeConversation, FakeInteraction, FakeTask } from './model';
import { buildRoutes, type FakeOperation, type Route } from './routes';
import { fixture, postSigned, type Delivery } from './webhooks';
import { newSid, iso } from './model';

/**
 * A fake Twilio on 127.0.0.1 for connector tests: the Conversations, Flex Interactions and TaskRouter
 * paths the connector uses (one server plays all three hosts), with Twilio's Basic auth (Account SID
 * + Auth Token, or an API key), form bodies, error bodies (`{code, message, more_info, status}`),
 * `Twilio-Request-Id`, and 429 + Retry-After on demand. The control methods act as Flex agents and
 * post webhooks signed with the Auth Token, as Twilio does.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  form: URLSearchParams;
  operation?: FakeOperation;
  status?: number;
}

export interface FakeFailure {
  status: number;
  retryAfterMs?: number;
}

export const FAKE_TWILIO = {
  accountSid: 'AC0123456789abcdef0123456789abcdef',
  authToken: '0123456789abcdef0123456789abcdef',
  apiKeySid: 'SK0123456789abcdef0123456789abcdef',
  apiKeySecret: 'api-key-secret-0123456789',
  workspaceSid: 'WS0123456789abcdef0123456789abcdef',
  workflowSid: 'WW0123456789abcdef0123456789abcdef',
  queueSid: 'WQ0123456789abcdef0123456789abcdef',
  otherQueueSid: 'WQfedcba9876543210fedcba9876543210',
};

export interface FakeAgent {
  identity: string;
  name?: string;
}

export class FakeTwilio {
  readonly requests: RecordedRequest[] = [];
  readonly conversations = new Map<string, FakeConversation>();
  readonly interactions = new Map<string, FakeInteraction>();
  readonly tasks = new Map<string, FakeTask>();
  readonly deliveries: Delivery[] = [];
  url = '';
  /** Workers available in every queue (RealTimeStatistics). */
  availableWorkers = 2;
  /** Average seconds in queue until accepted (CumulativeStatistics). */
  averageWaitSeconds = 90;
  /** When set, Interactions are created with no channel until `settleInteractions()` (Twilio's asynchronous setup). */
  deferInteractions = false;
  /** When set, Flex refuses new interactions: their channel fails (error 19025) and no task is created. */
  failInteractions = false;
  /** Where TaskRouter posts workspace events (`task.canceled`). */
  eventCallbackUrl: string | undefined;
  /** Maps the public URL a webhook was registered with to where it is delivered (a proxy). */
  deliverTo: (url: string) => string = (url) => url;
  now: () => number = Date.now;

  private server!: Server;
  private readonly failures: Array<{ op: FakeOperation; failure: FakeFailure; remaining: number }> = [];
  private readonly routes: Route[];
  private readonly pending = new Set<Promise<unknown>>();

  private constructor() {
    this.routes = buildRoutes(this);
  }

  static async start(): Promise<FakeTwilio> {
    const fake = new FakeTwilio();
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

  conversation(sid: string): FakeConversation {
    const c = this.conversations.get(sid);
    if (!c) throw new Error(`fake twilio: no conversation ${sid}`);
    return c;
  }

  /** Texts the customer participant wrote, in order. */
  userTexts(sid: string): string[] {
    const customer = this.conversation(sid).participants[0]?.identity;
    return this.conversation(sid)
      .messages.filter((m) => m.author === customer)
      .map((m) => m.body);
  }

  taskOf(conversationSid: string): FakeTask | undefined {
    return [...this.tasks.values()].reverse().find((t) => t.attributes.conversationSid === conversationSid);
  }

  /** Gives deferred interactions their channel and task, as Flex does a moment after the POST. */
  settleInteractions(): void {
    for (const i of this.interactions.values()) if (i.channels.length === 0) this.route(i);
  }

  /** Flex's side of an accepted interaction: a channel on the conversation and a pending task in a queue. */
  route(interaction: FakeInteraction): void {
    const channel = { sid: newSid('UO'), type: String(interaction.channel.type), status: 'active' as const };
    interaction.channels.push(channel);
    const props = (interaction.routing.properties ?? {}) as Record<string, unknown>;
    const attrs = (props.attributes ?? {}) as Record<string, unknown>;
    const wanted = (attrs.handover as { queue?: string } | undefined)?.queue;
    const conversationSid = String((interaction.channel.properties as Record<string, unknown>).media_channel_sid);
    this.tasks.set(`task-${interaction.sid}`, {
      sid: newSid('WT'),
      queueSid: wanted === FAKE_TWILIO.otherQueueSid ? wanted : FAKE_TWILIO.queueSid,
      workflowSid: String(props.workflow_sid),
      status: 'pending',
      priority: typeof props.priority === 'number' ? props.priority : 0,
      attributes: {
        ...attrs,
        conversationSid,
        flexInteractionSid: interaction.sid,
        flexInteractionChannelSid: channel.sid,
      },
      createdAt: this.now(),
      channel: String(props.task_channel_unique_name ?? 'default'),
    });
  }

  // ---- acting as Flex and its agents ---------------------------------------------------------

  /** The agent accepts the reservation: task assigned, agent participant added (webhook). */
  async join(sid: string, agent: FakeAgent = { identity: 'alice@example.com', name: 'Alice Agent' }): Promise<void> {
    const task = this.taskOf(sid);
    if (task) task.status = 'assigned';
    const participant = {
      sid: newSid('MB'),
      identity: agent.identity,
      attributes: JSON.stringify(agent.name ? { friendlyName: agent.name } : {}),
      dateCreated: iso(this.now()),
    };
    this.conversation(sid).participants.push(participant);
    await this.fire(sid, 'onParticipantAdded', {
      ParticipantSid: participant.sid,
      Identity: participant.identity,
      Attributes: participant.attributes,
      DateCreated: participant.dateCreated,
    });
  }

  /** An agent message from Flex UI (onMessageAdded). */
  async say(sid: string, text: string, agent = 'alice@example.com'): Promise<void> {
    const message = this.addMessage(sid, agent, text, '{}', true);
    await this.fire(sid, 'onMessageAdded', {
      MessageSid: message.sid,
      Index: String(message.index),
      Author: agent,
      Body: text,
      DateCreated: message.dateCreated,
    });
  }

  /** The agent ends the chat: task completed, channel closed, conversation closed (onConversationStateUpdated). */
  async resolve(sid: string): Promise<void> {
    const task = this.taskOf(sid);
    if (task) task.status = 'completed';
    for (const i of this.interactions.values())
      if (i.channel.properties && (i.channel.properties as Record<string, unknown>).media_channel_sid === sid)
        for (const ch of i.channels) ch.status = 'closed';
    await this.setState(sid, 'closed', true);
  }

  /** TaskRouter cancels the task (a workflow timeout): `task.canceled` to the Event Callback URL. */
  async cancelTask(sid: string, reason = 'Task TTL Exceeded'): Promise<number | 'error' | undefined> {
    const task = this.taskOf(sid);
    if (!task) throw new Error(`fake twilio: no task for ${sid}`);
    task.status = 'canceled';
    task.reason = reason;
    if (!this.eventCallbackUrl) return undefined;
    const params = fixture('task.canceled', {
      AccountSid: FAKE_TWILIO.accountSid,
      WorkspaceSid: FAKE_TWILIO.workspaceSid,
      ResourceSid: task.sid,
      TaskSid: task.sid,
      Sid: newSid('EV'),
      Timestamp: String(Math.floor(this.now() / 1000)),
      TaskCanceledReason: reason,
      TaskQueueSid: task.queueSid,
      TaskAttributes: JSON.stringify(task.attributes),
    });
    return this.post(this.eventCallbackUrl, params);
  }

  addMessage(sid: string, author: string, body: string, attributes: string, webhookEnabled: boolean) {
    const c = this.conversation(sid);
    const message = {
      sid: newSid('IM'),
      index: c.messages.length,
      author,
      body,
      attributes,
      webhookEnabled,
      dateCreated: iso(this.now()),
    };
    c.messages.push(message);
    return message;
  }

  async setState(sid: string, state: FakeConversation['state'], webhooks: boolean): Promise<void> {
    const c = this.conversation(sid);
    const from = c.state;
    c.state = state;
    if (webhooks && from !== state)
      await this.fire(sid, 'onConversationStateUpdated', {
        StateFrom: from,
        StateTo: state,
        DateUpdated: iso(this.now()),
        FriendlyName: c.friendlyName,
      });
  }

  /** Posts an event to the conversation's scoped webhooks that subscribe to it. */
  fire(
    sid: string,
    event: 'onMessageAdded' | 'onParticipantAdded' | 'onParticipantRemoved' | 'onConversationStateUpdated',
    fields: Record<string, string>,
  ) {
    const c = this.conversation(sid);
    const posts = c.webhooks
      .filter((w) => w.filters.includes(event))
      .map((w) =>
        this.post(
          w.url,
          fixture(event, { AccountSid: FAKE_TWILIO.accountSid, ConversationSid: sid, WebhookSid: w.sid, ...fields }),
        ),
      );
    return Promise.all(posts);
  }

  /** Waits for webhook posts still in flight. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.idle();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private post(url: string, params: Record<string, string>): Promise<number | 'error'> {
    const p = postSigned(FAKE_TWILIO.authToken, url, this.deliverTo(url), params).then((status) => {
      this.deliveries.push({ url, params, status });
      return status;
    });
    this.pending.add(p);
    return p.finally(() => this.pending.delete(p));
  }

  // ---- HTTP ---------------------------------------------------------------------------------

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const rec: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        rawBody,
        form: new URLSearchParams(rawBody),
      };
      this.requests.push(rec);
      res.on('finish', () => (rec.status = res.statusCode));
      const route = this.routes.find((r) => r.method === rec.method && r.pattern.test(rec.path));
      if (!route) return this.error(res, 404, 20404, `The requested resource ${rec.path} was not found`);
      rec.operation = route.operation;
      const failure = this.takeFailure(route.operation);
      if (failure) return this.fail(res, failure);
      if (!this.authorized(rec)) return this.error(res, 401, 20003, 'Authenticate');
      if (
        rec.method === 'POST' &&
        rawBody &&
        !String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      ) {
        return this.error(res, 400, 20001, 'Content-Type must be application/x-www-form-urlencoded');
      }
      route.handle({ params: route.pattern.exec(rec.path)!.slice(1), rec, res });
    });
  }

  private authorized(rec: RecordedRequest): boolean {
    const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
    const given = rec.headers.authorization;
    return (
      given === basic(FAKE_TWILIO.accountSid, FAKE_TWILIO.authToken) ||
      given === basic(FAKE_TWILIO.apiKeySid, FAKE_TWILIO.apiKeySecret)
    );
  }

  private takeFailure(op: FakeOperation): FakeFailure | undefined {
    const entry = this.failures.find((f) => f.op === op && f.remaining > 0);
    if (!entry) return undefined;
    entry.remaining--;
    if (entry.remaining === 0) this.failures.splice(this.failures.indexOf(entry), 1);
    return entry.failure;
  }

  private fail(res: ServerResponse, f: FakeFailure): void {
    const codes: Record<number, [number, string]> = {
      400: [20001, 'Invalid parameter'],
      401: [20003, 'Authenticate'],
      403: [20403, 'Forbidden'],
      404: [20404, 'The requested resource was not found'],
      429: [20429, 'Too Many Requests'],
    };
    const [code, message] = codes[f.status] ?? [20500, 'Internal Server Error'];
    const extra: Record<string, string> =
      f.status === 429 ? { 'Retry-After': String(Math.ceil((f.retryAfterMs ?? 1000) / 1000)) } : {};
    this.error(res, f.status, code, message, extra);
  }

  json(res: ServerResponse, status: number, body: unknown): void {
    res
      .writeHead(status, { 'content-type': 'application/json', 'twilio-request-id': newSid('RQ') })
      .end(JSON.stringify(body));
  }

  error(res: ServerResponse, status: number, code: number, message: string, extra: Record<string, string> = {}): void {
    const body = { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status };
    res
      .writeHead(status, { 'content-type': 'application/json', 'twilio-request-id': newSid('RQ'), ...extra })
      .end(JSON.stringify(body));
  }
}
