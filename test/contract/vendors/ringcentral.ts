// RingCentral Engage Digital against test/fakes/ringcentral: the SDK source's signed actions
// (X-SMCCSDK-SIGNATURE) and the Dimelo webhooks, answered by a receiver that runs `handle` first.
import type { ContractOperation } from 'handover-kit/testing';
import { ringcentralConnector } from 'handover-kit/connectors/ringcentral';
import { FakeEngage, type FakeOperation } from '../../fakes/ringcentral';
import {
  PROVIDER_ID,
  VERIFY_TOKEN,
  WEBHOOK_SECRET,
  settingsFor,
  startReceiver,
} from '../../connectors/ringcentral/harness';
import { LateBinding, type Vendor } from './types';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'status',
  start: 'send-api',
  send: 'send-api',
  status: 'interventions',
  close: 'interventions',
};

export async function ringcentralVendor(): Promise<Vendor & { fake: FakeEngage }> {
  const fake = await FakeEngage.start();
  const binding = new LateBinding();
  const receiver = await startReceiver(binding.webhook, binding.deliver);
  return {
    type: 'ringcentral',
    providerId: PROVIDER_ID,
    definition: ringcentralConnector(),
    settings: settingsFor(fake) as Record<string, unknown>,
    fake,
    connect(connector, onEvents) {
      binding.bind(connector, onEvents);
      fake.sdkUrl = receiver.url;
      fake.webhook = { url: receiver.url, secret: WEBHOOK_SECRET, verifyToken: VERIFY_TOKEN };
    },
    agent: {
      join: async (id) => void (await fake.join(id)),
      say: async (id, text) => void (await fake.say(id, text)),
      resolve: async (id) => void (await fake.resolve(id)),
    },
    userMessagesAtVendor: async (id) => fake.userTexts(id),
    failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
    // An agent reply as Engage posts it to the SDK source: HMAC-SHA512 over the body.
    signedWebhook: async (id) => {
      const params = {
        author_id: 'agent-1',
        body: 'Signed hello',
        content_id: 'c-signed-1',
        format: 'text',
        sender_name: 'Ana',
        thread_id: fake.thread(id).foreignId,
      };
      const body = JSON.stringify({ action: 'messages.create', params, time: new Date().toISOString() });
      const headers = { 'x-smccsdk-signature': fake.signSdk(body) };
      const url = `/webhooks/${PROVIDER_ID}`;
      return { method: 'POST', url, headers, rawBody: Buffer.from(body), receivedAt: Date.now() };
    },
    async close() {
      await receiver.close();
      await fake.close();
    },
  };
}
