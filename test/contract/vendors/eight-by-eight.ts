// 8x8 Contact Center (Chat Gateway) against test/fakes/8x8: availability from the queue's
// real-time metrics, every agent action as a signed webhook (detached JWS, RS256).
import { startWebhookReceiver, type ContractOperation } from 'handover-kit/testing';
import { eightByEightConnector } from 'handover-kit/connectors/8x8';
import { FAKE_DEFAULTS, FakeEightByEight, signedHeaders, type FakeOperation } from '../../fakes/8x8';
import { PROVIDER_ID, settingsFor } from '../../connectors/8x8/harness';
import { LateBinding, type Vendor } from './types';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'metrics',
  start: 'create',
  send: 'message',
  status: 'conversation',
  close: 'participant',
};

export async function eightByEightVendor(): Promise<Vendor & { fake: FakeEightByEight }> {
  const fake = await FakeEightByEight.start();
  const binding = new LateBinding();
  const receiver = await startWebhookReceiver(binding.webhook, binding.deliver);
  return {
    type: '8x8',
    providerId: PROVIDER_ID,
    definition: eightByEightConnector(),
    settings: settingsFor(fake) as Record<string, unknown>,
    fake,
    connect(connector, onEvents) {
      binding.bind(connector, onEvents);
      fake.webhook = { url: receiver.url };
    },
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
      const delivery = { eventId: `evt-${id}`, retry: 0, transmissionTime: Date.now() };
      const headers = signedHeaders(body, fake.signingKey, FAKE_DEFAULTS, delivery);
      const url = `/webhooks/${PROVIDER_ID}`;
      return { method: 'POST', url, headers, rawBody: Buffer.from(body), receivedAt: Date.now() };
    },
    settled: async () => void (await fake.settled()),
    async close() {
      await receiver.close();
      await fake.close();
    },
  };
}
