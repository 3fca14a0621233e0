import { describe, it } from 'vitest';
import { runConnectorContract, type ContractOperation } from 'handover-kit/testing';
import type { FakeOperation } from '../fakes/salesforce-miaw';
import { startTestBed } from '../connectors/salesforce-miaw/harness';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'status', // unused: MIAW has no availability API (the suite expects UnsupportedCapabilityError)
  start: 'create',
  send: 'message',
  status: 'status',
  close: 'close',
};

runConnectorContract(
  {
    name: 'salesforce-miaw',
    setup: async (events) => {
      const bed = await startTestBed({ onEvents: (list) => events.push(list) });
      const { fake } = bed;
      return {
        connector: bed.connector,
        // Agent activity reaches the connector over the real SSE stream of the fake.
        agent: {
          join: async (id) => fake.join(id),
          say: async (id, text) => fake.say(id, text),
          resolve: async (id) => fake.resolve(id),
        },
        userMessagesAtVendor: async (id) => fake.userTexts(id),
        failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
        teardown: () => bed.close(),
      };
    },
  },
  { describe, it },
);
