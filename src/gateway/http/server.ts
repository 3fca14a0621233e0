import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { BadRequestError, ForbiddenError, UnauthorizedError, toHandoverError, type Logger } from '../../contract';
import type { ApiKeyAuth, ApiKeyRole, Principal } from '../auth';
import type { GatewayMetrics } from '../metrics';
import { parseJson, readBody } from './body';
import { HttpStatusError, errorReply } from './errors';
import {
  BASE_SECURITY_HEADERS,
  checkSameOrigin,
  clientAddress,
  requireJsonBody,
  tooManyRequests,
  type RateLimiter,
} from './guards';

export type RouteAuth = 'none' | 'nodes' | 'admin';

export interface RequestContext {
  req: IncomingMessage;
  requestId: string;
  params: Record<string, string>;
  query: URLSearchParams;
  role?: ApiKeyRole;
  /** The caller (its key's name goes into audit lines; `providers` limits what it may touch). */
  principal?: Principal;
  /** The raw body, at most `limit` bytes (default: the JSON limit). */
  body(limit?: number): Promise<Buffer>;
  /** The body parsed as JSON (`undefined` when empty). */
  json(): Promise<unknown>;
}

export interface Reply {
  status: number;
  body?: unknown;
  /** Sent as is instead of JSON. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /** A streamed answer (Server-Sent Events): the head is written, then this owns the response. */
  stream?: (res: ServerResponse) => void;
}

export interface Route {
  method: string;
  /** `/v1/handover/start`, `/webhooks/:providerId` */
  path: string;
  auth: RouteAuth;
  /**
   * Keys limited to some providers: `param` (the route's `:id` / `:providerId` must be one of them),
   * `filter` (the handler checks or filters by `ctx.principal.providers`). Absent: such keys get 403.
   */
  providers?: 'param' | 'filter';
  handler(ctx: RequestContext): Promise<Reply>;
}

export interface HttpAppOptions {
  routes: readonly Route[];
  auth: ApiKeyAuth;
  metrics: GatewayMetrics;
  logger: Logger;
  jsonBodyBytes: number;
  /** Failed API-key attempts per client address; an empty bucket answers 429 before any key is checked. */
  authThrottle?: RateLimiter;
  /** Masks known secrets in error answers (a vendor error echoing a token). */
  redact?: (value: unknown) => unknown;
}

interface CompiledRoute extends Route {
  segments: string[];
}

/** Matches method + path: static routes by a map lookup, parameterised ones by segments. */
class Router {
  private readonly exact = new Map<string, Route>();
  private readonly patterns: CompiledRoute[] = [];
  private readonly paths = new Map<string, Set<string>>();

  constructor(routes: readonly Route[]) {
    for (const route of routes) {
      if (route.path.includes('/:')) this.patterns.push({ ...route, segments: route.path.split('/') });
      else this.exact.set(`${route.method} ${route.path}`, route);
      const methods = this.paths.get(route.path) ?? new Set();
      methods.add(route.method);
      this.paths.set(route.path, methods);
    }
  }

  match(
    method: string,
    path: string,
  ): { route: Route; params: Record<string, string> } | { allow: string[] } | undefined {
    const exact = this.exact.get(`${method} ${path}`);
    if (exact) return { route: exact, params: {} };
    const parts = path.split('/');
    for (const candidate of this.patterns) {
      if (candidate.method !== method) continue;
      const params = matchSegments(candidate.segments, parts);
      if (params) return { route: candidate, params };
    }
    // Nothing for this method: is the path known under another one (405) or not at all (404)?
    const allow = new Set(this.paths.get(path) ?? []);
    for (const candidate of this.patterns) if (matchSegments(candidate.segments, parts)) allow.add(candidate.method);
    return allow.size > 0 ? { allow: [...allow] } : undefined;
  }
}

function matchSegments(segments: string[], parts: string[]): Record<string, string> | undefined {
  if (segments.length !== parts.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const p = parts[i]!;
    if (s.startsWith(':')) {
      if (p === '') return undefined;
      params[s.slice(1)] = p; // decoded after the key is checked (decodeParams)
    } else if (s !== p) return undefined;
  }
  return params;
}

/** Percent-decodes the path parameters: only once the caller is authenticated, so a bad URL tells nothing. */
function decodeParams(raw: Record<string, string>): Record<string, string> {
  let encoded = false;
  for (const k in raw) if (raw[k]!.includes('%')) encoded = true;
  if (!encoded) return raw; // nothing to decode (the usual case): `raw` is this request's own object
  const params: Record<string, string> = {};
  for (const [k, v] of Object.entries(raw)) {
    try {
      params[k] = decodeURIComponent(v);
    } catch {
      throw new BadRequestError('Malformed percent-encoding in the path');
    }
  }
  return params;
}

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const BOOT = randomBytes(4).toString('hex');
let requestCounter = 0;

/**
 * The gateway's request listener on plain `node:http`: routing, API-key auth, JSON bodies with a size
 * limit, request ids, typed errors as `{ error }` with a status per code, metrics and access logs.
 * Nothing a client sends can throw out of it.
 */
export function createHttpApp(options: HttpAppOptions): RequestListener {
  const router = new Router(options.routes);
  const { auth } = options;

  /** Throttled per client address: after a burst of failures, 429 before any key is even looked at. */
  const authenticate = async (req: IncomingMessage, route: Route): Promise<Principal> => {
    const address = clientAddress(req);
    const wait = options.authThrottle?.blockedFor(address);
    if (wait !== undefined) throw tooManyRequests(wait, 'Too many failed authentication attempts; retry later');
    let principal: Principal;
    try {
      principal = await auth.require(req.headers, route.auth as 'nodes' | 'admin');
    } catch (error) {
      if (UnauthorizedError.isInstance(error)) options.authThrottle?.take(address);
      throw error;
    }
    checkSameOrigin(req);
    requireJsonBody(req);
    return principal;
  };

  const app: App = { options, router, authenticate };
  return (req: IncomingMessage, res: ServerResponse) => {
    const incoming = req.headers['x-request-id'];
    const requestId =
      typeof incoming === 'string' && REQUEST_ID.test(incoming)
        ? incoming
        : `${BOOT}-${(++requestCounter).toString(36)}`;
    const exchange = new Exchange(app, req, res, requestId);
    res.on('finish', exchange.onFinish);
    req.on('error', ignore);
    try {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      const match = router.match(exchange.method, path);
      if (!match) throw new HttpStatusError(404, `No route for ${exchange.method} ${truncate(path)}`);
      if ('allow' in match)
        throw new HttpStatusError(405, `Method ${truncate(exchange.method)} is not allowed here`, {
          allow: match.allow.join(', '),
        });
      exchange.routeName = `${match.route.method} ${match.route.path}`;
      exchange.run(match.route, match.params, url, q).then(exchange.send, exchange.fail);
    } catch (error) {
      exchange.fail(error);
    }
  };
}

const ignore = () => {};

interface App {
  options: HttpAppOptions;
  router: Router;
  authenticate(req: IncomingMessage, route: Route): Promise<Principal>;
}

/** One request and its answer. Methods, not per-request closures: this runs for every webhook. */
class Exchange {
  readonly started = performance.now();
  readonly method: string;
  routeName = 'unmatched';
  readonly send = this.reply.bind(this);
  readonly fail = this.failed.bind(this);
  readonly onFinish = this.finished.bind(this);

  constructor(
    private readonly app: App,
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    readonly requestId: string,
  ) {
    this.method = req.method ?? 'GET';
  }

  async run(route: Route, rawParams: Record<string, string>, url: string, q: number): Promise<Reply> {
    const { req, app } = this;
    const principal = route.auth === 'none' ? undefined : await app.authenticate(req, route);
    const params = decodeParams(rawParams);
    if (principal?.providers) checkProviderScope(route, params, principal.providers);
    const ctx = new Context(req, this.requestId, params, q < 0 ? '' : url.slice(q + 1), app.options.jsonBodyBytes);
    if (principal) {
      ctx.role = principal.role;
      ctx.principal = principal;
    }
    const reply = await route.handler(ctx);
    if (principal && route.auth === 'admin' && route.method !== 'GET' && reply.status < 400) {
      // One audit line per admin change, naming the key (never the key itself).
      app.options.logger.info('audit', {
        action: this.routeName,
        by: principal.name,
        ...params,
        status: reply.status,
        requestId: this.requestId,
      });
    }
    return reply;
  }

  private reply(reply: Reply) {
    const { res } = this;
    if (res.headersSent || res.destroyed) return;
    const headers: Record<string, string> = {
      ...BASE_SECURITY_HEADERS,
      'x-request-id': this.requestId,
      ...reply.headers,
    };
    if (reply.stream) {
      res.writeHead(reply.status, headers);
      reply.stream(res);
      return;
    }
    let payload: string | undefined;
    if (reply.text !== undefined) {
      payload = reply.text;
      headers['content-type'] = reply.contentType ?? 'text/plain; charset=utf-8';
    } else if (reply.body !== undefined) {
      payload = JSON.stringify(reply.body);
      headers['content-type'] = 'application/json; charset=utf-8';
    }
    if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
    res.writeHead(reply.status, headers);
    res.end(payload);
  }

  private failed(error: unknown) {
    const { options } = this.app;
    const reply = errorReply(error, this.requestId);
    if (reply.internal) {
      options.logger.error('request failed', {
        requestId: this.requestId,
        method: this.method,
        route: this.routeName,
        status: reply.status,
        error: describeError(error),
      });
    }
    this.reply({
      status: reply.status,
      body: options.redact ? options.redact(reply.body) : reply.body,
      headers: reply.headers,
    });
  }

  private finished() {
    const { metrics, logger } = this.app.options;
    const status = this.res.statusCode;
    const seconds = (performance.now() - this.started) / 1000;
    metrics.httpRequests.inc({ route: this.routeName, method: this.method, status: String(status) });
    metrics.httpDuration.observe(seconds, { route: this.routeName });
    const level = status >= 500 ? 'warn' : status >= 400 ? 'info' : 'debug';
    logger[level]('request', {
      requestId: this.requestId,
      method: this.method,
      route: this.routeName,
      status,
      ms: Math.round(seconds * 1e4) / 10,
    });
  }
}

/** What a handler gets: the query is parsed and the body read only when asked for. */
class Context implements RequestContext {
  role?: ApiKeyRole;
  principal?: Principal;
  private bodyPromise?: Promise<Buffer>;
  private parsedQuery?: URLSearchParams;

  constructor(
    readonly req: IncomingMessage,
    readonly requestId: string,
    readonly params: Record<string, string>,
    private readonly search: string,
    private readonly jsonBodyBytes: number,
  ) {}

  get query(): URLSearchParams {
    this.parsedQuery ??= new URLSearchParams(this.search);
    return this.parsedQuery;
  }

  body(limit = this.jsonBodyBytes): Promise<Buffer> {
    this.bodyPromise ??= readBody(this.req, limit);
    return this.bodyPromise;
  }

  async json(): Promise<unknown> {
    return parseJson(await this.body());
  }
}

function checkProviderScope(route: Route, params: Record<string, string>, allowed: readonly string[]): void {
  if (route.providers === 'filter') return;
  const id = params.providerId ?? params.id;
  if (route.providers === 'param' && id !== undefined && allowed.includes(id)) return;
  throw new ForbiddenError('This API key is limited to some providers and may not use this route');
}

function truncate(text: string): string {
  return text.length > 80 ? `${text.slice(0, 80)}…` : text;
}

function describeError(error: unknown) {
  const typed = toHandoverError(error);
  const json = typed.toJSON();
  const cause = typed.cause ?? (typed === error ? undefined : error);
  return {
    ...json,
    ...(cause instanceof Error ? { cause: { name: cause.name, message: cause.message } } : {}),
    stack: (error as Error)?.stack?.split('\n').slice(0, 6).join('\n'),
  };
}
