import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ContactStore, ENDED, fixture, newMessageSchema, statusChangeSchema, type FakeAgent } from './model';
import { ByocCaller, type ByocConfig } from './byoc';

/**
 * A fake NiCE CXone on 127.0.0.1: the global auth host (password and refresh grants with Basic
 * client credentials, an id_token naming the tenant, `/.well-known/cxone-configuration`), the DFO
 * endpoints the connector uses, and the real-time skill activity. One server plays every host.
 * Errors come as DFO's `{errors: [...]}`; 429s carry Retry-After. As an agent it assigns, resolves
 * and replies — replies go to the connector's integration box the way CXone does it (401 → token
 * request → retry), see `ByocCaller`.
 */

export type FakeOperation = 'token' | 'config' | 'messages' | 'contact' | 'status' | 'activity';

export interface FakeFailure {
  status: number;
  retryAfterMs?: number;
}

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  rawBody: string;
  body: unknown;
  operation?: FakeOperation;
  status?: number;
}

export const FAKE_DEFAULTS = {
  clientId: 'cxone-app-client-id',
  clientSecret: 'cxone-app-client-secret',
  accessKeyId: 'AKID-0123456789',
  accessKeySecret: 'access-key-secret-value-0123456789',
  tenantId: '11ee0000-1111-2222-3333-444455556666',
  channelId: 'chat_9a8b7c6d-byoc',
  skillId: 1234,
  agent: { id: 1234567, firstName: 'Ana', surname: 'Agent' } as FakeAgent,
};

interface Route {
  method: string;
  pattern: RegExp;
  operation: FakeOperation;
  handle(params: string[], rec: RecordedRequest, res: ServerResponse): void;
}

const hex = (n = 16) => randomBytes(n).toString('hex');
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export class FakeCxone {
  readonly requests: RecordedRequest[] = [];
  readonly store = new ContactStore();
  url = '';
  tokensIssued = 0;
  /** Figures the skill activity endpoint reports. */
  skill = { queueCount: 1, agentsAvailable: 2, earliestQueueTime: '' as string | null };
  byoc: ByocCaller | undefined;
  private server!: Server;
  private readonly tokens = new Map<string, number>();
  private readonly refreshTokens = new Set<string>();
  private readonly failures: Array<{ op: FakeOperation; failure: FakeFailure; remaining: number }> = [];
  private readonly routes: Route[];

  private constructor(readonly options: typeof FAKE_DEFAULTS & { tokenLifetimeSec: number }) {
    this.routes = this.buildRoutes();
  }

  static async start(options: Partial<typeof FAKE_DEFAULTS> & { tokenLifetimeSec?: number } = {}): Promise<FakeCxone> {
    const fake = new FakeCxone({ ...FAKE_DEFAULTS, tokenLifetimeSec: 3600, ...options });
    fake.server = createServer((req, res) => fake.onRequest(req, res));
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    fake.skill.earliestQueueTime = new Date(Date.now() - 60_000).toISOString();
    return fake;
  }

  /** Where agent replies go: the connector's integration box (as configured in CXone's BYOC form). */
  connectByoc(config: ByocConfig): ByocCaller {
    this.byoc = new ByocCaller(config);
    return this.byoc;
  }

  failNext(op: FakeOperation, failure: FakeFailure, count = 1): void {
    this.failures.push({ op, failure, remaining: count });
  }

  /** Invalidates every access token (the next API call answers 401). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  requestsOf(op: FakeOperation): RecordedRequest[] {
    return this.requests.filter((r) => r.operation === op);
  }

  userTexts(threadId: string): string[] {
    return [...this.store.contacts.values()]
      .filter((c) => c.threadId === threadId)
      .flatMap((c) => c.messages.map((m) => m.messageContent.payload.text));
  }

  // ---- acting as an agent -------------------------------------------------------------------

  assign(threadId: string, agent: FakeAgent = this.options.agent): void {
    const contact = this.store.requireThread(threadId);
    contact.assignee = agent;
    contact.status = 'open';
  }

  unassign(threadId: string): void {
    const contact = this.store.requireThread(threadId);
    delete contact.assignee;
  }

  resolve(threadId: string, status: 'resolved' | 'closed' = 'resolved'): void {
    const contact = this.store.requireThread(threadId);
    contact.status = status;
    delete contact.assignee;
  }

  /** The agent's reply, posted to the integration box as CXone does. Resolves with the final status. */
  say(threadId: string, text: string, style?: 'posts' | 'outbound'): Promise<number> {
    if (!this.byoc) throw new Error('fake cxone: connectByoc() first');
    const contact = this.store.requireThread(threadId);
    return this.byoc.reply(
      {
        threadId,
        channelId: contact.channelId,
        text,
        agent: contact.assignee ?? this.options.agent,
        userId: contact.messages[0]?.authorEndUserIdentity.idOnExternalPlatform ?? 'user',
      },
      style,
    );
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
    await this.byoc?.close();
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
        body: undefined,
      };
      this.requests.push(rec);
      res.on('finish', () => (rec.status = res.statusCode));
      const route = this.routes.find((r) => r.method === rec.method && r.pattern.test(rec.path));
      if (!route) return this.error(res, 404, 'NotFound', `No route ${rec.method} ${rec.path}`);
      rec.operation = route.operation;
      const failure = this.takeFailure(route.operation);
      if (failure) return this.fail(res, failure);
      const open = route.operation === 'token' || route.operation === 'config';
      if (!open && !this.checkBearer(rec, res)) return;
      if (rawBody.length > 0 && route.operation !== 'token') {
        if (!String(req.headers['content-type'] ?? '').startsWith('application/json'))
          return this.error(res, 415, 'UnsupportedMediaType', 'Content-Type must be application/json');
        try {
          rec.body = JSON.parse(rawBody);
        } catch {
          return this.error(res, 400, 'MalformedJson', 'Request body is not valid JSON');
        }
      }
      route.handle(route.pattern.exec(rec.path)!.slice(1), rec, res);
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
      r('POST', '/auth/token', 'token', (_, rec, res) => this.token(rec, res)),
      r('GET', '/\\.well-known/cxone-configuration', 'config', (_, rec, res) => {
        if (rec.query.get('tenantId') !== this.options.tenantId)
          return this.error(res, 404, 'TenantNotFound', 'Unknown tenant');
        this.json(res, 200, { ...fixture('cxone-configuration'), tenantId: this.options.tenantId });
      }),
      r('POST', `/dfo/3\\.0/channels/${id}/messages`, 'messages', (params, rec, res) => {
        if (params[0] !== this.options.channelId)
          return this.error(res, 404, 'ChannelNotFound', `Channel ${params[0]} not found`);
        const parsed = newMessageSchema.safeParse(rec.body);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          return this.json(res, 400, {
            ...fixture('error-collection'),
            errors: [{ field: issue?.path.join('.'), message: issue?.message, errorCode: 'InvalidValue' }],
            uid: hex(8),
          });
        }
        const { contact, stored } = this.store.add(params[0]!, parsed.data, this.options.skillId);
        const template = fixture<{ consumerContact: object; message: object }>('create-message-response');
        this.json(res, 200, {
          consumerContact: { ...template.consumerContact, ...this.store.view(contact) },
          message: {
            ...template.message,
            id: `msg-${hex(6)}`,
            idOnExternalPlatform: stored.idOnExternalPlatform,
            createdAt: stored.createdAtWithMilliseconds,
          },
        });
      }),
      r('GET', `/dfo/3\\.0/contacts/${id}`, 'contact', (params, _, res) => {
        const contact = this.store.contacts.get(params[0]!);
        if (!contact) return this.error(res, 404, 'ContactNotFound', `Contact ${params[0]} not found`);
        this.json(res, 200, this.store.view(contact));
      }),
      r('PUT', `/dfo/3\\.0/contacts/${id}/status`, 'status', (params, rec, res) => {
        const contact = this.store.contacts.get(params[0]!);
        if (!contact) return this.error(res, 404, 'ContactNotFound', `Contact ${params[0]} not found`);
        const parsed = statusChangeSchema.safeParse(rec.body);
        if (!parsed.success) return this.error(res, 400, 'InvalidStatus', 'status is not a contact status');
        contact.status = parsed.data.status;
        if (ENDED.has(contact.status)) delete contact.assignee;
        this.json(res, 200, this.store.view(contact));
      }),
      r('GET', `/incontactapi/services/v\\d+\\.\\d+/skills/${id}/activity`, 'activity', (params, _, res) => {
        if (Number(params[0]) !== this.options.skillId) return this.error(res, 404, 'SkillNotFound', 'Skill not found');
        const template = fixture<{ skillActivity: object[] }>('skill-activity');
        this.json(res, 200, {
          ...template,
          skillActivity: [{ ...template.skillActivity[0], skillId: this.options.skillId, ...this.skill }],
        });
      }),
    ];
  }

  private token(rec: RecordedRequest, res: ServerResponse): void {
    const oauth = (status: number, error: string) => this.json(res, status, { error, error_description: error });
    if (!String(rec.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
      return oauth(400, 'invalid_request');
    const basic = `Basic ${Buffer.from(`${this.options.clientId}:${this.options.clientSecret}`).toString('base64')}`;
    if (rec.headers.authorization !== basic) return oauth(401, 'invalid_client');
    const form = new URLSearchParams(rec.rawBody);
    const grant = form.get('grant_type');
    if (grant === 'password') {
      if (form.get('username') !== this.options.accessKeyId || form.get('password') !== this.options.accessKeySecret)
        return oauth(400, 'invalid_grant');
    } else if (grant === 'refresh_token') {
      if (!this.refreshTokens.delete(form.get('refresh_token') ?? '')) return oauth(400, 'invalid_grant');
    } else return oauth(400, 'unsupported_grant_type');
    const access = hex(24);
    const refresh = hex(24);
    this.tokens.set(access, Date.now() + this.options.tokenLifetimeSec * 1000);
    this.refreshTokens.add(refresh);
    this.tokensIssued++;
    const claims = { sub: 'user:1', tenantId: this.options.tenantId, iss: this.url };
    const idToken = `${b64url({ alg: 'RS256', typ: 'JWT' })}.${b64url(claims)}.${hex(32)}`;
    this.json(res, 200, {
      ...fixture('token-response'),
      access_token: access,
      refresh_token: refresh,
      id_token: idToken,
      expires_in: this.options.tokenLifetimeSec,
    });
  }

  private checkBearer(rec: RecordedRequest, res: ServerResponse): boolean {
    const auth = rec.headers.authorization ?? '';
    const expiresAt = auth.startsWith('Bearer ') ? this.tokens.get(auth.slice(7)) : undefined;
    if (expiresAt === undefined || expiresAt < Date.now()) {
      this.error(res, 401, 'Unauthorized', 'Invalid or expired token');
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

  private fail(res: ServerResponse, failure: FakeFailure): void {
    const headers =
      failure.retryAfterMs !== undefined
        ? { 'retry-after': String(Math.ceil(failure.retryAfterMs / 1000)) }
        : undefined;
    this.error(
      res,
      failure.status,
      failure.status === 429 ? 'TooManyRequests' : 'Failure',
      `Injected ${failure.status}`,
      headers,
    );
  }

  private error(
    res: ServerResponse,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ): void {
    this.json(res, status, { errors: [{ message, errorCode: code }], uid: hex(8) }, headers);
  }

  private json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  }
}

export { ENDED };
