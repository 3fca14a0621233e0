import { describe, it } from 'vitest';
import { runConnectorContract, type ContractOperation } from 'handover-kit/testing';
import { FAKE_DEFAULTS, signedHeaders, type FakeOperation } from '../fakes/8x8';
import { PROVIDER_ID, startTestBed } from '../connectors/8x8/harness';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'metrics',
  start: 'create',
  send: 'message',
  status: 'conversation',
  close: 'participant',
};

runConnectorContract(
  {
    name: '8x8',
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
        signedWebhook: async (id) => {
          const body = JSON.stringify({
            eventType: 'MESSAGE',
            conversationId: id,
            timestamp: Date.now(),
            data: { isEcho: false, sender: { id: 'agent-ana', type: 'agent' }, text: 'Signed hello' },
          });
          const headers = signedHeaders(body, fake.signingKey, FAKE_DEFAULTS, {
            eventId: `evt-${id}`,
            retry: 0,
            transmissionTime: Date.now(),
          });
          return {
            method: 'POST',
            url: `/webhooks/${PROVIDER_ID}`,
            headers,
            rawBody: Buffer.from(body),
            receivedAt: Date.now(),
          };
        },
        teardown: () => bed.close(),
      };
    },
  },
  { describe, it },
);
