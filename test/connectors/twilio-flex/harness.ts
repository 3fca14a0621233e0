import { ProviderRegistry, silentLogger, type HandoverEvent, type Logger } from 'handover-kit';
import type { ConnectorStateV1, WebhookRequest } from 'handover-kit/contract';
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import {
  twilioFlexConnector,
  type TwilioFlexConnector,
  type TwilioFlexSettingsInput,
} from 'handover-kit/connectors/twilio-flex';
import { FAKE_TWILIO, FakeTwilio, fixture, twilioSignature, type FixtureName } from '../../fakes/twilio-flex';

export interface TwilioTestBed {
  fake: FakeTwilio;
  connector: TwilioFlexConnector;
  receiver: WebhookReceiver;
  events: HandoverEvent[];
  /** The URL Twilio is told to call (and signs). */
  webhookUrl: string;
  close(): Promise<void>;
}

export function settingsFor(
  fake: FakeTwilio,
  webhookUrl: string,
  overrides: Partial<TwilioFlexSettingsInput> = {},
): TwilioFlexSettingsInput {
  return {
    accountSid: FAKE_TWILIO.accountSid,
    authToken: FAKE_TWILIO.authToken,
    workspaceSid: FAKE_TWILIO.workspaceSid,
    workflowSid: FAKE_TWILIO.workflowSid,
    queueSid: FAKE_TWILIO.queueSid,
    webhookUrl,
    conversationsBaseUrl: fake.url,
    flexBaseUrl: fake.url,
    taskrouterBaseUrl: fake.url,
    ...overrides,
  };
}

/** A signed webhook request as the gateway would hand it to the connector. */
export function signedRequest(
  url: string,
  params: Record<string, string>,
  token = FAKE_TWILIO.authToken,
  path = '/webhooks/twilio-test',
): WebhookRequest {
  const body = new URLSearchParams(params).toString();
  return {
    method: 'POST',
    url: path + new URL(url).search,
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-twilio-signature': twilioSignature(token, url, params),
      host: 'gateway.internal:8080',
    },
    rawBody: Buffer.from(body),
    receivedAt: Date.now(),
  };
}

export function signedFixture(
  url: string,
  name: FixtureName,
  overrides: Record<string, string | undefined> = {},
): WebhookRequest {
  return signedRequest(url, fixture(name, overrides));
}

/**
 * A Twilio Flex connector (created through the provider registry, as in production) against a fresh
 * fake, with a webhook receiver the fake posts to. `publicUrl` plays a proxy: Twilio is told (and
 * signs) that URL, the fake delivers to the receiver.
 */
export async function startTestBed(
  options: {
    settings?: Partial<TwilioFlexSettingsInput>;
    onEvents?: (events: HandoverEvent[]) => void;
    logger?: Logger;
    publicUrl?: string;
    state?: ConnectorStateV1;
  } = {},
): Promise<TwilioTestBed> {
  const fake = await FakeTwilio.start();
  let connector: TwilioFlexConnector | undefined;
  const events: HandoverEvent[] = [];
  const receiver = await startWebhookReceiver(
    { verify: (r) => connector!.webhook!.verify(r), parse: (r) => connector!.webhook!.parse(r) },
    (list) => {
      events.push(...list);
      options.onEvents?.(list);
    },
  );
  const webhookUrl = options.publicUrl ?? receiver.url;
  if (options.publicUrl)
    fake.deliverTo = (url) =>
      url.startsWith(options.publicUrl!) ? receiver.url + url.slice(options.publicUrl!.length) : url;
  const registry = new ProviderRegistry({
    connectors: [twilioFlexConnector()],
    logger: options.logger ?? silentLogger,
  });
  await registry.create({
    id: 'twilio-test',
    name: 'Twilio Flex',
    type: 'twilio-flex',
    settings: settingsFor(fake, webhookUrl, options.settings) as Record<string, unknown>,
  });
  connector = (await registry.connector('twilio-test')).connector as TwilioFlexConnector;
  fake.eventCallbackUrl = webhookUrl;
  return {
    fake,
    connector,
    receiver,
    events,
    webhookUrl,
    async close() {
      await fake.idle();
      await registry.close();
      await receiver.close();
      await fake.close();
    },
  };
}

export const startRequest = (key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  user: { id: `user-${key}`, name: 'Jane Doe' },
  routing: {},
  transcript: [
    { role: 'user' as const, text: 'I need a human' },
    { role: 'bot' as const, text: 'Connecting you to an agent' },
  ],
  customAttributes: { plan: 'gold' },
  ...extra,
});
