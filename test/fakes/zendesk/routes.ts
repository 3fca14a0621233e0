import { ErrorReply, badRequest, newHexId, notFound, parseBody, type FakeOperation } from './http';
import {
  conversationView,
  sbView,
  userView,
  type FakeConversation,
  type FakeUser,
  type SwitchboardIntegration,
} from './model';
import {
  conversationCreateBody,
  messagePostBody,
  passControlBody,
  releaseControlBody,
  userCreateBody,
} from './schemas';
import type { FakeZendesk } from './index';

/** The Sunshine Conversations v2 routes (under `/sc`) and the Support availability route. */

type Handler = (params: string[], query: URLSearchParams, body: unknown) => [number, unknown];
interface Route {
  method: string;
  pattern: RegExp;
  api: 'sunco' | 'support';
  operation: FakeOperation;
  handler: Handler;
}

const APP = '/sc/v2/apps/([^/]+)';
const SEGMENT = '([^/]+)';

export class SuncoRoutes {
  private readonly table: Route[];

  constructor(private readonly fake: FakeZendesk) {
    const r = (
      method: string,
      path: string,
      operation: FakeOperation,
      handler: Handler,
      api: Route['api'] = 'sunco',
    ): Route => ({
      method,
      pattern: new RegExp(`^${path}$`),
      api,
      operation,
      handler,
    });
    this.table = [
      r('GET', APP, 'getApp', () => [200, { app: { id: fake.appId, displayName: 'Acme support', settings: {} } }]),
      r('GET', `${APP}/switchboards`, 'listSwitchboards', () => [
        200,
        {
          switchboards: [
            { id: 'sb_1', enabled: true, defaultSwitchboardIntegrationId: fake.integrations[0]?.id ?? null },
          ],
        },
      ]),
      r('GET', `${APP}/switchboards/${SEGMENT}/switchboardIntegrations`, 'listSwitchboardIntegrations', () => [
        200,
        { switchboardIntegrations: fake.integrations.map(sbView) },
      ]),
      r('POST', `${APP}/users`, 'createUser', (_p, _q, b) => this.createUser(b)),
      r('GET', `${APP}/users/${SEGMENT}`, 'getUser', ([id]) => [200, { user: userView(this.user(id!)) }]),
      r('GET', `${APP}/conversations`, 'listConversations', (_p, q) => this.listConversations(q)),
      r('POST', `${APP}/conversations`, 'createConversation', (_p, _q, b) => this.createConversation(b)),
      r('GET', `${APP}/conversations/${SEGMENT}`, 'getConversation', ([id]) => [
        200,
        { conversation: this.view(this.conv(id!)) },
      ]),
      r('GET', `${APP}/conversations/${SEGMENT}/participants`, 'listParticipants', ([id]) =>
        this.participants(this.conv(id!)),
      ),
      r('POST', `${APP}/conversations/${SEGMENT}/messages`, 'postMessage', ([id], _q, b) =>
        this.postMessage(this.conv(id!), b),
      ),
      r('POST', `${APP}/conversations/${SEGMENT}/passControl`, 'passControl', ([id], _q, b) =>
        this.passControl(this.conv(id!), b),
      ),
      r('POST', `${APP}/conversations/${SEGMENT}/releaseControl`, 'releaseControl', ([id], _q, b) =>
        this.releaseControl(this.conv(id!), b),
      ),
      r('GET', '/api/v2/agent_availabilities', 'agentAvailabilities', (_p, q) => fake.availability(q), 'support'),
    ];
  }

  match(method: string, path: string) {
    for (const route of this.table) {
      const m = route.pattern.exec(path);
      if (!m || route.method !== method) continue;
      const [appId, ...rest] = m.slice(1).map(decodeURIComponent);
      const params = route.api === 'sunco' ? rest : [appId!, ...rest].filter(Boolean);
      return {
        operation: route.operation,
        api: route.api,
        params,
        run: (p: string[], q: URLSearchParams, b: unknown) => {
          if (route.api === 'sunco' && appId !== this.fake.appId) throw notFound('app_not_found', 'App not found');
          return route.handler(p, q, b);
        },
      };
    }
    return undefined;
  }

  private user(idOrExternalId: string): FakeUser {
    const user =
      this.fake.users.get(idOrExternalId) ?? [...this.fake.users.values()].find((u) => u.externalId === idOrExternalId);
    if (!user) throw notFound('user_not_found', 'User not found');
    return user;
  }

  private conv(id: string): FakeConversation {
    const c = this.fake.conversations.get(id);
    if (!c) throw notFound('conversation_not_found', 'Conversation not found');
    return c;
  }

  private view(c: FakeConversation) {
    return conversationView(c, this.fake.integrations);
  }

  private createUser(body: unknown): [number, unknown] {
    const b = parseBody(userCreateBody, body);
    if (b.externalId && [...this.fake.users.values()].some((u) => u.externalId === b.externalId))
      throw new ErrorReply(409, 'conflict', 'User already exists');
    const user: FakeUser = {
      id: newHexId(),
      externalId: b.externalId,
      profile: { ...b.profile },
      metadata: { ...b.metadata },
      signedUpAt: new Date().toISOString(),
    };
    this.fake.users.set(user.id, user);
    return [201, { user: userView(user) }];
  }

  private listConversations(query: URLSearchParams): [number, unknown] {
    const byId = query.get('filter[userId]');
    const byExternal = query.get('filter[userExternalId]');
    if (!!byId === !!byExternal)
      throw badRequest('Exactly one of filter[userId] or filter[userExternalId] is required');
    const size = Number(query.get('page[size]') ?? 25);
    if (!Number.isInteger(size) || size < 1 || size > 100) throw badRequest('Invalid page query parameters');
    const user = this.user((byId ?? byExternal)!);
    const list = [...this.fake.conversations.values()].filter((c) => c.userId === user.id).slice(0, size);
    return [200, { conversations: list.map((c) => this.view(c)), meta: { hasMore: false }, links: {} }];
  }

  private createConversation(body: unknown): [number, unknown] {
    const b = parseBody(conversationCreateBody, body);
    const p = b.participants![0]!;
    const user = this.user('userId' in p ? p.userId : p.userExternalId);
    const now = new Date().toISOString();
    const hasPersonal = [...this.fake.conversations.values()].some(
      (c) => c.userId === user.id && c.type === 'personal',
    );
    const c: FakeConversation = {
      id: newHexId(),
      type: b.type,
      userId: user.id,
      isDefault: b.type === 'personal' && !hasPersonal,
      createdAt: now,
      lastUpdatedAt: now,
      // The switchboard's default integration (the bot) takes control of a new conversation.
      activeId: this.fake.bot.id,
      messages: [],
      tickets: [],
    };
    this.fake.conversations.set(c.id, c);
    return [201, { conversation: this.view(c) }];
  }

  private participants(c: FakeConversation): [number, unknown] {
    const user = this.fake.users.get(c.userId);
    const participant = {
      id: newHexId(),
      userId: c.userId,
      userExternalId: user?.externalId ?? null,
      unreadCount: 0,
      clientAssociations: [],
      lastRead: null,
    };
    return [200, { participants: [participant], meta: { hasMore: false }, links: {} }];
  }

  private postMessage(c: FakeConversation, body: unknown): [number, unknown] {
    const b = parseBody(messagePostBody, body);
    const author: Record<string, unknown> & { type: 'user' | 'business'; userId?: string } = { type: b.author.type };
    if (b.author.type === 'user') {
      const user = this.user((b.author.userId ?? b.author.userExternalId)!);
      if (user.id !== c.userId) throw badRequest('The user is not a participant of this conversation');
      author.userId = user.id;
    }
    if (b.author.displayName) author.displayName = b.author.displayName;
    if (b.author.avatarUrl) author.avatarUrl = b.author.avatarUrl;
    if (b.author.subtypes) author.subtypes = b.author.subtypes;
    const message = this.fake.addMessage(c.id, {
      author,
      content: b.content as { type: string; text?: string },
      source: { type: 'api:conversations' },
      ...(b.metadata ? { metadata: b.metadata } : {}),
    });
    if (this.fake.echoApiMessages) void this.fake.emitConversation(c.id, 'conversation:message', { message });
    return [201, { messages: [message] }];
  }

  /** Target by id, then name, then integration type; `next` is the active integration's next. */
  private target(c: FakeConversation, ref: string): SwitchboardIntegration | undefined {
    const all = this.fake.integrations;
    if (ref === 'next')
      return all.find((i) => i.id === all.find((a) => a.id === c.activeId)?.nextSwitchboardIntegrationId);
    const byType = all.filter((i) => i.integrationType === ref);
    return (
      all.find((i) => i.id === ref) ?? all.find((i) => i.name === ref) ?? (byType.length === 1 ? byType[0] : undefined)
    );
  }

  private passControl(c: FakeConversation, body: unknown): [number, unknown] {
    const b = parseBody(passControlBody, body);
    const metadata = b.metadata ?? {};
    const target = this.target(c, b.switchboardIntegration);
    if (!target) {
      // Accepted, then failed asynchronously, as Zendesk reports an invalid target.
      void this.fake.emitConversation(c.id, 'switchboard:passControl:failure', {
        error: { code: 'switchboard_invalid_target', message: 'Switchboard invalid target' },
        metadata,
      });
      return [200, {}];
    }
    // With an integration key and a named target, a repeated pass is ignored (idempotent).
    if (c.activeId === target.id && this.fake.keyId.startsWith('int_')) return [200, {}];
    c.activeId = target.id;
    if (target.id === this.fake.agentWorkspace.id) c.tickets.push(this.fake.newTicket(metadata));
    void this.fake.emitConversation(c.id, 'switchboard:passControl', { metadata });
    return [200, {}];
  }

  private releaseControl(c: FakeConversation, body: unknown): [number, unknown] {
    const b = parseBody(releaseControlBody, body);
    if (this.fake.keyId.startsWith('int_') && c.activeId !== this.fake.bot.id)
      throw new ErrorReply(403, 'forbidden', 'Forbidden');
    c.activeId = undefined;
    void this.fake.emitConversation(c.id, 'switchboard:releaseControl', { metadata: b.metadata ?? {} });
    return [200, {}];
  }
}
