// Chatwoot, and Cognigy Live Agent (the same API, `flavour: 'live-agent'`), against
// test/fakes/chatwoot: signed webhooks (HMAC-SHA256) for Chatwoot, a URL token for Live Agent.
import type { WebhookRequest } from 'handover-kit';
import { startWebhookReceiver, type ContractOperation, type WebhookReceiver } from 'handover-kit/testing';
import { chatwootConnector, type ChatwootSettingsInput } from 'handover-kit/connectors/chatwoot';
import { startFakeChatwoot, type FakeChatwoot, type FakeOperation } from '../../fakes/chatwoot';
import { WEBHOOK_SECRET, lastDeliveryAsRequest } from '../../fakes/chatwoot/harness';
import { LateBinding, type Vendor } from './types';

/** The Chatwoot call behind each contract operation (the one that fails when told to). */
const OPERATIONS: Record<ContractOperation, FakeOperation> = {
  availability: 'inboxMembers',
  start: 'createConversation',
  send: 'createMessage',
  status: 'getConversation',
  close: 'toggleStatus',
};

/** `chatwoot` signs its webhooks; `live-agent` does not, so its webhook URL carries a token. */
export async function chatwootVendor(
  flavour: 'chatwoot' | 'live-agent' = 'chatwoot',
): Promise<Vendor & { fake: FakeChatwoot; receiver: WebhookReceiver }> {
  const fake = await startFakeChatwoot();
  const binding = new LateBinding();
  const receiver = await startWebhookReceiver(binding.webhook, binding.deliver);
  const settings: ChatwootSettingsInput = {
    baseUrl: fake.url,
    accountId: fake.accountId,
    apiAccessToken: fake.token,
    inboxId: fake.inboxId,
    webhookSecret: WEBHOOK_SECRET,
    ...(flavour === 'live-agent' ? { flavour } : { verification: 'signature' }),
  };
  const liveAgent = flavour === 'live-agent';
  return {
    type: 'chatwoot',
    providerId: 'cw',
    definition: chatwootConnector({ retry: { baseDelayMs: 1, maxAttempts: 3 } }),
    settings: settings as Record<string, unknown>,
    fake,
    receiver,
    connect(connector, onEvents) {
      binding.bind(connector, onEvents);
      fake.setWebhook(
        liveAgent
          ? { url: `${receiver.url}?token=${encodeURIComponent(WEBHOOK_SECRET)}` }
          : { url: receiver.url, secret: WEBHOOK_SECRET },
      );
    },
    agent: {
      join: async (id) => fake.join(id),
      say: async (id, text) => void fake.say(id, text),
      resolve: async (id) => fake.resolve(id),
    },
    userMessagesAtVendor: async (id) => fake.userMessages(id),
    failNext: async (operation, failure, count) => fake.failNext(OPERATIONS[operation], failure, count),
    signedWebhook: async (id) => {
      fake.say(id, 'Signed hello');
      await fake.settled();
      return lastDeliveryAsRequest(fake);
    },
    ...(liveAgent
      ? {
          // A URL token authenticates the sender, not the body.
          webhookAuth: 'url-token' as const,
          stripAuth: (req: WebhookRequest) => ({
            ...req,
            url: req.url.replace(/([?&])token=[^&]*&?/, '$1').replace(/[?&]$/, ''),
          }),
        }
      : {}),
    settled: () => fake.settled(),
    async close() {
      await fake.close();
      await receiver.close();
    },
  };
}
