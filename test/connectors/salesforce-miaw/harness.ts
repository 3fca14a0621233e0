import { ProviderRegistry, silentLogger, systemClock, type ConnectorStateV1, type HandoverEvent } from 'handover-kit';
import {
  salesforceMiawConnector,
  type SalesforceMiawConnector,
  type SalesforceMiawSettingsInput,
} from 'handover-kit/connectors/salesforce-miaw';
import { createSalesforceMiawConnector } from 'handover-kit/connectors/salesforce-miaw';
import { testConnectorRuntime } from 'handover-kit/testing';
import { FAKE_MIAW, FakeMiaw } from '../../fakes/salesforce-miaw';

export const ENCRYPTION_KEY = 'test-token-encryption-key-0123456789abcdef';

export function settingsFor(
  fake: FakeMiaw,
  overrides: Partial<SalesforceMiawSettingsInput> = {},
): SalesforceMiawSettingsInput {
  return {
    baseUrl: fake.url,
    organizationId: FAKE_MIAW.orgId,
    esDeveloperName: FAKE_MIAW.esDeveloperName,
    reconnectBaseMs: 20,
    heartbeatTimeoutMs: 5_000,
    streamLeaseMs: 3_000,
    ...overrides,
  };
}

/** Polls `check` every 5 ms (real sockets are involved) until it holds, with a deadline. */
export async function waitUntil(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

export interface MiawTestBed {
  fake: FakeMiaw;
  connector: SalesforceMiawConnector;
  events: HandoverEvent[];
  close(): Promise<void>;
}

/** A connector created through the provider registry (as in production) against a fresh fake. */
export async function startTestBed(
  options: { settings?: Partial<SalesforceMiawSettingsInput>; onEvents?: (events: HandoverEvent[]) => void } = {},
): Promise<MiawTestBed> {
  const fake = await FakeMiaw.start();
  const registry = new ProviderRegistry({
    connectors: [salesforceMiawConnector()],
    clock: systemClock,
    logger: silentLogger,
  });
  await registry.create({
    id: 'miaw-test',
    name: 'MIAW',
    type: 'salesforce-miaw',
    settings: settingsFor(fake, options.settings) as Record<string, unknown>,
  });
  const connector = (await registry.connector('miaw-test')).connector as SalesforceMiawConnector;
  const events: HandoverEvent[] = [];
  connector.events.on('event', (e) => {
    events.push(e);
    options.onEvents?.([e]);
  });
  return {
    fake,
    connector,
    events,
    async close() {
      await registry.close();
      await fake.close();
    },
  };
}

/** A connector on a given shared state (a second gateway instance, or one after a restart). */
export function connectorOn(
  fake: FakeMiaw,
  state: ConnectorStateV1,
  overrides: Partial<SalesforceMiawSettingsInput> = {},
): { connector: SalesforceMiawConnector; events: HandoverEvent[] } {
  const connector = createSalesforceMiawConnector(
    settingsFor(fake, overrides),
    testConnectorRuntime({ providerId: 'miaw-test', state }),
  );
  const events: HandoverEvent[] = [];
  connector.events.on('event', (e) => events.push(e));
  return { connector, events };
}

export const startRequest = (key: string, extra: Record<string, unknown> = {}) => ({
  idempotencyKey: key,
  user: { id: `user-${key}`, name: 'Test User' },
  routing: {},
  transcript: [],
  customAttributes: {},
  ...extra,
});
