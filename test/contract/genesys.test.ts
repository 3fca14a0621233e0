import { describe, it } from 'vitest';
import { runConnectorContract, type ContractOperation } from 'handover-kit/testing';
import type { FakeOperation } from '../fakes/genesys';
import { WEBHOOK_SECRET, startTestBed } from '../connectors/genesys/harness';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'members',
  start: 'inbound',
  send: 'inbound',
  status: 'conversation',
  close: 'participant',
};

runConnectorContract(
  {
    name: 'genesys',
    setup: async (events) => {
      const bed = await startTestBed({ onEvents: (list) => events.push(list) });
      const { fake } = bed;
      return {
        connector: bed.connector,
        agent: {
          // Joined and ended are polled: act at the fake, then let the connector's poll run.
          join: async (id) => {
            fake.join(id);
            await bed.poll();
          },
          say: async (id, text) => void (await fake.say(id, text)),
          resolve: async (id) => {
            fake.resolve(id);
            await bed.poll();
          },
        },
        userMessagesAtVendor: async (id) => fake.userTexts(id),
        failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
        signedWebhook: async (id) => {
          const body = JSON.stringify(fake.outbound(id, { type: 'Text', text: 'Signed hello', originatingEntity: 'Human', content: [] }));
          return { method: 'POST', url: '/webhooks/genesys-test', headers: { 'x-hub-signature-256': fake.sign(body, WEBHOOK_SECRET) }, rawBody: Buffer.from(body), receivedAt: Date.now() };
        },
        teardown: () => bed.close(),
      };
    },
  },
  { describe, it },
);
