import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  HandoverConfigError,
  secretFields,
  toHandoverError,
  type Clock,
  type ConnectorDefinitionV1,
  type Logger,
} from '../contract';
import { systemClock } from '../clock';
import type { Delivery } from '../delivery';
import { Redactor, createJsonLogger, type LogLevel } from '../logger';
import { ProviderRegistry } from '../registry';
import { HandoverService, type HandoverServiceOptions } from '../service/service';
import type { HandoverStore } from '../store/types';
import { ApiKeyAuth, type ApiKeys } from './auth';
import { SecretCipher, type EncryptionKey } from './secrets/cipher';
import { sealDeliveryItem } from './secrets/rotate';
import { EncryptingStore } from './secrets/store';
import { CognigyApiClient, type CognigyApiOptions } from './cognigy/client';
import {
  DEFAULT_RETRY_POLICY,
  OutboxDelivery,
  createOutboxHandler,
  outboxEntry,
  type DeadLetters,
  type OutboxRecord,
  type OutboxRetryPolicy,
} from './cognigy/outbox';
import { createEventHandler, type EventQueueItem } from './events';
import { createHttpApp } from './http/server';
import { DEFAULT_HTTP_TIMEOUTS, createHttpServer, type HttpTimeouts } from './http/node-server';
import { LogDelivery } from './log-delivery';
import { redactRedisUrl, redactingLogger } from './logging';
import { memoryBackend } from './backend/memory';
import type { GatewayBackend } from './backend/types';
import type { Scheduler } from '../scheduler';
import { createGatewayMetrics, type GatewayMetrics } from './metrics';
import type { QueueBackend } from './queue/types';
import { QueueWorker } from './queue/worker';
import { restoreTimers } from './restore';
import { StoreWatch } from './health/store-watch';
import { nodeRoutes } from './routes/nodes';
import { opsRoutes } from './routes/ops';
import { providerRoutes } from './routes/providers';
import { webhookRoutes } from './routes/webhooks';
import { apiKeyRoutes } from './routes/api-keys';
import { NamedApiKeys } from './keys/named';
import { RateLimiter } from './http/guards';
import { createUi } from './ui';
import type { Playground, PlaygroundOptions } from './playground/playground';

export interface QueueTuning {
  /** Partitions processed at once per instance (0: this instance only takes webhooks; others ingest). */
  concurrency?: number;
  /** Lease on a partition (Redis mode): how soon another instance takes over from a dead one. */
  leaseMs?: number;
  /** How often the shared queue is polled (Redis mode). */
  pollMs?: number;
  batchSize?: number;
}

export interface GatewayOptions {
  /** Connector types providers can be created from. */
  connectors: readonly ConnectorDefinitionV1[];
  keys: ApiKeys;
  /** Default `127.0.0.1`; `0.0.0.0` to listen on every interface. */
  host?: string;
  /** Default 8080; 0 picks a free port. */
  port?: number;
  /** Public base URL of this gateway (behind a load balancer); webhook URLs are built from it. */
  publicUrl?: string;
  /** Shared state for several instances. Without it everything lives in this process. */
  redis?: { url: string; prefix?: string };
  /** Deliver into Cognigy sessions (inject / notify). Without it (and without `delivery`), deliveries are logged. */
  cognigy?: CognigyApiOptions;
  /** Replaces the Cognigy delivery (tests, playground). */
  delivery?: Delivery;
  /** Advanced: your own store / scheduler instead of the memory or Redis ones. */
  store?: HandoverStore;
  scheduler?: Scheduler;
  /** Your logger (secrets are masked before it sees anything); default JSON lines on stdout. */
  logger?: Logger;
  logLevel?: LogLevel;
  /** Where the default JSON logger writes its lines (default stdout). */
  logWrite?: (line: string) => void;
  redactor?: Redactor;
  limits?: GatewayLimits;
  /** Slow and idle clients (see `HttpTimeouts`). */
  http?: Partial<HttpTimeouts>;
  outbox?: Partial<OutboxRetryPolicy> & QueueTuning;
  events?: QueueTuning & { orphanWindowMs?: number };
  service?: Pick<
    HandoverServiceOptions,
    'callTimeoutMs' | 'dedupeTtlMs' | 'reorderGapMs' | 'presenceTexts' | 'assignmentTimeoutSec'
  >;
  /** Providers created at start unless one with the same id exists. */
  providers?: Array<{ id?: string; name: string; type: string; settings?: Record<string, unknown> }>;
  /** How long a graceful close waits for each stage (default 15 s). */
  shutdownTimeoutMs?: number;
  /** Memory mode only (Redis timers run on real time). */
  clock?: Clock;
  /**
   * Secrets at rest (provider secret fields, URLTokens) are sealed with AES-256-GCM under these keys;
   * the first is the current one. Required with `redis` unless `allowPlaintextSecrets` (development only).
   */
  encryptionKeys?: readonly EncryptionKey[];
  /** Development only: a Redis gateway without encryption keys (secrets stored in clear; logged loudly). */
  allowPlaintextSecrets?: boolean;
  /** The web console at `/console` (default on: a page only; everything it does needs an admin key). */
  console?: boolean;
  /**
   * The playground at `/playground` (off unless set): a sample flow on an embedded simulated center. See
   * docs/console.md.
   */
  playground?: PlaygroundOptions | boolean;
  /** Folder of the built console assets (default: the package's `dist/ui`). */
  uiDir?: string;
}

export interface GatewayLimits {
  jsonBodyBytes?: number;
  webhookBodyBytes?: number;
  /** Failed API-key attempts one client address may make at once (default 20), then 429 ... */
  authFailureBurst?: number;
  /** ... until they come back at this rate (default 10 per minute). */
  authFailuresPerMinute?: number;
  /** Webhook requests per provider and second (default 500; per instance) ... */
  webhookPerSecond?: number;
  /** ... with bursts up to this many (default 1000). Over it: 429 + Retry-After, so the vendor retries. */
  webhookBurst?: number;
}

export interface Gateway {
  readonly registry: ProviderRegistry;
  readonly service: HandoverService;
  readonly store: HandoverStore;
  readonly delivery: Delivery;
  readonly metrics: GatewayMetrics;
  readonly logger: Logger;
  readonly redactor: Redactor;
  readonly server: Server;
  /** The Cognigy client when Cognigy delivery is configured (its `requestCount` is the upstream call count). */
  readonly cognigy?: CognigyApiClient;
  /** The playground, when enabled. */
  readonly playground?: Playground;
  /** `http://host:port` once listening. */
  readonly url: string;
  listen(): Promise<string>;
  ready(): Promise<{ ready: boolean; reason?: string }>;
  /** Resolves when the event queue and the outbox are empty and the service is idle (tests, demos). */
  settle(timeoutMs?: number): Promise<void>;
  /** Items given up by the outbox. */
  deadLetters(limit?: number): Promise<Array<{ record: OutboxRecord; reason: string; at: number }>>;
  /**
   * Graceful (default): stop accepting, finish in-flight requests, drain the event queue and the
   * outbox (memory) or leave them in Redis for the other instances, stop timers, close connections.
   * `graceful: false` drops everything at once, as a crash would (tests).
   */
  close(options?: { graceful?: boolean; timeoutMs?: number }): Promise<void>;
}

/** Builds a gateway (not listening yet). */
export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const redactor = options.redactor ?? new Redactor();
  for (const key of [...options.keys.nodes, ...options.keys.admin]) redactor.add(key);
  if (options.cognigy) redactor.add(options.cognigy.apiKey);
  if (options.redis) redactRedisUrl(options.redis.url, redactor);
  const logger = options.logger
    ? redactingLogger(options.logger, redactor)
    : createJsonLogger({
        level: options.logLevel ?? 'info',
        redactor,
        base: { service: 'handover-gateway' },
        write: options.logWrite,
      });
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const metrics = createGatewayMetrics();
  const timeoutMs = options.shutdownTimeoutMs ?? 15_000;

  const cipher =
    options.encryptionKeys && options.encryptionKeys.length > 0 ? new SecretCipher(options.encryptionKeys) : undefined;
  if (options.redis && !cipher) {
    if (!options.allowPlaintextSecrets) {
      throw new HandoverConfigError(
        'Redis mode needs encryption keys for secrets at rest (HANDOVER_ENCRYPTION_KEYS or ' +
          'HANDOVER_ENCRYPTION_KEY_FILE)',
        [
          {
            path: 'HANDOVER_ENCRYPTION_KEYS',
            message: 'Required with HANDOVER_REDIS_URL (or HANDOVER_ALLOW_PLAINTEXT_SECRETS=true, development only)',
          },
        ],
      );
    }
    logger.warn(
      'INSECURE: provider secrets and URLTokens are stored in clear text in Redis ' +
        '(HANDOVER_ALLOW_PLAINTEXT_SECRETS); development only',
    );
  }
  const secretFieldsOf = (type: string) => {
    const def = options.connectors.find((d) => d.type === type);
    return def ? secretFields(def.settingsSchema) : [];
  };

  const backendOptions = { clock, logger, ...pick(options, ['store', 'scheduler']) };
  // The Redis backend (ioredis, BullMQ) is loaded only when Redis is configured.
  const backend: GatewayBackend = options.redis
    ? await (await import('./backend/redis')).redisBackend(
        options.redis.url,
        options.redis.prefix ?? 'hk:',
        backendOptions,
      )
    : memoryBackend(backendOptions);
  const { scheduler } = backend;
  const store: HandoverStore = cipher ? new EncryptingStore(backend.store, cipher, secretFieldsOf) : backend.store;

  let boundUrl = '';
  const publicBase = () => (options.publicUrl ?? boundUrl).replace(/\/+$/, '');
  const webhookUrl = (id: string) => (publicBase() ? `${publicBase()}/webhooks/${encodeURIComponent(id)}` : undefined);
  const registry = new ProviderRegistry({
    connectors: options.connectors,
    store,
    clock,
    logger,
    redactor,
    webhookUrl,
    connectorState: (providerId) => backend.connectorState(providerId),
  });
  // Secrets of providers created elsewhere (another instance, an earlier run) are masked in logs too.
  const rememberSecrets = async (providerId: string) => {
    const record = await store.getProvider(providerId);
    if (!record) return;
    const def = registry.connectorTypes().find((d) => d.type === record.type);
    for (const key of def ? secretFields(def.settingsSchema) : []) redactor.add(record.settings[key]);
  };
  registry.on('connector', (providerId) => void rememberSecrets(providerId).catch(() => {}));

  /** A durable queue (Redis when shared, else in memory) and its worker: the outbox and the webhook events. */
  function durableQueue<T>(
    name: string,
    handler: ConstructorParameters<typeof QueueWorker<T>>[1],
    o: { leaseMs?: number; concurrency?: number; batchSize?: number; pollMs?: number },
    batchSize: number,
  ) {
    const queue = backend.queue<T>(name, { ...(o.leaseMs ? { leaseMs: o.leaseMs } : {}) });
    const worker = new QueueWorker<T>(queue, handler, {
      name,
      concurrency: o.concurrency ?? 256,
      batchSize: o.batchSize ?? batchSize,
      pollMs: o.pollMs,
      leaseMs: o.leaseMs,
      logger,
      now,
    });
    return { backend: queue, worker };
  }

  // The outbox toward Cognigy (or the delivery given, or a log of what would be delivered).
  let cognigy: CognigyApiClient | undefined;
  let outbox:
    | { backend: QueueBackend<OutboxRecord>; worker: QueueWorker<OutboxRecord>; deadLetters: DeadLetters }
    | undefined;
  let delivery: Delivery;
  if (options.delivery) delivery = options.delivery;
  else if (options.cognigy) {
    cognigy = new CognigyApiClient(options.cognigy);
    const o = options.outbox ?? {};
    const deadLetters = backend.deadLetters('outbox');
    const policy: OutboxRetryPolicy = {
      ...DEFAULT_RETRY_POLICY,
      ...pick(o, ['baseDelayMs', 'maxDelayMs', 'maxRetryAfterMs', 'maxAgeMs']),
    };
    const { backend: queue, worker } = durableQueue<OutboxRecord>(
      'outbox',
      createOutboxHandler({ client: cognigy, policy, deadLetters, metrics, logger, now, cipher }),
      o,
      16,
    );
    outbox = { backend: queue, worker, deadLetters };
    delivery = new OutboxDelivery(queue, worker, now, cipher);
    // The backend's own Redis store appends to the outbox inside each handover write (one script);
    // the URLToken is sealed there too.
    backend.attachOutbox?.({
      queue: 'outbox',
      entry: (item) => outboxEntry(sealDeliveryItem(cipher, item), now()),
      appended: () => worker.kick(),
    });
  } else delivery = new LogDelivery(logger);

  const service = new HandoverService({ registry, delivery, clock, scheduler, logger, ...options.service });

  const e = options.events ?? {};
  const { backend: eventBackend, worker: eventWorker } = durableQueue<EventQueueItem>(
    'events',
    createEventHandler({ service, metrics, logger, orphanWindowMs: e.orphanWindowMs, now }),
    e,
    32,
  );

  metrics.registry.gauge('handover_handovers', 'Handovers in the store by status.', async () =>
    Object.entries(await store.countByStatus()).map(([status, value]) => ({ labels: { status }, value })),
  );
  metrics.registry.gauge(
    'handover_outbox_depth',
    'Items waiting in the outbox toward Cognigy (all instances in Redis mode).',
    async () => [{ value: outbox ? await outbox.backend.depth() : 0 }],
  );
  metrics.registry.gauge('handover_event_queue_depth', 'Webhook events waiting to be ingested.', async () => [
    { value: await eventBackend.depth() },
  ]);

  const seedProviders = async () => {
    for (const p of options.providers ?? []) {
      if (p.id && (await store.getProvider(p.id))) continue;
      try {
        await registry.create(p);
      } catch (error) {
        // Another instance starting at the same moment created it first: fine.
        if (!(p.id && (await store.getProvider(p.id)))) throw error;
      }
    }
  };
  await seedProviders();
  for (const p of await store.listProviders()) await rememberSecrets(p.id);
  const storeWatch = new StoreWatch(store, backend.connectorState('_gateway'), seedProviders, logger);
  await storeWatch.start();
  registry.on('change', (change) => change.type === 'deleted' && storeWatch.forget(change.providerId));

  let shuttingDown = false;
  const ready = async (): Promise<{ ready: boolean; reason?: string }> => {
    if (shuttingDown) return { ready: false, reason: 'shutting down' };
    try {
      if (!(await withTimeout(backend.ping(), 2_000))) return { ready: false, reason: 'store unreachable' };
      const lost = await withTimeout(storeWatch.check(), 5_000);
      if (lost) return { ready: false, reason: lost };
    } catch {
      return { ready: false, reason: 'store unreachable' };
    }
    return { ready: true };
  };

  const namedKeys = new NamedApiKeys(backend.apiKeys, { logger, now });
  const auth = new ApiKeyAuth(options.keys, namedKeys);
  const lim = options.limits ?? {};
  const authThrottle = new RateLimiter((lim.authFailuresPerMinute ?? 10) / 60, lim.authFailureBurst ?? 20);
  const webhookLimiter = new RateLimiter(lim.webhookPerSecond ?? 500, lim.webhookBurst ?? 1_000);
  const ui = await createUi({
    auth,
    logger,
    console: options.console !== false,
    playground: options.playground,
    dir: options.uiDir,
  });
  const limits = {
    jsonBodyBytes: options.limits?.jsonBodyBytes ?? 1_048_576,
    webhookBodyBytes: options.limits?.webhookBodyBytes ?? 524_288,
  };
  const app = createHttpApp({
    routes: [
      ...opsRoutes({ metrics: metrics.registry, ready }),
      ...nodeRoutes(service, registry),
      ...providerRoutes(registry, service, logger, backend.providerChecks, {
        webhookUrl,
        redact: (text) => redactor.redactString(text),
      }),
      ...apiKeyRoutes(namedKeys),
      ...webhookRoutes({
        registry,
        queue: eventBackend,
        kick: () => eventWorker.kick(),
        metrics,
        logger,
        maxBodyBytes: limits.webhookBodyBytes,
        now,
        limiter: webhookLimiter,
      }),
      ...ui.routes,
    ],
    auth,
    metrics,
    logger,
    jsonBodyBytes: limits.jsonBodyBytes,
    authThrottle,
    redact: (body) => redactor.redact(body),
  });
  const server = createHttpServer(app, { ...DEFAULT_HTTP_TIMEOUTS, ...options.http });

  eventWorker.start();
  outbox?.worker.start();
  void restoreTimers(store, scheduler, now())
    .then((n) => n > 0 && logger.info('timers restored', { count: n }))
    .catch((error) => logger.warn('restoring timers failed', { error: toHandoverError(error).toJSON() }));

  let closing: Promise<void> | undefined;
  const shared = backend.shared;

  async function gracefulClose(stageMs: number) {
    shuttingDown = true;
    await ui.close(); // ends the playground's event streams, which would keep the server open
    await closeServer(server, stageMs);
    // Memory: nothing survives the process, so drain; Redis: finish what is running, leave the rest.
    await eventWorker.stop({ drain: shared ? 'inflight' : 'all', timeoutMs: stageMs });
    await service.close();
    if (outbox) {
      await outbox.worker.stop({ drain: shared ? 'inflight' : 'all', timeoutMs: stageMs });
      const left = await outbox.backend.depth().catch(() => 0);
      if (left > 0 && !shared)
        logger.error(
          'outbox items were not delivered before shutdown (memory mode: they are lost; use Redis to keep them)',
          { count: left },
        );
      else if (left > 0) logger.info('outbox items left in Redis for the other instances', { count: left });
    }
    const pendingEvents = await eventBackend.depth().catch(() => 0);
    if (pendingEvents > 0 && !shared)
      logger.error('webhook events were not ingested before shutdown', { count: pendingEvents });
    await registry.close();
    await cognigy?.close();
    await backend.close();
    logger.info('gateway stopped');
  }

  function abort() {
    shuttingDown = true;
    void ui.close();
    server.closeAllConnections();
    server.close();
    eventWorker.abort();
    outbox?.worker.abort();
    backend.abort();
    void cognigy?.close();
  }

  return {
    registry,
    service,
    store,
    delivery,
    metrics,
    logger,
    redactor,
    server,
    cognigy,
    ...(ui.playground ? { playground: ui.playground } : {}),
    get url() {
      return boundUrl;
    },
    async listen() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.port ?? 8080, options.host ?? '127.0.0.1', () => {
          server.off('error', reject);
          resolve();
        });
      });
      const address = server.address() as AddressInfo;
      const host =
        address.address === '0.0.0.0' || address.address === '::'
          ? '127.0.0.1'
          : address.family === 'IPv6'
            ? `[${address.address}]`
            : address.address;
      boundUrl = `http://${host}:${address.port}`;
      logger.info('gateway listening', {
        url: boundUrl,
        store: store.kind,
        delivery: cognigy ? 'cognigy' : options.delivery ? 'custom' : 'log',
      });
      return boundUrl;
    },
    ready,
    async settle(limitMs = 10_000) {
      const deadline = Date.now() + limitMs;
      for (;;) {
        await service.idle();
        const [events, out] = await Promise.all([eventBackend.depth(), outbox ? outbox.backend.depth() : 0]);
        if (events === 0 && out === 0 && eventWorker.inFlight === 0 && (outbox?.worker.inFlight ?? 0) === 0) {
          await service.idle();
          return;
        }
        if (Date.now() > deadline)
          throw new Error(`gateway did not settle within ${limitMs} ms (events ${events}, outbox ${out})`);
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async deadLetters(limit) {
      return outbox ? outbox.deadLetters.list(limit) : [];
    },
    close(closeOptions = {}) {
      if (closing) return closing;
      if (closeOptions.graceful === false) {
        abort();
        closing = Promise.resolve();
      } else closing = gracefulClose(closeOptions.timeoutMs ?? timeoutMs);
      return closing;
    },
  };
}

/** Stops accepting, lets in-flight requests finish (up to `ms`), then drops what is left. */
async function closeServer(server: Server, ms: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  // Keep-alive connections become idle as their last response ends: close them as they do.
  server.closeIdleConnections();
  const sweep = setInterval(() => server.closeIdleConnections(), 25);
  const timer = setTimeout(() => server.closeAllConnections(), ms);
  await closed;
  clearInterval(sweep);
  clearTimeout(timer);
}

/** A deadline the caller awaits: its timer stays ref'd and is cleared as soon as the race ends. */
async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function pick<T extends object, K extends keyof T>(obj: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
  return out;
}
