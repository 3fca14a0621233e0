import { performance } from 'node:perf_hooks';
import {
  BadRequestError,
  BadSignatureError,
  UnknownProviderError,
  HandoverError,
  HandoverTimeoutError,
  type HandoverEvent,
  type Logger,
  type WebhookRequest,
} from '../../contract';
import type { ProviderRegistry } from '../../registry';
import { eventEntries, type EventQueueItem } from '../events';
import { isTransientFailure } from '../health/transient';
import { HttpStatusError } from '../http/errors';
import type { Route } from '../http/server';
import type { GatewayMetrics } from '../metrics';
import type { QueueBackend } from '../queue/types';
import { tooManyRequests, type RateLimiter } from '../http/guards';

const RETRY_AFTER_SEC = 5;

/** False for what JSON cannot encode (a 10 000-deep body overflows the encoder): a 400, not a 503 retried forever. */
function storable(value: unknown): boolean {
  try {
    JSON.stringify(value);
    return true;
  } catch {
    return false;
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as { then?: unknown } | undefined)?.then === 'function';
}

export const WEBHOOK_ROUTE = '/webhooks/:providerId';

/** One webhook request's outcome, for its metrics and logs. */
interface Intake {
  providerId: string;
  requestId: string;
  type: string;
  result: string;
}
/**
 * Sub-paths a connector may serve through `webhook.handle` (token and reply endpoints, handshakes).
 * Four levels: CXone posts replies to `<box>/1.0/posts/<thread>/messages`.
 */
const SUB_ROUTES = [
  '/webhooks/:providerId/:sub',
  '/webhooks/:providerId/:sub/:sub2',
  '/webhooks/:providerId/:sub/:sub2/:sub3',
  '/webhooks/:providerId/:sub/:sub2/:sub3/:sub4',
];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

export interface WebhookRouteOptions {
  registry: ProviderRegistry;
  queue: QueueBackend<EventQueueItem>;
  /** Wakes the local event worker after an append. */
  kick(): void;
  metrics: GatewayMetrics;
  logger: Logger;
  maxBodyBytes: number;
  /** Requests per provider (token buckets): one flooding vendor gets 429 + Retry-After, the others are unaffected. */
  limiter?: RateLimiter;
  /** How long a provider's connector is reused between store reads (default 1 s). */
  providerCacheMs?: number;
  now?: () => number;
}

/**
 * Every webhook route: `POST /webhooks/:providerId` (events) and, for connectors with a `handle`,
 * any method on that path and on up to four sub-path segments below it.
 */
export function webhookRoutes(options: WebhookRouteOptions): Route[] {
  const events = webhookRoute(options);
  const routes: Route[] = [];
  for (const method of METHODS) {
    if (method !== 'POST') routes.push({ ...events, method });
    for (const path of SUB_ROUTES) routes.push({ ...events, method, path });
  }
  return [events, ...routes];
}

/**
 * `POST /webhooks/:providerId`: raw body (size-limited) → the connector's `verify` (401, and nothing
 * queued, on failure) → `parse` → durable append to the event queue → 200. Ingesting the events and
 * delivering to Cognigy happen afterwards, on the event worker: the vendor is answered before the slow
 * work. A failed append is a 503, so the vendor retries.
 */
export function webhookRoute(options: WebhookRouteOptions): Route {
  const { registry, metrics, logger } = options;
  const now = options.now ?? Date.now;
  // Webhooks come in bursts: the provider lookup (a store read, in Redis a round trip) is reused for
  // a second. A changed secret or a deleted provider therefore takes effect within that second.
  const ttl = options.providerCacheMs ?? 1_000;
  type Lookup = Awaited<ReturnType<ProviderRegistry['connector']>>;
  // `found` is set once the lookup succeeded: a hit then costs no promise and no await.
  const cache = new Map<string, { until: number; lookup: Promise<Lookup>; found?: Lookup }>();
  const connectorOf = (providerId: string): Lookup | Promise<Lookup> => {
    const t = now();
    const hit = cache.get(providerId);
    if (hit && hit.until > t) return hit.found ?? hit.lookup;
    const lookup = registry.connector(providerId);
    const entry: { until: number; lookup: Promise<Lookup>; found?: Lookup } = { until: t + ttl, lookup };
    cache.set(providerId, entry);
    lookup.then(
      (found) => (entry.found = found),
      () => cache.get(providerId) === entry && cache.delete(providerId),
    );
    if (cache.size > 1_000) cache.delete(cache.keys().next().value!);
    return lookup;
  };
  registry.on('change', (change) => cache.delete(change.type === 'deleted' ? change.providerId : change.provider.id));
  // Defined once, not per request: a request's outcome travels in `intake`.
  const unavailable = (intake: Intake, error: unknown, stage: string) => {
    intake.result = 'unavailable';
    logger.error(`webhook intake failed (${stage}); answered 503 so the vendor retries`, {
      requestId: intake.requestId,
      providerId: intake.providerId,
      error: (error as Error)?.message,
    });
    return new HttpStatusError(503, 'The gateway cannot store events right now; retry later', {
      'retry-after': String(RETRY_AFTER_SEC),
    });
  };
  // An unknown provider reads as none (a 401 below); a store that cannot answer is a 503.
  const lookupFailed = (intake: Intake, error: unknown): undefined => {
    if (UnknownProviderError.isInstance(error)) return undefined;
    throw HandoverError.isInstance(error) && error.code !== 'internal'
      ? error
      : unavailable(intake, error, 'provider lookup');
  };
  const enqueue = async (intake: Intake, events: HandoverEvent[], receivedAt: number) => {
    const entries = eventEntries(intake.providerId, events, receivedAt);
    try {
      await options.queue.append(entries);
    } catch (error) {
      if (storable(entries)) throw unavailable(intake, error, 'queue');
      intake.result = 'bad_request';
      throw new BadRequestError('The webhook body cannot be stored (nested too deeply)');
    }
    metrics.eventsEnqueued.inc({}, events.length);
    options.kick();
  };
  return {
    method: 'POST',
    path: WEBHOOK_ROUTE,
    auth: 'none',
    handler: async (ctx) => {
      const started = performance.now();
      const providerId = ctx.params.providerId!;
      const intake: Intake = { providerId, requestId: ctx.requestId, type: 'unknown', result: 'error' };
      try {
        // An unknown provider, one without webhooks and a bad signature all answer the same 401, so
        // provider ids cannot be enumerated from outside.
        // The store failing to answer is a 503, never a 500 the vendor gives up on.
        const cached = connectorOf(providerId);
        const found = cached instanceof Promise ? await cached.catch((e: unknown) => lookupFailed(intake, e)) : cached;
        const webhook = found?.connector.webhook;
        if (!found || !webhook) {
          intake.result = 'bad_signature';
          throw new BadSignatureError('Webhook verification failed');
        }
        intake.type = found.provider.type;
        const wait = options.limiter?.take(providerId);
        if (wait !== undefined) {
          intake.result = 'rate_limited';
          throw tooManyRequests(wait, 'Too many webhooks for this provider; retry later');
        }
        const rawBody = await ctx.body(options.maxBodyBytes);
        const request: WebhookRequest = {
          method: ctx.req.method ?? 'POST',
          url: ctx.req.url ?? '',
          headers: ctx.req.headers,
          rawBody,
          receivedAt: now(),
        };
        let custom: Awaited<ReturnType<NonNullable<typeof webhook.handle>>>;
        try {
          custom = webhook.handle ? await webhook.handle(request) : undefined;
        } catch (error) {
          throw isTransientFailure(error) ? unavailable(intake, error, 'handle') : error;
        }
        if (custom) {
          const handled = custom.events ?? [];
          if (handled.length > 0) await enqueue(intake, handled, request.receivedAt);
          intake.result = 'handled';
          const body =
            typeof custom.body === 'string'
              ? custom.body
              : custom.body
                ? Buffer.from(custom.body).toString('utf8')
                : '';
          const contentType = custom.headers?.['content-type'];
          return {
            status: custom.status,
            text: body,
            headers: custom.headers ?? {},
            ...(contentType ? { contentType } : {}),
          };
        }
        if (request.method !== 'POST' || ctx.params.sub !== undefined) {
          intake.result = 'bad_signature'; // as for an unknown provider: nothing tells a known id apart
          throw new BadSignatureError('Webhook verification failed');
        }
        try {
          const verifying = webhook.verify(request);
          if (verifying) await verifying; // most connectors verify synchronously: no await then
        } catch (error) {
          if (isTransientFailure(error)) throw unavailable(intake, error, 'verify');
          intake.result = 'bad_signature';
          // Every signature failure reads the same (and the same as an unknown provider).
          if (HandoverError.isInstance(error) && error.code !== 'internal' && error.code !== 'bad_signature')
            throw error;
          throw new BadSignatureError('Webhook verification failed');
        }
        let events: HandoverEvent[];
        try {
          const parsed = webhook.parse(request);
          events = isThenable(parsed) ? await parsed : parsed;
        } catch (error) {
          // A connector reading its state (Redis) while it is away: retry later, not a 400.
          if (isTransientFailure(error)) throw unavailable(intake, error, 'parse');
          intake.result = 'bad_request';
          if (HandoverError.isInstance(error) && error.code !== 'internal') throw error;
          throw new BadRequestError('Webhook body could not be parsed');
        }
        if (events.length > 0) await enqueue(intake, events, request.receivedAt);
        intake.result = 'accepted';
        return { status: 200, body: { received: events.length } };
      } catch (error) {
        if (intake.result === 'error') intake.result = HandoverError.isInstance(error) ? error.code : 'error';
        if (HandoverTimeoutError.isInstance(error)) intake.result = 'timeout';
        if (intake.result === 'bad_signature')
          logger.warn('webhook rejected: bad signature or unknown provider', { requestId: ctx.requestId, providerId });
        throw error;
      } finally {
        metrics.webhookResults.inc({ type: intake.type, result: intake.result });
        metrics.webhookLatency.observe((performance.now() - started) / 1000, { type: intake.type });
      }
    },
  };
}
