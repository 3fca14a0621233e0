import { ProviderRegistry, silentLogger, type Logger } from 'handover-kit';
import { createFakeClock, type FakeClock } from 'handover-kit/testing';
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import { genesysConnector, type GenesysConnector, type GenesysSettingsInput } from 'handover-kit/connectors/genesys';
import type { HandoverEvent } from 'handover-kit';
import { FAKE_DEFAULTS, FakeGenesys, type FakeGenesysOptions } from '../../fakes/genesys';

export const WEBHOOK_SECRET = 'genesys-webhook-secret-0123456789';
export const POLL_MS = 1000;

export interface GenesysTestBed {
  fake: FakeGenesys;
  connector: GenesysConnector;
  clock: FakeClock;
  receiver: WebhookReceiver;
  events: HandoverEvent[];
  /** Fires the pending participant polls (waits until every polled handover has its timer armed). */
  poll(): Promise<void>;
  close(): Promise<void>;
}

export function settingsFor(fake: FakeGenesys, overrides: Partial<GenesysSettingsInput> = {}): GenesysSettingsInput {
  return {
    region: 'mypurecloud.de',
    apiBaseUrl: fake.url,
    loginBaseUrl: fake.url,
    clientId: FAKE_DEFAULTS.clientId,
    clientSecret: FAKE_DEFAULTS.clientSecret,
    integrationId: FAKE_DEFAULTS.integrationId,
    queueId: FAKE_DEFAULTS.queueId,
    webhookSecret: WEBHOOK_SECRET,
    pollIntervalMs: POLL_MS,
    // The polling suites pin polling; notifications.test.ts turns the channel on.
    eventSource: 'polling',
    ...overrides,
  };
}

export async function waitUntil(check: () => boolean, what: string, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * A Genesys connector (created through the provider registry, as in production) against a fresh
 * fake, on a fake clock: polls run only when a test calls `poll()`.
 */
export async function startTestBed(
  options: {
    settings?: Partial<GenesysSettingsInput>;
    fake?: FakeGenesysOptions;
    onEvents?: (events: HandoverEvent[]) => void;
    logger?: Logger;
  } = {},
): Promise<GenesysTestBed> {
  const fake = await FakeGenesys.start({ webhookRetryDelayMs: 10, ...options.fake });
  const clock = createFakeClock(Date.now());
  const registry = new ProviderRegistry({
    connectors: [genesysConnector()],
    clock,
    logger: options.logger ?? silentLogger,
  });
  await registry.create({
    id: 'genesys-test',
    name: 'Genesys',
    type: 'genesys',
    settings: settingsFor(fake, options.settings) as Record<string, unknown>,
  });
  const connector = (await registry.connector('genesys-test')).connector as GenesysConnector;
  const events: HandoverEvent[] = [];
  const push = (list: HandoverEvent[]) => {
    events.push(...list);
    options.onEvents?.(list);
  };
  connector.events.on('event', (e) => push([e]));
  const receiver = await startWebhookReceiver(connector, push);
  fake.webhook = { url: receiver.url, secret: WEBHOOK_SECRET };
  return {
    fake,
    connector,
    clock,
    receiver,
    events,
    async poll() {
      await waitUntil(() => clock.pending() >= connector.stats().polledHandovers, 'polls to be armed');
      await clock.advance(POLL_MS);
    },
    async close() {
      await registry.close();
      await receiver.close();
      await fake.close();
    },
  };
}
