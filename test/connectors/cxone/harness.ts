import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderRegistry, silentLogger, type HandoverEvent, type Logger } from 'handover-kit';
import { createFakeClock, type FakeClock } from 'handover-kit/testing';
import {
  HandoverError,
  type ConnectorStateV1,
  type HandoverConnectorV1,
  type WebhookRequest,
} from 'handover-kit/contract';
import { MemoryConnectorState, testConnectorRuntime } from 'handover-kit/testing';
import {
  createCxoneConnector,
  cxoneConnector,
  type CxoneConnector,
  type CxoneSettingsInput,
} from 'handover-kit/connectors/cxone';
import { FAKE_DEFAULTS, FakeCxone, type ByocConfig } from '../../fakes/cxone';

export const PROVIDER_ID = 'cxone-test';
export const CHANNEL_CLIENT_ID = 'byoc-client-id-0001';
export const CHANNEL_CLIENT_SECRET = 'byoc-client-secret-0123456789abcdef';
export const POLL_MS = 5000;

export function settingsFor(fake: FakeCxone, overrides: Partial<CxoneSettingsInput> = {}): CxoneSettingsInput {
  return {
    accessKeyId: FAKE_DEFAULTS.accessKeyId,
    accessKeySecret: FAKE_DEFAULTS.accessKeySecret,
    clientId: FAKE_DEFAULTS.clientId,
    clientSecret: FAKE_DEFAULTS.clientSecret,
    channelId: FAKE_DEFAULTS.channelId,
    channelClientId: CHANNEL_CLIENT_ID,
    channelClientSecret: CHANNEL_CLIENT_SECRET,
    skillId: FAKE_DEFAULTS.skillId,
    authBaseUrl: fake.url,
    dfoBaseUrl: fake.url,
    apiBaseUrl: fake.url,
    pollIntervalMs: POLL_MS,
    ...overrides,
  };
}

export interface Ingress {
  url: string;
  /** Status of every request answered, with the events it produced. */
  answered: Array<{ path: string; status: number; events: number }>;
  close(): Promise<void>;
}

/**
 * A loopback stand-in for the gateway's webhook routes: `/webhooks/<providerId>[/…]` → the
 * connector's `handle`, else verify + parse on the bare path (401 / 400 on failure); events go to
 * `onEvents`. The gateway's own routing is covered in gateway.test.ts.
 */
export async function startIngress(
  connector: Pick<HandoverConnectorV1, 'webhook'>,
  onEvents: (events: HandoverEvent[]) => void,
): Promise<Ingress> {
  const webhook = connector.webhook!;
  const answered: Ingress['answered'] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      const request: WebhookRequest = {
        method: req.method ?? 'POST',
        url: req.url ?? '/',
        headers: req.headers,
        rawBody: Buffer.concat(chunks),
        receivedAt: Date.now(),
      };
      const path = new URL(request.url, 'http://x').pathname;
      try {
        const custom = await webhook.handle?.(request);
        if (custom) {
          if (custom.events?.length) onEvents(custom.events);
          answered.push({ path, status: custom.status, events: custom.events?.length ?? 0 });
          res.writeHead(custom.status, custom.headers).end(custom.body);
          return;
        }
        await webhook.verify(request);
        const events = await webhook.parse(request);
        onEvents(events);
        answered.push({ path, status: 200, events: events.length });
        res.writeHead(200).end('{}');
      } catch (error) {
        const status = HandoverError.isInstance(error) && error.code === 'bad_signature' ? 401 : 400;
        answered.push({ path, status, events: 0 });
        res.writeHead(status).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    answered,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface CxoneTestBed {
  fake: FakeCxone;
  connector: CxoneConnector;
  clock: FakeClock;
  ingress: Ingress;
  events: HandoverEvent[];
  byoc: ByocConfig;
  close(): Promise<void>;
}

/** A CXone connector (through the provider registry, as in production) against a fresh fake, on a fake clock. */
export async function startTestBed(
  options: {
    settings?: Partial<CxoneSettingsInput>;
    onEvents?: (events: HandoverEvent[]) => void;
    logger?: Logger;
    byoc?: Partial<ByocConfig>;
  } = {},
): Promise<CxoneTestBed> {
  const fake = await FakeCxone.start();
  const clock = createFakeClock(Date.now());
  const registry = new ProviderRegistry({
    connectors: [cxoneConnector()],
    clock,
    logger: options.logger ?? silentLogger,
  });
  await registry.create({
    id: PROVIDER_ID,
    name: 'CXone',
    type: 'cxone',
    settings: settingsFor(fake, options.settings) as Record<string, unknown>,
  });
  const connector = (await registry.connector(PROVIDER_ID)).connector as CxoneConnector;
  const events: HandoverEvent[] = [];
  const push = (list: HandoverEvent[]) => {
    events.push(...list);
    options.onEvents?.(list);
  };
  connector.events.on('event', (e) => push([e]));
  const ingress = await startIngress(connector, push);
  const byoc: ByocConfig = {
    boxUrl: `${ingress.url}/webhooks/${PROVIDER_ID}`,
    tokenUrl: `${ingress.url}/webhooks/${PROVIDER_ID}/1.0/token`,
    clientId: CHANNEL_CLIENT_ID,
    clientSecret: CHANNEL_CLIENT_SECRET,
    ...options.byoc,
  };
  fake.connectByoc(byoc);
  return {
    fake,
    connector,
    clock,
    ingress,
    events,
    byoc,
    async close() {
      await registry.close();
      await ingress.close();
      await fake.close();
    },
  };
}

/**
 * State shared by several "gateway instances" in one test: one value map, a lease owner per
 * instance, expiries on the given clock (what the Redis state does across processes).
 */
export class SharedState {
  private readonly values = new Map<string, { value: string; expiresAt: number }>();
  constructor(private readonly clock: { now(): number }) {}

  forInstance(owner: string): ConnectorStateV1 {
    return {
      get: async (k) => this.read(k),
      set: async (k, value, o) =>
        void this.values.set(k, { value, expiresAt: o?.ttlMs === undefined ? Infinity : this.clock.now() + o.ttlMs }),
      delete: async (k) => void this.values.delete(k),
      acquireLease: async (name, ttlMs) => {
        const holder = this.read(`lease:${name}`);
        if (holder !== undefined && holder !== owner) return false;
        this.values.set(`lease:${name}`, { value: owner, expiresAt: this.clock.now() + ttlMs });
        return true;
      },
      releaseLease: async (name) => {
        if (this.read(`lease:${name}`) === owner) this.values.delete(`lease:${name}`);
      },
    };
  }

  /** Every live entry (tests check what is stored). */
  dump(): Array<[string, string]> {
    return [...this.values.keys()].flatMap((k) => {
      const v = this.read(k);
      return v === undefined ? [] : [[k, v] as [string, string]];
    });
  }

  private read(k: string): string | undefined {
    const entry = this.values.get(k);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.clock.now()) {
      this.values.delete(k);
      return undefined;
    }
    return entry.value;
  }
}

/** A start request with nothing but a key and a user (`u-<key>`). */
export const plainStart = (key: string) => ({
  idempotencyKey: key,
  user: { id: `u-${key}` },
  routing: {},
  transcript: [],
  customAttributes: {},
});

/** A connector made directly (no registry) on a given state, e.g. a second gateway instance. */
export function connectorOn(
  fake: FakeCxone,
  clock: FakeClock,
  state: ConnectorStateV1,
  settings: Partial<CxoneSettingsInput> = {},
): CxoneConnector {
  return createCxoneConnector(
    settingsFor(fake, settings),
    testConnectorRuntime({ clock, providerId: PROVIDER_ID, state }),
  );
}

export { MemoryConnectorState };
