import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  ErrorReply,
  Failures,
  REQUEST_ID_HEADER,
  badRequest,
  checkSuncoAuth,
  checkSupportAuth,
  errorBody,
  newHexId,
  readBody,
  sendJson,
  type FakeFailure,
  type FakeOperation,
  type RecordedRequest,
} from './http';
import {
  availabilityPage,
  conversationView,
  switchboardIntegration,
  type FakeAgent,
  type FakeConversation,
  type FakeMessage,
  type FakeTicket,
  type FakeUser,
  type SwitchboardIntegration,
} from './model';
import { SuncoRoutes } from './routes';
import { WebhookSender, webhookEvent } from './webhooks';

export type { FakeAgent, FakeConversation, FakeMessage, FakeTicket, FakeUser, SwitchboardIntegration } from './model';
export type { FakeFailure, FakeOperation, RecordedRequest } from './http';

/**
 * A fake Zendesk on 127.0.0.1: Sunshine Conversations v2 under `/sc` (users, conversations,
 * messages, passControl, releaseControl) and the Support API's `agent_availabilities`, with
 * Zendesk's auth, paths, strict bodies, answers, error shapes and request id header. It sends
 * webhooks signed the SunCo way (`X-API-Key`), plays the agent through its control methods,
 * records every request, and fails on demand.
 */
export interface FakeZendeskOptions {
  appId?: string;
  keyId?: string;
  keySecret?: string;
  webhookSecret?: string;
  supportEmail?: string;
  supportApiToken?: string;
  /** Switchboard integration name of the bot (default `handover-bot`). */
  botName?: string;
  /** Agent Workspace's next integration: the bot (default), or none (a Closed ticket then releases control). */
  agentWorkspaceNext?: 'bot' | null;
  /** The bot integration receives conversation events while in standby (default true). */
  deliverStandbyEvents?: boolean;
  /** Echo messages posted through the API as `conversation:message` webhooks (default true). */
  echoApiMessages?: boolean;
  /** Triggers the bot's webhook subscribes to (default: the five the connector documents). */
  triggers?: string[];
  agents?: FakeAgent[];
}

export const DEFAULT_TRIGGERS = [
  'conversation:message',
  'conversation:typing',
  'switchboard:passControl',
  'switchboard:passControl:failure',
  'switchboard:releaseControl',
];

export class FakeZendesk {
  readonly appId: string;
  readonly keyId: string;
  readonly keySecret: string;
  readonly webhookSecret: string;
  readonly supportEmail: string | undefined;
  readonly supportApiToken: string | undefined;
  readonly bot: SwitchboardIntegration;
  readonly agentWorkspace: SwitchboardIntegration;
  readonly users = new Map<string, FakeUser>();
  readonly conversations = new Map<string, FakeConversation>();
  readonly requests: RecordedRequest[] = [];
  /** Distinct JWTs presented (token caching shows as few of them). */
  readonly jwtsSeen = new Set<string>();
  readonly webhooks: WebhookSender;
  agents: FakeAgent[];
  readonly triggers: Set<string>;
  readonly echoApiMessages: boolean;
  private readonly failures = new Failures();
  private readonly routes: SuncoRoutes;
  private server: Server | undefined;
  private ticketCounter = 1000;
  url = '';

  constructor(options: FakeZendeskOptions = {}) {
    this.appId = options.appId ?? '5ebee0975ac5304b664a12fa';
    this.keyId = options.keyId ?? 'app_5ebee0975ac5304b664a12fb';
    this.keySecret = options.keySecret ?? 'fake-key-secret-9f8e7d6c5b4a';
    this.webhookSecret = options.webhookSecret ?? 'fake-webhook-secret-0a1b2c3d';
    this.supportEmail = options.supportEmail;
    this.supportApiToken = options.supportApiToken;
    this.bot = switchboardIntegration(
      options.botName ?? 'handover-bot',
      'custom',
      null,
      options.deliverStandbyEvents ?? true,
    );
    this.agentWorkspace = switchboardIntegration(
      'zd-agentWorkspace',
      'zd:agentWorkspace',
      options.agentWorkspaceNext === null ? null : this.bot.id,
      false,
    );
    this.agents = options.agents ?? [];
    this.triggers = new Set(options.triggers ?? DEFAULT_TRIGGERS);
    this.echoApiMessages = options.echoApiMessages ?? true;
    this.webhooks = new WebhookSender(this.appId, newHexId(), this.webhookSecret);
    this.routes = new SuncoRoutes(this);
  }

  static async start(options: FakeZendeskOptions = {}): Promise<FakeZendesk> {
    const fake = new FakeZendesk(options);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  /** What the connector's `baseUrl` setting should be (Zendesk serves SunCo under `/sc`). */
  get suncoBaseUrl(): string {
    return `${this.url}/sc`;
  }

  async close(): Promise<void> {
    await this.webhooks.idle();
    await new Promise<void>((resolve) => {
      this.server?.closeAllConnections();
      this.server?.close(() => resolve());
    });
  }

  get integrations(): SwitchboardIntegration[] {
    return [this.bot, this.agentWorkspace];
  }

  /** Where webhooks go (the gateway's or a test receiver's URL). */
  setWebhookUrl(url: string | undefined): void {
    this.webhooks.url = url;
  }

  failNext(operation: FakeOperation, failure: FakeFailure, count = 1): void {
    this.failures.add(operation, failure, count);
  }

  requestsFor(operation: FakeOperation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  conversation(id: string): FakeConversation {
    const c = this.conversations.get(id);
    if (!c) throw new Error(`fake zendesk: no conversation ${id}`);
    return c;
  }

  ticketOf(conversationId: string): FakeTicket | undefined {
    return this.conversation(conversationId).tickets.at(-1);
  }

  /** Texts of the messages posted as the user (the transcript's user lines included). */
  userTexts(conversationId: string): string[] {
    return this.conversation(conversationId)
      .messages.filter((m) => m.author.type === 'user')
      .map((m) => m.content.text ?? '');
  }

  // ---- the agent side (control API) ----

  /** An agent takes the ticket. Zendesk sends nothing for this. */
  agentJoin(conversationId: string, name = 'Sam (Support)'): void {
    const ticket = this.requireTicket(conversationId);
    ticket.assignee = name;
    ticket.status = 'open';
  }

  agentSay(conversationId: string, text: string, options: { name?: string; imageUrl?: string } = {}): Promise<void> {
    const ticket = this.requireTicket(conversationId);
    ticket.status = 'open';
    const content = options.imageUrl ? { type: 'image', mediaUrl: options.imageUrl, text } : { type: 'text', text };
    const message = this.addMessage(conversationId, {
      author: {
        type: 'business',
        displayName: options.name ?? ticket.assignee ?? 'Sam (Support)',
        avatarUrl: 'https://example.zendesk.com/avatar.png',
        subtypes: ['agent'],
      },
      content,
      source: { type: 'zd:agentWorkspace' },
    });
    return this.emitConversation(conversationId, 'conversation:message', { message });
  }

  agentTyping(conversationId: string, typing: boolean): Promise<void> {
    this.requireTicket(conversationId);
    return this.emitConversation(conversationId, 'conversation:typing', {
      activity: {
        type: typing ? 'typing:start' : 'typing:stop',
        author: { type: 'business', displayName: 'Sam (Support)' },
        source: { type: 'zd:agentWorkspace' },
      },
    });
  }

  /** The user writes on a Zendesk channel (the connector must drop it). */
  userSays(conversationId: string, text: string): Promise<void> {
    const c = this.conversation(conversationId);
    const message = this.addMessage(conversationId, {
      author: { type: 'user', userId: c.userId },
      content: { type: 'text', text },
      source: { type: 'web', integrationId: newHexId() },
    });
    return this.emitConversation(conversationId, 'conversation:message', { message });
  }

  /**
   * The ticket goes Solved → Closed: Zendesk posts a system activity message and returns control
   * to Agent Workspace's next integration (passControl), or releases it when there is none.
   */
  async closeTicket(
    conversationId: string,
    reason: 'ticketClosed' | 'transferToEmail' = 'ticketClosed',
  ): Promise<void> {
    const c = this.conversation(conversationId);
    const ticket = this.requireTicket(conversationId);
    ticket.status = 'closed';
    const activity = this.addMessage(conversationId, {
      author: { type: 'business', subtypes: ['activity'] },
      content: { type: 'text', text: 'Ticket closed' },
      source: { type: 'zd:agentWorkspace' },
      activity: { type: reason === 'ticketClosed' ? 'ticket:closed' : 'ticket:transfer:email' },
    });
    await this.emitConversation(conversationId, 'conversation:message', { message: activity });
    const next = this.agentWorkspace.nextSwitchboardIntegrationId;
    c.activeId = next ?? undefined;
    await this.emitConversation(conversationId, next ? 'switchboard:passControl' : 'switchboard:releaseControl', {
      reason,
      metadata: {},
    });
  }

  // ---- internals shared with the routes ----

  newTicket(metadata: Record<string, unknown>): FakeTicket {
    return { id: ++this.ticketCounter, status: 'new', metadata };
  }

  addMessage(conversationId: string, message: Omit<FakeMessage, 'id' | 'received'>): FakeMessage {
    const c = this.conversation(conversationId);
    const full: FakeMessage = { id: newHexId(), received: new Date().toISOString(), ...message };
    c.messages.push(full);
    c.lastUpdatedAt = full.received;
    return full;
  }

  /** Sends a webhook for a conversation event, if the bot's webhook would get it. */
  emitConversation(conversationId: string, type: string, payload: Record<string, unknown>): Promise<void> {
    const c = this.conversation(conversationId);
    if (!this.triggers.has(type)) return this.webhooks.idle();
    const standby = c.activeId !== this.bot.id;
    if (type.startsWith('conversation:') && standby && !this.bot.deliverStandbyEvents) return this.webhooks.idle();
    return this.webhooks.send([
      webhookEvent(type, { conversation: conversationView(c, this.integrations, false), ...payload }),
    ]);
  }

  private requireTicket(conversationId: string): FakeTicket {
    const c = this.conversation(conversationId);
    const ticket = c.tickets.at(-1);
    if (c.activeId !== this.agentWorkspace.id || !ticket || ticket.status === 'closed')
      throw new Error('fake zendesk: Agent Workspace has no open ticket in this conversation');
    return ticket;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://fake');
    const requestId = newHexId();
    const entry: RecordedRequest = {
      operation: 'unknown',
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body: undefined,
      status: 0,
      requestId,
    };
    this.requests.push(entry);
    const api = url.pathname.startsWith('/api/') ? 'support' : 'sunco';
    const headers = { [REQUEST_ID_HEADER]: requestId };
    try {
      const text = await readBody(req);
      if (text) entry.body = safeJson(text);
      const route = this.routes.match(entry.method, url.pathname);
      if (!route) throw new ErrorReply(404, 'not_found', 'Resource not found');
      entry.operation = route.operation;
      if (route.api === 'support') checkSupportAuth(req.headers.authorization, this.supportEmail, this.supportApiToken);
      else {
        const jwt = checkSuncoAuth(req.headers.authorization, this, Date.now());
        if (jwt) this.jwtsSeen.add(jwt);
      }
      await this.failures.apply(route.operation);
      if (
        entry.method === 'POST' &&
        text &&
        !String(req.headers['content-type'] ?? '').startsWith('application/json')
      ) {
        throw badRequest('content-type must be application/json');
      }
      if (text && entry.body === undefined) throw badRequest('Request body is not valid JSON');
      const [status, body] = route.run(route.params, url.searchParams, entry.body);
      entry.status = status;
      sendJson(res, status, body, headers);
    } catch (error) {
      const reply =
        error instanceof ErrorReply ? error : new ErrorReply(500, 'internal_server_error', (error as Error).message);
      entry.status = reply.status;
      sendJson(res, reply.status, errorBody(api, reply), { ...headers, ...reply.headers });
    }
  }

  /** Availability answers for the Support route. */
  availability(query: URLSearchParams): [number, unknown] {
    const filter = query.get('filter[channel_status]');
    if (filter && !/^(messaging|support|talk):(online|away|offline|transfers_only)$/.test(filter))
      throw badRequest('Invalid filter[channel_status]');
    const size = Number(query.get('page[size]') ?? 100);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw badRequest('page[size] must be between 1 and 100');
    const [channel, status] = filter?.split(':') ?? [];
    let list = channel === 'messaging' ? this.agents.filter((a) => (a.messaging ?? 'online') === status) : this.agents;
    const after = query.get('page[after]');
    if (after) list = list.slice(list.findIndex((a) => String(a.id) === after) + 1);
    return [200, availabilityPage(list.slice(0, size), this.url, list.length > size)];
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
