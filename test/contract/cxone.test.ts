import { describe, it } from 'vitest';
import { runConnectorContract, type ContractOperation } from 'handover-kit/testing';
import type { FakeOperation } from '../fakes/cxone';
import { PROVIDER_ID, startTestBed } from '../connectors/cxone/harness';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'activity',
  start: 'messages',
  send: 'messages',
  status: 'contact',
  close: 'status',
};

runConnectorContract(
  {
    name: 'cxone',
    setup: async (events) => {
      const bed = await startTestBed({ onEvents: (list) => events.push(list) });
      const { fake, connector } = bed;
      return {
        connector,
        agent: {
          // Joined and ended come from the contact status: act at the fake, then run one poll.
          join: async (id) => {
            fake.assign(id);
            await connector.poller.runOnce();
          },
          // The reply goes to our reply endpoint the CXone way: 401, token request, retry.
          say: async (id, text) => void (await fake.say(id, text)),
          resolve: async (id) => {
            fake.resolve(id);
            await connector.poller.runOnce();
          },
        },
        userMessagesAtVendor: async (id) => fake.userTexts(id),
        failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
        // No signature: CXone authenticates with the bearer token our token endpoint issued.
        webhookAuth: 'shared-secret',
        signedWebhook: async (id) => {
          const body = JSON.stringify(
            fake.byoc!.body(
              {
                threadId: id,
                channelId: fake.options.channelId,
                text: 'Authenticated hello',
                agent: fake.options.agent,
                userId: 'u1',
              },
              'outbound',
            ),
          );
          const token = await connector.issueToken();
          return {
            method: 'POST',
            url: `/webhooks/${PROVIDER_ID}`,
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            rawBody: Buffer.from(body),
            receivedAt: Date.now(),
          };
        },
        stripAuth: (request) => ({ ...request, headers: { 'content-type': 'application/json' } }),
        teardown: () => bed.close(),
      };
    },
  },
  { describe, it },
);
