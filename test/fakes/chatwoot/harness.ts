import { testConnectorRuntime } from 'handover-kit/testing';
import {
  ProviderRegistry,
  silentLogger,
  systemClock,
  type HandoverConnectorV1,
  type HandoverEvent,
  type WebhookRequest,
} from 'handover-kit';
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import {
  chatwootConnector,
  createChatwootConnector,
  chatwootSettingsSchema,
  type ChatwootSettingsInput,
} from 'handover-kit/connectors/chatwoot';
import { startFakeChatwoot, type FakeChatwoot, type FakeChatwootOptions } from './server';

export const WEBHOOK_SECRET = 'whsec-test-4f1c9a0b7d2e';

export interface ChatwootTestbed {
  fake: FakeChatwoot;
  connector: HandoverConnectorV1 & { api?: { http: { requestCount: number } } };
  receiver: WebhookReceiver;
  events: HandoverEvent[];
  close(): Promise<void>;
}

export interface TestbedOptions {
  fake?: FakeChatwootOptions;
  settings?: Partial<ChatwootSettingsInput>;
  /** Where events go (default: the testbed's `events` array). */
  onEvents?: (events: HandoverEvent[]) => void;
  /** Build through a ProviderRegistry (validates settings as the gateway does) instead of directly. */
  viaRegistry?: boolean;
}

/**
 * A fake Chatwoot, a connector pointed at it (fast retries), and a webhook receiver that verifies
 * and parses with the connector and that the fake's API inbox posts to.
 */
export async function startChatwootTestbed(options: TestbedOptions = {}): Promise<ChatwootTestbed> {
  const fake = await startFakeChatwoot(options.fake);
  const settingsInput: ChatwootSettingsInput = {
    baseUrl: fake.url,
    accountId: fake.accountId,
    apiAccessToken: fake.token,
    inboxId: fake.inboxId,
    webhookSecret: WEBHOOK_SECRET,
    ...options.settings,
  };
  const retry = { baseDelayMs: 1, maxAttempts: 3 };
  let connector: HandoverConnectorV1;
  let registry: ProviderRegistry | undefined;
  if (options.viaRegistry) {
    registry = new ProviderRegistry({ connectors: [chatwootConnector({ retry })] });
    await registry.create({
      id: 'cw',
      name: 'Chatwoot',
      type: 'chatwoot',
      settings: settingsInput as Record<string, unknown>,
    });
    connector = (await registry.connector('cw')).connector;
  } else {
    connector = createChatwootConnector(
      chatwootSettingsSchema.parse(settingsInput),
      testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'cw' }),
      { retry },
    );
  }
  const events: HandoverEvent[] = [];
  const receiver = await startWebhookReceiver(connector, options.onEvents ?? ((e) => events.push(...e)));
  const mode = settingsInput.verification ?? (settingsInput.flavour === 'live-agent' ? 'url-token' : 'signature');
  fake.setWebhook(
    mode === 'url-token'
      ? { url: `${receiver.url}?token=${encodeURIComponent(String(settingsInput.webhookSecret))}` }
      : { url: receiver.url, secret: String(settingsInput.webhookSecret) },
  );
  return {
    fake,
    connector,
    receiver,
    events,
    async close() {
      await fake.close();
      await receiver.close();
      if (registry) await registry.close();
      else await connector.dispose?.();
    },
  };
}

/** Another connector instance for the same fake (a restarted gateway: no memory). Dispose it. */
export function connectorFor(fake: FakeChatwoot, settings: Partial<ChatwootSettingsInput> = {}) {
  const parsed = chatwootSettingsSchema.parse({
    baseUrl: fake.url,
    accountId: fake.accountId,
    apiAccessToken: fake.token,
    inboxId: fake.inboxId,
    webhookSecret: WEBHOOK_SECRET,
    ...settings,
  });
  return createChatwootConnector(
    parsed,
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'cw' }),
    { retry: { baseDelayMs: 1, maxAttempts: 3 } },
  );
}

/** The last webhook the fake sent, as the gateway would receive it. */
export function lastDeliveryAsRequest(fake: FakeChatwoot, path = '/webhooks/cw'): WebhookRequest {
  const delivery = fake.webhooks.deliveries.at(-1);
  if (!delivery) throw new Error('the fake has sent no webhook');
  // Keep the target's query: in url-token mode it carries the token.
  const query = fake.webhooks.target ? new URL(fake.webhooks.target.url).search : '';
  return {
    method: 'POST',
    url: `${path}${query}`,
    headers: delivery.headers,
    rawBody: Buffer.from(delivery.body),
    receivedAt: Date.now(),
  };
}
