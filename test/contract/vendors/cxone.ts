// NiCE CXone (Digital First Omnichannel, BYOC channel) against test/fakes/cxone: agent replies
// posted to our reply endpoint with a token we issue; assignment and the end found by polling the
// contact status on the runtime clock.
import type { ContractOperation } from 'handover-kit/testing';
import { cxoneConnector, type CxoneConnector } from 'handover-kit/connectors/cxone';
import { FakeCxone, type FakeOperation } from '../../fakes/cxone';
import {
  CHANNEL_CLIENT_ID,
  CHANNEL_CLIENT_SECRET,
  POLL_MS,
  PROVIDER_ID,
  settingsFor,
  startIngress,
} from '../../connectors/cxone/harness';
import { LateBinding, type Vendor } from './types';

/** Which fake endpoint stands behind each contract operation. */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'activity',
  start: 'messages',
  send: 'messages',
  status: 'contact',
  close: 'status',
};

export async function cxoneVendor(): Promise<Vendor & { fake: FakeCxone }> {
  const fake = await FakeCxone.start();
  const binding = new LateBinding();
  const ingress = await startIngress({ webhook: binding.webhook }, binding.deliver);
  return {
    type: 'cxone',
    providerId: PROVIDER_ID,
    definition: cxoneConnector(),
    settings: settingsFor(fake) as Record<string, unknown>,
    pollIntervalMs: POLL_MS,
    fake,
    connect(connector, onEvents) {
      binding.bind(connector, onEvents);
      fake.connectByoc({
        boxUrl: `${ingress.url}/webhooks/${PROVIDER_ID}`,
        tokenUrl: `${ingress.url}/webhooks/${PROVIDER_ID}/1.0/token`,
        clientId: CHANNEL_CLIENT_ID,
        clientSecret: CHANNEL_CLIENT_SECRET,
      });
    },
    poll: () => binding.bound<CxoneConnector>().poller.runOnce(),
    agent: {
      join: async (id) => fake.assign(id),
      // The reply goes to our reply endpoint the CXone way: 401, token request, retry.
      say: async (id, text) => void (await fake.say(id, text)),
      resolve: async (id) => fake.resolve(id),
    },
    userMessagesAtVendor: async (id) => fake.userTexts(id),
    failNext: async (op, failure, count = 1) => fake.failNext(OPERATION[op], failure, count),
    // No signature: CXone authenticates with the bearer token our token endpoint issued.
    webhookAuth: 'shared-secret',
    signedWebhook: async (id) => {
      const { channelId, agent } = fake.options;
      const message = { threadId: id, channelId, text: 'Authenticated hello', agent, userId: 'u1' };
      const body = JSON.stringify(fake.byoc!.body(message, 'outbound'));
      const token = await binding.bound<CxoneConnector>().issueToken();
      return {
        method: 'POST',
        url: `/webhooks/${PROVIDER_ID}`,
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        rawBody: Buffer.from(body),
        receivedAt: Date.now(),
      };
    },
    stripAuth: (request) => ({ ...request, headers: { 'content-type': 'application/json' } }),
    async close() {
      await ingress.close();
      await fake.close();
    },
  };
}
