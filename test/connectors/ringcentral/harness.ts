import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ProviderRegistry, silentLogger, type HandoverEvent, type Logger } from 'handover-kit';
import { createFakeClock, type FakeClock } from 'handover-kit/testing';
import { HandoverError, type ConnectorWebhookV1, type WebhookRequest } from 'handover-kit/contract';
import {
  ringcentralConnector,
  type RingcentralConnector,
  type RingcentralSettingsInput,
} from 'handover-kit/connectors/ringcentral';
import { FAKE_DEFAULTS, FakeEngage } from '../../fakes/ringcentral';

export const WEBHOOK_SECRET = 'dimelo-webhook-secret-0123456789';
export const VERIFY_TOKEN = 'verify-token-cognigy123';
export const BOT_CATEGORY = '4d0fb475b242228a32cbdf6d';
export const AGENT_CATEGORY = '59248c4dae276a041cb296d2';
export const PROVIDER_ID = 'rce-test';

export function settingsFor(
  fake: FakeEngage,
  overrides: Partial<RingcentralSettingsInput> = {},
): RingcentralSettingsInput {
  return {
    baseApiUrl: fake.restUrl,
    apiAccessToken: FAKE_DEFAULTS.apiToken,
    realtimeEndpointUrl: fake.realtimeUrl,
    realtimeAccessToken: FAKE_DEFAULTS.sourceToken,
    webhookSecret: WEBHOOK_SECRET,
    verifyToken: VERIFY_TOKEN,
    botCategoryId: BOT_CATEGORY,
    agentCategoryId: AGENT_CATEGORY,
    channelName: 'Messaging',
    ...overrides,
  };
}

/**
 * A loopback stand-in for the gateway's webhook route: `handle` first (handshake, SDK actions with
 * their signed answers), then `verify` + `parse`; a failed check is a 401 and delivers nothing.
 */
export interface Receiver {
  url: string;
  /** Every answer given, with the error code when refused. */
  answers: Array<{ status: number; code?: string }>;
  close(): Promise<void>;
}

export async function startReceiver(
  webhook: ConnectorWebhookV1,
  onEvents: (events: HandoverEvent[]) => void,
): Promise<Receiver> {
  const answers: Receiver['answers'] = [];
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
      try {
        const custom = await webhook.handle?.(request);
        if (custom) {
          if (custom.events?.length) onEvents(custom.events);
          answers.push({ status: custom.status });
          res.writeHead(custom.status, custom.headers ?? {}).end(custom.body ?? '');
          return;
        }
        await webhook.verify(request);
        const events = await webhook.parse(request);
        if (events.length) onEvents(events);
        answers.push({ status: 200 });
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: events.length }));
      } catch (error) {
        const code = HandoverError.isInstance(error) ? error.code : 'internal';
        const status = code === 'bad_signature' ? 401 : code === 'bad_request' ? 400 : 500;
        answers.push({ status, code });
        res.writeHead(status).end(JSON.stringify({ code }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/${PROVIDER_ID}`,
    answers,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RingcentralTestBed {
  fake: FakeEngage;
  connector: RingcentralConnector;
  clock: FakeClock;
  receiver: Receiver;
  events: HandoverEvent[];
  close(): Promise<void>;
}

/** A connector made by the provider registry (as in production) against a fresh fake Engage. */
export async function startTestBed(
  options: {
    settings?: Partial<RingcentralSettingsInput>;
    onEvents?: (events: HandoverEvent[]) => void;
    logger?: Logger;
    fakeClock?: boolean;
  } = {},
): Promise<RingcentralTestBed> {
  const fake = await FakeEngage.start();
  const clock = createFakeClock(Date.now());
  const registry = new ProviderRegistry({
    connectors: [ringcentralConnector()],
    ...(options.fakeClock ? { clock } : {}),
    logger: options.logger ?? silentLogger,
  });
  await registry.create({
    id: PROVIDER_ID,
    name: 'Engage',
    type: 'ringcentral',
    settings: settingsFor(fake, options.settings) as Record<string, unknown>,
  });
  const connector = (await registry.connector(PROVIDER_ID)).connector as RingcentralConnector;
  const events: HandoverEvent[] = [];
  const receiver = await startReceiver(connector.webhook!, (list) => {
    events.push(...list);
    options.onEvents?.(list);
  });
  fake.sdkUrl = receiver.url;
  fake.webhook = { url: receiver.url, secret: WEBHOOK_SECRET, verifyToken: VERIFY_TOKEN };
  return {
    fake,
    connector,
    clock,
    receiver,
    events,
    async close() {
      await registry.close();
      await receiver.close();
      await fake.close();
    },
  };
}

export async function waitUntil(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export const startRequest = (key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  user: { id: `user-${key}`, name: 'Jane Doe' },
  routing: {},
  transcript: [
    { role: 'user' as const, text: 'I need an agent' },
    { role: 'bot' as const, text: 'Connecting you' },
  ],
  customAttributes: { plan: 'gold', order_id: 42 },
  ...extra,
});
