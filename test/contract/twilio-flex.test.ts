import { describe, it } from 'vitest';
import { runConnectorContract, type ContractOperation } from 'handover-kit/testing';
import type { FakeOperation } from '../fakes/twilio-flex';
import { signedFixture, startTestBed } from '../connectors/twilio-flex/harness';

/** Which fake endpoint stands behind each contract operation (the first call each makes). */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'realTimeStatistics',
  start: 'createConversation',
  send: 'createMessage',
  status: 'fetchConversation',
  close: 'fetchConversation',
};

runConnectorContract(
  {
    name: 'twilio-flex',
    setup: async (events) => {
      const bed = await startTestBed({ onEvents: (list) => events.push(list) });
      const { fake } = bed;
      return {
        connector: bed.connector,
        agent: {
          join: (id) => fake.join(id),
          say: (id, text) => fake.say(id, text),
          resolve: (id) => fake.resolve(id),
        },
        userMessagesAtVendor: async (id) => fake.userTexts(id),
        failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
        signedWebhook: async (id) =>
          signedFixture(bed.webhookUrl, 'onMessageAdded', { ConversationSid: id, Body: 'Signed hello' }),
        teardown: () => bed.close(),
      };
    },
  },
  { describe, it },
);
