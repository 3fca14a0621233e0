import { describe, it } from 'vitest';
import { runConnectorContract, type ContractOperation } from 'handover-kit/testing';
import type { FakeOperation } from '../fakes/ringcentral';
import { PROVIDER_ID, startTestBed } from '../connectors/ringcentral/harness';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'status',
  start: 'send-api',
  send: 'send-api',
  status: 'interventions',
  close: 'interventions',
};

runConnectorContract(
  {
    name: 'ringcentral',
    setup: async (events) => {
      const bed = await startTestBed({ onEvents: (list) => events.push(list) });
      const { fake } = bed;
      return {
        connector: bed.connector,
        agent: {
          join: async (id) => void (await fake.join(id)),
          say: async (id, text) => void (await fake.say(id, text)),
          resolve: async (id) => void (await fake.resolve(id)),
        },
        userMessagesAtVendor: async (id) => fake.userTexts(id),
        failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
        // An agent reply as Engage posts it to the SDK source: HMAC-SHA512 over the body.
        signedWebhook: async (id) => {
          const thread = fake.thread(id);
          const body = JSON.stringify({
            action: 'messages.create',
            params: {
              author_id: 'agent-1',
              body: 'Signed hello',
              content_id: 'c-signed-1',
              format: 'text',
              sender_name: 'Ana',
              thread_id: thread.foreignId,
            },
            time: new Date().toISOString(),
          });
          return {
            method: 'POST',
            url: `/webhooks/${PROVIDER_ID}`,
            headers: { 'x-smccsdk-signature': fake.signSdk(body) },
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
