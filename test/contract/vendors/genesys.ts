// Genesys Cloud Open Messaging against test/fakes/genesys: signed webhooks for messages, agent
// joined / conversation ended only by polling the participants.
import { startWebhookReceiver, type ContractOperation, type WebhookReceiver } from 'handover-kit/testing';
import { genesysConnector, type GenesysConnector } from 'handover-kit/connectors/genesys';
import { FakeGenesys, type FakeOperation } from '../../fakes/genesys';
import { POLL_MS, WEBHOOK_SECRET, settingsFor, waitUntil } from '../../connectors/genesys/harness';
import { LateBinding, type Vendor } from './types';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'members',
  start: 'inbound',
  send: 'inbound',
  status: 'conversation',
  close: 'participant',
};

export async function genesysVendor(): Promise<Vendor & { fake: FakeGenesys; receiver: WebhookReceiver }> {
  const providerId = 'genesys-test';
  const fake = await FakeGenesys.start({ webhookRetryDelayMs: 10 });
  const binding = new LateBinding();
  const receiver = await startWebhookReceiver(binding.webhook, binding.deliver);
  return {
    type: 'genesys',
    providerId,
    definition: genesysConnector(),
    settings: settingsFor(fake) as Record<string, unknown>,
    pollIntervalMs: POLL_MS,
    fake,
    receiver,
    connect(connector, onEvents) {
      binding.bind(connector, onEvents);
      fake.webhook = { url: receiver.url, secret: WEBHOOK_SECRET };
    },
    async poll(clock) {
      const connector = binding.bound<GenesysConnector>();
      await waitUntil(() => clock.pending() >= connector.stats().polledHandovers, 'polls to be armed');
      await clock.advance(POLL_MS);
    },
    agent: {
      join: async (id) => void fake.join(id),
      say: async (id, text) => void (await fake.say(id, text)),
      resolve: async (id) => fake.resolve(id),
    },
    userMessagesAtVendor: async (id) => fake.userTexts(id),
    failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
    signedWebhook: async (id) => {
      const message = { type: 'Text', text: 'Signed hello', originatingEntity: 'Human', content: [] };
      const body = JSON.stringify(fake.outbound(id, message as never));
      const headers = { 'x-hub-signature-256': fake.sign(body, WEBHOOK_SECRET) };
      const url = `/webhooks/${providerId}`;
      return { method: 'POST', url, headers, rawBody: Buffer.from(body), receivedAt: Date.now() };
    },
    async close() {
      await receiver.close();
      await fake.close();
    },
  };
}
