// Twilio Flex (Conversations + Interactions) against test/fakes/twilio-flex: every agent action
// as a webhook signed with X-Twilio-Signature over the URL Twilio was told to call.
import { startWebhookReceiver, type ContractOperation } from 'handover-kit/testing';
import { twilioFlexConnector } from 'handover-kit/connectors/twilio-flex';
import { FakeTwilio, type FakeOperation } from '../../fakes/twilio-flex';
import { settingsFor, signedFixture } from '../../connectors/twilio-flex/harness';
import { LateBinding, type Vendor } from './types';

/** Which fake endpoint stands behind each contract operation (the first call each makes). */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'realTimeStatistics',
  start: 'createConversation',
  send: 'createMessage',
  status: 'fetchConversation',
  close: 'fetchConversation',
};

export async function twilioFlexVendor(): Promise<Vendor & { fake: FakeTwilio }> {
  const fake = await FakeTwilio.start();
  const binding = new LateBinding();
  const receiver = await startWebhookReceiver(binding.webhook, binding.deliver);
  return {
    type: 'twilio-flex',
    providerId: 'twilio-test',
    definition: twilioFlexConnector(),
    // The connector tells Twilio where to call back, so the URL is a setting.
    settings: settingsFor(fake, receiver.url) as Record<string, unknown>,
    fake,
    connect(connector, onEvents) {
      binding.bind(connector, onEvents);
      fake.eventCallbackUrl = receiver.url;
    },
    agent: {
      join: (id) => fake.join(id),
      say: (id, text) => fake.say(id, text),
      resolve: (id) => fake.resolve(id),
    },
    userMessagesAtVendor: async (id) => fake.userTexts(id),
    failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
    signedWebhook: async (id) =>
      signedFixture(receiver.url, 'onMessageAdded', { ConversationSid: id, Body: 'Signed hello' }),
    settled: () => fake.idle(),
    async close() {
      await receiver.close();
      await fake.close();
    },
  };
}
