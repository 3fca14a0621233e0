import { testConnectorRuntime } from 'handover-kit/testing';
import { EventCollector, startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import {
  systemClock,
  type Clock,
  type HandoverEvent,
  type Logger,
  type StartHandoverRequest,
  type WebhookRequest,
} from 'handover-kit';
import {
  API_KEY_HEADER,
  createZendeskConnector,
  zendeskSettingsSchema,
  type ZendeskConnector,
  type ZendeskSettings,
  type ZendeskSettingsInput,
} from 'handover-kit/connectors/zendesk';
import { FakeZendesk, type FakeZendeskOptions } from '../../fakes/zendesk';

export const SUPPORT = { supportEmail: 'admin@example.com', supportApiToken: 'support-token-abcdef123456' };

/** The provider settings that point a connector at a fake's Sunshine Conversations app. */
export function suncoSettingsOf(fake: FakeZendesk): ZendeskSettingsInput {
  return {
    baseUrl: fake.suncoBaseUrl,
    appId: fake.appId,
    keyId: fake.keyId,
    keySecret: fake.keySecret,
    botIntegration: fake.bot.name,
    webhookSecret: fake.webhookSecret,
  };
}

export interface LogLine {
  level: string;
  message: string;
  fields?: Record<string, unknown>;
}

export function recordingLogger(lines: LogLine[]): Logger {
  const log = (level: string) => (message: string, fields?: Record<string, unknown>) =>
    void lines.push({ level, message, ...(fields ? { fields } : {}) });
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
}

export interface Setup {
  fake: FakeZendesk;
  connector: ZendeskConnector;
  settings: ZendeskSettings;
  events: EventCollector;
  receiver?: WebhookReceiver;
  logs: LogLine[];
  close(): Promise<void>;
}

/** A fake Zendesk, a connector pointed at it, and (unless `webhook: false`) a receiver the fake posts to. */
export async function setup(
  options: {
    fake?: FakeZendeskOptions;
    settings?: Partial<ZendeskSettingsInput>;
    clock?: Clock;
    webhook?: boolean;
    retry?: boolean;
  } = {},
): Promise<Setup> {
  const fake = await FakeZendesk.start({ ...SUPPORT, ...options.fake });
  const settings = zendeskSettingsSchema.parse({
    ...suncoSettingsOf(fake),
    supportBaseUrl: fake.url,
    ...SUPPORT,
    ...options.settings,
  });
  const logs: LogLine[] = [];
  const connector = createZendeskConnector(
    settings,
    testConnectorRuntime({ clock: options.clock ?? systemClock, logger: recordingLogger(logs), providerId: 'zd' }),
    { retry: options.retry === false ? { maxAttempts: 1 } : { baseDelayMs: 1 } },
  );
  const events = new EventCollector();
  let receiver: WebhookReceiver | undefined;
  if (options.webhook !== false) {
    receiver = await startWebhookReceiver(connector, (e) => events.push(e as HandoverEvent[]));
    fake.setWebhookUrl(receiver.url);
  }
  return {
    fake,
    connector,
    settings,
    events,
    receiver,
    logs,
    async close() {
      await fake.webhooks.idle();
      await connector.dispose?.();
      await receiver?.close();
      await fake.close();
    },
  };
}

export function startRequest(key: string, overrides: Partial<StartHandoverRequest> = {}): StartHandoverRequest {
  return {
    idempotencyKey: key,
    user: { id: `user-${key}`, name: 'Jane Doe', email: 'jane@example.com' },
    routing: {},
    transcript: [
      { role: 'user', text: 'I want to talk to a person' },
      { role: 'bot', text: 'Let me find someone for you' },
    ],
    customAttributes: {},
    locale: 'en-US',
    ...overrides,
  };
}

/** A webhook request as the gateway would hand it over. */
export function webhookRequest(body: unknown, apiKey: string | undefined, receivedAt = Date.now()): WebhookRequest {
  const raw = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    url: '/webhooks/zd',
    headers: apiKey === undefined ? {} : { [API_KEY_HEADER]: apiKey },
    rawBody: Buffer.from(raw),
    receivedAt,
  };
}

/** Every secret a setup uses, for "no secret in errors" checks. */
export function secretsOf(s: Setup): string[] {
  const basic = Buffer.from(`${s.settings.keyId}:${s.settings.keySecret}`).toString('base64');
  return [s.settings.keySecret, s.settings.webhookSecret, s.settings.supportApiToken!, basic].filter(Boolean);
}
