import { randomBytes } from 'node:crypto';
import { request } from 'undici';
import { createGatewayClient, type GatewayClient } from 'handover-kit';
import {
  createGateway,
  createProviderAdminClient,
  type Gateway,
  type GatewayOptions,
  type ProviderAdminClient,
} from 'handover-kit/gateway';
import {
  SimulatedCenters,
  signWebhook,
  simulatedConnector,
  SIGNATURE_HEADER,
  webhookBody,
} from 'handover-kit/connectors/simulated';
import type { HandoverEvent } from 'handover-kit';
import type { FakeCognigy } from '../fakes/cognigy';

export const ADMIN_KEY = 'test-admin-key-7f3a9c1e5b2d4068';
export const NODES_KEY = 'test-nodes-key-2b8e6d0f4a1c3957';
export const WEBHOOK_SECRET = 'test-webhook-secret-5c7e9a1b3d';

/** Redis gateways refuse to start without keys for secrets at rest. */
export const TEST_ENCRYPTION_KEYS = [{ kid: 'test1', key: Buffer.alloc(32, 7) }];

export function redisUrl(): string {
  const url = process.env.HANDOVER_TEST_REDIS_URL;
  if (!url)
    throw new Error(
      'HANDOVER_TEST_REDIS_URL is not set: the vitest globalSetup test/setup/redis.ts must run (see vitest.config.ts)',
    );
  return url;
}

/** A key prefix of its own, so tests sharing the redis-server never see each other's keys. */
export function uniquePrefix(): string {
  return `t${randomBytes(5).toString('hex')}:`;
}

export interface TestGatewayOptions {
  /** Redis mode with this prefix (several instances share it). */
  redisPrefix?: string;
  cognigy?: FakeCognigy;
  centers?: SimulatedCenters;
  /** Lines the default JSON logger writes. */
  logs?: string[];
  /** Create the `sim` provider (webhook mode, secret WEBHOOK_SECRET) unless false. */
  simProvider?: boolean | Record<string, unknown>;
  overrides?: Partial<GatewayOptions>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  client: GatewayClient;
  admin: ProviderAdminClient;
  centers: SimulatedCenters;
  close(): Promise<void>;
  kill(): Promise<void>;
}

export async function startTestGateway(options: TestGatewayOptions = {}): Promise<TestGateway> {
  const centers = options.centers ?? new SimulatedCenters();
  const logs = options.logs;
  const gateway = await createGateway({
    connectors: [simulatedConnector({ centers }) as never],
    keys: { nodes: [NODES_KEY], admin: [ADMIN_KEY] },
    port: 0,
    ...(options.redisPrefix ? { redis: { url: redisUrl(), prefix: options.redisPrefix } } : {}),
    // Every Redis gateway seals secrets at rest (the cluster and sentinel tests pass their own URL).
    ...(options.redisPrefix || options.overrides?.redis ? { encryptionKeys: TEST_ENCRYPTION_KEYS } : {}),
    ...(options.cognigy
      ? { cognigy: { apiBaseUrl: options.cognigy.url, apiKey: options.cognigy.apiKey, timeoutMs: 2_000 } }
      : {}),
    logLevel: logs ? 'debug' : 'silent',
    ...(logs ? { logWrite: (line: string) => logs.push(line) } : {}),
    outbox: { baseDelayMs: 20, maxDelayMs: 200, leaseMs: 1_000, pollMs: 50 },
    events: { leaseMs: 1_000, pollMs: 50, orphanWindowMs: 3_000 },
    service: { reorderGapMs: 2_000 },
    shutdownTimeoutMs: 3_000,
    ...options.overrides,
  });
  const url = await gateway.listen();
  if (options.simProvider !== false && !(await gateway.store.getProvider('sim'))) {
    const extra = typeof options.simProvider === 'object' ? options.simProvider : {};
    await gateway.registry.create({
      id: 'sim',
      name: 'Simulated',
      type: 'simulated',
      settings: {
        center: 'main',
        delivery: 'webhook',
        webhookSecret: WEBHOOK_SECRET,
        setup: { agents: [{ id: 'anna', name: 'Anna', capacity: 50 }] },
        ...extra,
      },
    });
  }
  const client = createGatewayClient({ url, apiKey: NODES_KEY, timeoutMs: 5_000 });
  const admin = createProviderAdminClient({ url, apiKey: ADMIN_KEY });
  let closed = false;
  return {
    gateway,
    url,
    client,
    admin,
    centers,
    async close() {
      if (closed) return;
      closed = true;
      await client.close();
      await admin.close();
      await gateway.close();
    },
    async kill() {
      closed = true;
      await gateway.close({ graceful: false });
      await client.close().catch(() => {});
      await admin.close().catch(() => {});
    },
  };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: any;
  text: string;
}

/** One HTTP request; never throws for a status. */
export async function http(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string | Buffer } = {},
): Promise<HttpResult> {
  const res = await request(url, { method: (init.method ?? 'GET') as never, headers: init.headers, body: init.body });
  const text = await res.body.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.statusCode, headers: res.headers, json, text };
}

export function postJson(url: string, body: unknown, key?: string): Promise<HttpResult> {
  return http(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
    body: JSON.stringify(body),
  });
}

/** A webhook as the simulated center signs it. */
export function signedWebhook(
  events: HandoverEvent[],
  secret = WEBHOOK_SECRET,
  deliveryId = `dlv-${randomBytes(4).toString('hex')}`,
) {
  const body = webhookBody(deliveryId, events);
  return {
    body,
    headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, body, Date.now()) },
  };
}

export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export function shuffle<T>(items: T[], seed = 42): T[] {
  const out = [...items];
  let s = seed;
  const rand = () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

export interface CapturedWebhook {
  body: string;
  headers: Record<string, string>;
}

/**
 * Stands in for the network between the contact center and the gateway: the simulated center posts
 * its signed webhooks here (settings.webhookUrl), and the test replays them to the gateway as it likes
 * (repeated, shuffled, to another instance).
 */
export async function startWebhookCapture(): Promise<{
  url: string;
  webhooks: CapturedWebhook[];
  close(): Promise<void>;
}> {
  const { createServer } = await import('node:http');
  const webhooks: CapturedWebhook[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      const sig = req.headers[SIGNATURE_HEADER];
      if (typeof sig === 'string') headers[SIGNATURE_HEADER] = sig;
      webhooks.push({ body: Buffer.concat(chunks).toString('utf8'), headers });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}/hook`,
    webhooks,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Event types in captured webhooks, in capture order. */
export function capturedTypes(webhooks: CapturedWebhook[]): string[] {
  return webhooks.flatMap((w) => (JSON.parse(w.body) as { events: Array<{ type: string }> }).events.map((e) => e.type));
}

/** The simulated center behind the `sim` provider (created with its agents on first use). */
export async function simCenter(gw: TestGateway) {
  await gw.gateway.registry.connector('sim');
  return gw.centers.get('main');
}

/**
 * A round-robin load balancer in front of several gateway instances (the contact center's webhook
 * URL points here): each request goes to the next instance; one that refuses the connection is
 * skipped, as a load balancer's health check would.
 */
export async function startLoadBalancer(
  targets: () => string[],
): Promise<{ url: string; forwarded: Map<string, number>; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const forwarded = new Map<string, number>();
  let next = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const body = Buffer.concat(chunks);
      const list = targets();
      for (let i = 0; i < list.length; i++) {
        const target = list[(next++ + i) % list.length]!;
        try {
          const headers: Record<string, string> = {};
          for (const [k, v] of Object.entries(req.headers))
            if (typeof v === 'string' && k !== 'host' && k !== 'connection' && k !== 'content-length') headers[k] = v;
          const answer = await http(`${target}${req.url}`, { method: req.method, headers, body });
          forwarded.set(target, (forwarded.get(target) ?? 0) + 1);
          res.writeHead(answer.status, { 'content-type': 'application/json' }).end(answer.text);
          return;
        } catch {
          // connection refused: that instance is gone, try the next
        }
      }
      res.writeHead(502).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
