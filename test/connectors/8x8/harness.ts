import { ProviderRegistry, silentLogger, systemClock, type HandoverEvent, type Logger } from 'handover-kit';
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import {
  eightByEightConnector,
  type EightByEightConnector,
  type EightByEightSettingsInput,
} from 'handover-kit/connectors/8x8';
import { FAKE_DEFAULTS, FakeEightByEight } from '../../fakes/8x8';

export const PROVIDER_ID = '8x8-test';

export interface EightByEightTestBed {
  fake: FakeEightByEight;
  connector: EightByEightConnector;
  receiver: WebhookReceiver;
  /** Events the webhook receiver accepted, in arrival order. */
  events: HandoverEvent[];
  close(): Promise<void>;
}

export function settingsFor(
  fake: FakeEightByEight,
  overrides: Partial<EightByEightSettingsInput> = {},
): EightByEightSettingsInput {
  return {
    baseUrl: fake.url,
    apiKey: FAKE_DEFAULTS.apiKey,
    apiSecret: FAKE_DEFAULTS.apiSecret,
    tenant: FAKE_DEFAULTS.tenantId,
    channelId: FAKE_DEFAULTS.channelId,
    queueId: FAKE_DEFAULTS.queueId,
    customerId: FAKE_DEFAULTS.customerId,
    ...overrides,
  };
}

/**
 * An 8x8 connector created through the provider registry (as in production) against a fresh fake,
 * whose webhooks go to a receiver that runs the connector's verify + parse and answers 401 on a bad
 * signature, like the gateway.
 */
export async function startTestBed(
  options: {
    settings?: Partial<EightByEightSettingsInput>;
    onEvents?: (events: HandoverEvent[]) => void;
    logger?: Logger;
  } = {},
): Promise<EightByEightTestBed> {
  const fake = await FakeEightByEight.start();
  const registry = new ProviderRegistry({
    connectors: [eightByEightConnector()],
    clock: systemClock,
    logger: options.logger ?? silentLogger,
  });
  await registry.create({
    id: PROVIDER_ID,
    name: '8x8',
    type: '8x8',
    settings: settingsFor(fake, options.settings) as Record<string, unknown>,
  });
  const connector = (await registry.connector(PROVIDER_ID)).connector as EightByEightConnector;
  const events: HandoverEvent[] = [];
  const receiver = await startWebhookReceiver(connector, (list) => {
    events.push(...list);
    options.onEvents?.(list);
  });
  fake.webhook = { url: receiver.url };
  return {
    fake,
    connector,
    receiver,
    events,
    async close() {
      await fake.settled();
      await registry.close();
      await receiver.close();
      await fake.close();
    },
  };
}
