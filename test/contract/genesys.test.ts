import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { genesysVendor } from './vendors/genesys';
import type { ContractOperation } from 'handover-kit/testing';
import type { HandoverEvent } from 'handover-kit';
import type { FakeOperation } from '../fakes/genesys';
import { WEBHOOK_SECRET, startTestBed, waitUntil } from '../connectors/genesys/harness';

runConnectorContract(vendorContract('genesys', genesysVendor), { describe, it });

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'members',
  start: 'inbound',
  send: 'inbound',
  status: 'conversation',
  close: 'participant',
};

/** The suite again with agent joined / ended pushed by the Notifications API channel instead of polled. */
{
  const eventSource = 'notifications';
  runConnectorContract(
    {
      name: 'genesys (notifications channel)',
      setup: async (events) => {
        const seen: HandoverEvent[] = [];
        const bed = await startTestBed({
          settings: { eventSource },
          onEvents: (list) => {
            seen.push(...list);
            events.push(list);
          },
        });
        const { fake } = bed;
        await waitUntil(() => bed.connector.stats().channel?.healthy === true, 'channel');
        // Act at the fake, then wait for the event the channel pushes.
        const after = async (id: string, type: HandoverEvent['type']) => {
          await waitUntil(() => seen.some((e) => e.conversationId === id && e.type === type), type);
        };
        return {
          connector: bed.connector,
          agent: {
            join: async (id) => {
              fake.join(id);
              await after(id, 'agent-joined');
            },
            say: async (id, text) => void (await fake.say(id, text)),
            resolve: async (id) => {
              fake.resolve(id);
              await after(id, 'handover-completed');
            },
          },
          userMessagesAtVendor: async (id) => fake.userTexts(id),
          failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
          signedWebhook: async (id) => {
            const body = JSON.stringify(
              fake.outbound(id, { type: 'Text', text: 'Signed hello', originatingEntity: 'Human', content: [] }),
            );
            return {
              method: 'POST',
              url: '/webhooks/genesys-test',
              headers: { 'x-hub-signature-256': fake.sign(body, WEBHOOK_SECRET) },
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
}
