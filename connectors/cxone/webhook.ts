import { randomBytes } from 'node:crypto';
import {
  BadRequestError,
  BadSignatureError,
  HandoverError,
  type ConnectorStateV1,
  type ConnectorWebhookV1,
  type HandoverEvent,
  type Logger,
  type WebhookReply,
  type WebhookRequest,
} from 'handover-kit/contract';
import { headerValue, parseJsonBody, safeEqual, agentMessageEvent } from 'handover-kit/connector-utils';
import { readReply } from './reply';
import { messageIdFor, sha256, type ThreadStore } from './threads';

/**
 * CXone's side of bring-your-own-channel: it posts agent replies to OUR integration box, with a
 * bearer token OUR token endpoint issued. Its sequence is: reply → 401 → token request (the client
 * id / secret the admin entered in CXone) → reply again with the token. There is no HMAC; the
 * token is the authentication. Only a hash of each issued token is kept, in the shared state with
 * its lifetime, so any gateway instance accepts it.
 */
export interface CxoneWebhookContext {
  providerId: string;
  state: ConnectorStateV1;
  threads: ThreadStore;
  logger: Logger;
  now(): number;
  clientId: string;
  clientSecret: string;
  tokenTtlSec: number;
  tokenPath: string;
  replyPath: string;
}

const json = (status: number, body: unknown, headers: Record<string, string> = {}): WebhookReply => ({
  status,
  headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  body: JSON.stringify(body),
});

const tokenKey = (token: string) => `token:${sha256(token)}`;

/** Segments of the request path below `/webhooks/<providerId>/`, or undefined for another path. */
export function subPathOf(url: string, providerId: string): string[] | undefined {
  let segments: string[];
  try {
    segments = new URL(url, 'http://gateway').pathname.split('/').filter(Boolean).map(decodeURIComponent);
  } catch {
    return undefined; // malformed escapes: not a path this connector serves
  }
  for (let i = 0; i + 1 < segments.length; i++) {
    if (segments[i] === 'webhooks' && segments[i + 1] === providerId) return segments.slice(i + 2);
  }
  return undefined;
}

/** Matches segments against a template such as `1.0/posts/{thread}/messages`; returns the placeholders. */
export function matchPath(template: string, segments: string[]): Record<string, string> | undefined {
  const parts = template.split('/');
  if (parts.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of parts.entries()) {
    const value = segments[i]!;
    if (/^\{\w+\}$/.test(part)) params[part.slice(1, -1)] = value;
    else if (part !== value) return undefined;
  }
  return params;
}

function tokenRequestCredentials(req: WebhookRequest): { id?: string; secret?: string; grant?: string } {
  const raw = Buffer.from(req.rawBody).toString('utf8');
  const type = headerValue(req, 'content-type') ?? '';
  let fields: Record<string, unknown> = {};
  if (raw.trim().length > 0) {
    if (type.includes('json') || raw.trim().startsWith('{')) {
      const body = parseJsonBody(req);
      if (!body || typeof body !== 'object') throw new BadRequestError('Token request body must be a JSON object');
      fields = body as Record<string, unknown>;
    } else {
      fields = Object.fromEntries(new URLSearchParams(raw));
    }
  }
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined);
  let id = str(fields.client_id);
  let secret = str(fields.client_secret);
  const basic = /^Basic\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '');
  if (basic && (id === undefined || secret === undefined)) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      id ??= decodeURIComponent(decoded.slice(0, colon));
      secret ??= decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  return { id, secret, grant: str(fields.grant_type) };
}

export function createCxoneWebhook(ctx: CxoneWebhookContext): ConnectorWebhookV1 & { issueToken(): Promise<string> } {
  async function issueToken(): Promise<string> {
    const token = randomBytes(32).toString('base64url');
    await ctx.state.set(tokenKey(token), '1', { ttlMs: ctx.tokenTtlSec * 1000 });
    return token;
  }

  async function tokenEndpoint(req: WebhookRequest): Promise<WebhookReply> {
    if (req.method !== 'POST') return json(405, { error: 'invalid_request' }, { allow: 'POST' });
    let creds: ReturnType<typeof tokenRequestCredentials>;
    try {
      creds = tokenRequestCredentials(req);
    } catch {
      return json(400, { error: 'invalid_request' });
    }
    if (creds.grant !== undefined && creds.grant !== 'client_credentials')
      return json(400, { error: 'unsupported_grant_type' });
    // Both compared, always: the time taken says nothing about which one was wrong.
    const idOk = safeEqual(creds.id ?? '', ctx.clientId);
    const secretOk = safeEqual(creds.secret ?? '', ctx.clientSecret);
    if (!idOk || !secretOk) {
      ctx.logger.warn('cxone token request refused: wrong client id or secret', { providerId: ctx.providerId });
      return json(401, { error: 'invalid_client' }, { 'www-authenticate': 'Basic realm="cxone"' });
    }
    return json(200, { access_token: await issueToken(), token_type: 'Bearer', expires_in: ctx.tokenTtlSec });
  }

  async function verifyBearer(req: WebhookRequest): Promise<void> {
    const match = /^Bearer\s+([A-Za-z0-9._~+/=-]+)$/i.exec(headerValue(req, 'authorization')?.trim() ?? '');
    if (!match) throw new BadSignatureError('Missing bearer token');
    if ((await ctx.state.get(tokenKey(match[1]!))) === undefined)
      throw new BadSignatureError('Unknown or expired bearer token');
  }

  /** A verified reply → the agent-message event (none for an echo, an empty body or a thread not ours). */
  async function replyEvents(
    req: WebhookRequest,
    pathThreadId?: string,
  ): Promise<{ events: HandoverEvent[]; ourId: string; threadId: string }> {
    const reply = readReply(parseJsonBody(req), pathThreadId);
    if (!reply.threadId) throw new BadRequestError('Reply names no thread (thread.idOnExternalPlatform)');
    const threadId = reply.threadId;
    const key = reply.vendorMessageId ?? sha256(Buffer.from(req.rawBody).toString('utf8'));
    const ourId = messageIdFor('reply', threadId, key);
    if (reply.notFromAgent || (!reply.text && reply.attachments.length === 0)) return { events: [], ourId, threadId };
    const record = await ctx.threads.get(threadId);
    if (!record) {
      ctx.logger.warn('cxone reply for a thread this provider does not know; dropped', { threadId });
      return { events: [], ourId, threadId };
    }
    const agent = reply.agent ?? record.agent;
    const event = agentMessageEvent(
      // The runtime clock, like the poller's events: one time base orders joined, replies and the end.
      { conversationId: threadId, eventId: `cxone:reply:${threadId}:${key}`, occurredAt: ctx.now() },
      reply.text,
      reply.attachments,
      agent,
    );
    return { events: [event], ourId, threadId };
  }

  async function replyEndpoint(req: WebhookRequest, params: Record<string, string>) {
    if (req.method !== 'POST') return json(405, { error: 'method_not_allowed' }, { allow: 'POST' });
    try {
      await verifyBearer(req);
    } catch (error) {
      // CXone answers a 401 by asking our token endpoint for a token and posting again.
      if (!BadSignatureError.isInstance(error)) throw error;
      return json(401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    }
    let result: Awaited<ReturnType<typeof replyEvents>>;
    try {
      result = await replyEvents(req, params.thread);
    } catch (error) {
      if (HandoverError.isInstance(error) && error.code === 'bad_request')
        return json(400, { errors: [{ message: error.message }] });
      throw error;
    }
    const at = new Date(ctx.now()).toISOString();
    // Both documented answers in one: the sample's flat id and the 3.0 outbound's message / thread.
    return {
      ...json(200, {
        idOnExternalPlatform: result.ourId,
        message: { idOnExternalPlatform: result.ourId, createdAtWithMilliseconds: at },
        thread: { idOnExternalPlatform: result.threadId },
      }),
      events: result.events,
    };
  }

  return {
    issueToken,
    async handle(req) {
      const segments = subPathOf(req.url, ctx.providerId);
      if (!segments || segments.length === 0) return undefined;
      if (matchPath(ctx.tokenPath, segments)) return tokenEndpoint(req);
      const params = matchPath(ctx.replyPath, segments);
      if (params) return replyEndpoint(req, params);
      return json(404, { error: 'not_found' });
    },
    verify: (req) => verifyBearer(req),
    async parse(req) {
      return (await replyEvents(req)).events;
    },
  };
}
