import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';

/**
 * HTTP plumbing of the fake: reading requests, Zendesk's response and error shapes, auth checks
 * (SunCo Basic / self-signed JWT, Support API email/token), failure injection and the request log.
 */

export const REQUEST_ID_HEADER = 'x-zendesk-request-id';

export type FakeOperation =
  | 'getApp'
  | 'listSwitchboards'
  | 'listSwitchboardIntegrations'
  | 'createUser'
  | 'getUser'
  | 'listConversations'
  | 'createConversation'
  | 'getConversation'
  | 'listParticipants'
  | 'postMessage'
  | 'passControl'
  | 'releaseControl'
  | 'agentAvailabilities';

export interface RecordedRequest {
  operation: FakeOperation | 'unknown';
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  status: number;
  requestId: string;
}

export interface FakeFailure {
  /** Status to answer with; omit with `delayMs` for a slow but successful answer. */
  status?: number;
  /** Sent as Retry-After (seconds). */
  retryAfterSeconds?: number;
  /** Wait this long before answering. */
  delayMs?: number;
  code?: string;
  title?: string;
}

export const newHexId = () => randomBytes(12).toString('hex');

export class ErrorReply extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly title: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(title);
  }
}

export const badRequest = (title: string) => new ErrorReply(400, 'bad_request', title);
export const notFound = (code: string, title: string) => new ErrorReply(404, code, title);

export async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** SunCo's error body; the Support API has its own. */
export function errorBody(api: 'sunco' | 'support', error: ErrorReply): unknown {
  return api === 'sunco'
    ? { errors: [{ code: error.code, title: error.title }] }
    : { error: error.code, description: error.title };
}

const safeEq = (a: string, b: string) => {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
};

function decodeBasic(header: string): [string, string] | undefined {
  if (!header.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  return i < 0 ? undefined : [decoded.slice(0, i), decoded.slice(i + 1)];
}

export interface SuncoCredentials {
  keyId: string;
  keySecret: string;
}

/** Checks SunCo auth; returns the JWT used (for cache assertions), or throws a 401. */
export function checkSuncoAuth(header: string | undefined, creds: SuncoCredentials, nowMs: number): string | undefined {
  const unauthorized = new ErrorReply(401, 'unauthorized', 'Authorization is required');
  if (!header) throw unauthorized;
  const basic = decodeBasic(header);
  if (basic) {
    if (basic[0] === creds.keyId && safeEq(basic[1], creds.keySecret)) return undefined;
    throw unauthorized;
  }
  if (!header.startsWith('Bearer ')) throw unauthorized;
  const token = header.slice(7);
  const [h, p, s] = token.split('.');
  if (!h || !p || !s) throw unauthorized;
  const expected = createHmac('sha256', creds.keySecret).update(`${h}.${p}`).digest('base64url');
  if (!safeEq(expected, s)) throw unauthorized;
  const head = JSON.parse(Buffer.from(h, 'base64url').toString()) as { alg?: string; kid?: string };
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString()) as { scope?: string; exp?: number };
  if (head.alg !== 'HS256' || head.kid !== creds.keyId) throw unauthorized;
  const scope = creds.keyId.startsWith('int_')
    ? 'integration'
    : creds.keyId.startsWith('act_') || creds.keyId.startsWith('svc_')
      ? 'account'
      : 'app';
  if (claims.scope !== scope) throw unauthorized;
  if (claims.exp !== undefined && claims.exp * 1000 <= nowMs) throw unauthorized;
  return token;
}

export function checkSupportAuth(
  header: string | undefined,
  email: string | undefined,
  token: string | undefined,
): void {
  const basic = header ? decodeBasic(header) : undefined;
  if (!email || !token || !basic || basic[0] !== `${email}/token` || !safeEq(basic[1], token)) {
    throw new ErrorReply(401, "Couldn't authenticate you", "Couldn't authenticate you");
  }
}

/** Per-operation queue of injected failures. */
export class Failures {
  private readonly queue = new Map<FakeOperation, FakeFailure[]>();

  add(operation: FakeOperation, failure: FakeFailure, count = 1): void {
    const list = this.queue.get(operation) ?? [];
    for (let i = 0; i < count; i++) list.push(failure);
    this.queue.set(operation, list);
  }

  /** Applies the next failure for `operation`: waits, then throws the error reply if it has a status. */
  async apply(operation: FakeOperation): Promise<void> {
    const failure = this.queue.get(operation)?.shift();
    if (!failure) return;
    if (failure.delayMs) await new Promise((r) => setTimeout(r, failure.delayMs));
    if (!failure.status) return;
    const headers: Record<string, string> =
      failure.retryAfterSeconds !== undefined ? { 'retry-after': String(failure.retryAfterSeconds) } : {};
    const defaults: Record<number, [string, string]> = {
      401: ['unauthorized', 'Authorization is required'],
      403: ['forbidden', 'Forbidden'],
      404: ['conversation_not_found', 'Conversation not found'],
      429: ['too_many_requests', 'Too many requests'],
    };
    const [code, title] = defaults[failure.status] ?? ['internal_server_error', 'Internal server error'];
    throw new ErrorReply(failure.status, failure.code ?? code, failure.title ?? title, headers);
  }
}

/** Parses a request body with `schema`, answering 400 in SunCo's shape (the issues in the title). */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body ?? {});
  if (parsed.success) return parsed.data;
  throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`).join('; '));
}
