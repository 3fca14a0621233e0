// Salesforce Messaging for In-App and Web (MIAW) against test/fakes/salesforce-miaw: agent activity
// reaches the connector over the fake's real SSE stream and comes out on the connector's `events`
// emitter (no webhooks, so nothing to bind). MIAW has no availability API.
import { FakeMiaw, type FakeOperation } from '../../fakes/salesforce-miaw';
import { settingsFor } from '../../connectors/salesforce-miaw/harness';
import { salesforceMiawConnector } from 'handover-kit/connectors/salesforce-miaw';
import type { ContractOperation } from 'handover-kit/testing';
import type { Vendor } from './types';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'status', // unused: the suite expects UnsupportedCapabilityError without a request
  start: 'create',
  send: 'message',
  status: 'status',
  close: 'close',
};

export async function salesforceMiawVendor(): Promise<Vendor & { fake: FakeMiaw }> {
  const fake = await FakeMiaw.start();
  return {
    type: 'salesforce-miaw',
    providerId: 'miaw-test',
    definition: salesforceMiawConnector(),
    settings: settingsFor(fake) as Record<string, unknown>,
    fake,
    // Events are pushed on `connector.events`, which both hosts already listen to.
    connect: () => undefined,
    agent: {
      join: async (id) => fake.join(id),
      say: async (id, text) => fake.say(id, text),
      resolve: async (id) => fake.resolve(id),
    },
    userMessagesAtVendor: async (id) => fake.userTexts(id),
    failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
    close: () => fake.close(),
  };
}
