import { describe, it } from 'vitest';
import { runConnectorContract, type ConnectorContractHarness, type ContractOperation, type EventCollector } from 'handover-kit/testing';
import type { ChatwootSettingsInput } from 'handover-kit/connectors/chatwoot';
import { lastDeliveryAsRequest, startChatwootTestbed } from '../fakes/chatwoot/harness';
import type { FakeOperation } from '../fakes/chatwoot';

/** The Chatwoot call behind each contract operation (the one that fails when told to). */
const OPERATIONS: Record<ContractOperation, FakeOperation> = {
  availability: 'inboxMembers',
  start: 'createConversation',
  send: 'createMessage',
  status: 'getConversation',
  close: 'toggleStatus',
};

async function harness(events: EventCollector, settings: Partial<ChatwootSettingsInput>): Promise<ConnectorContractHarness> {
  const bed = await startChatwootTestbed({ settings, viaRegistry: true, onEvents: (e) => events.push(e) });
  const { fake } = bed;
  return {
    connector: bed.connector,
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
    ...(settings.flavour === 'live-agent'
      ? {
          // A URL token authenticates the sender, not the body.
          webhookAuth: 'url-token' as const,
          stripAuth: (req: import('handover-kit').WebhookRequest) => ({ ...req, url: req.url.replace(/([?&])token=[^&]*&?/, '$1').replace(/[?&]$/, '') }),
        }
      : {}),
    teardown: () => bed.close(),
  };
}

runConnectorContract({ name: 'chatwoot (signed webhooks)', setup: (events) => harness(events, { verification: 'signature' }) }, { describe, it });

runConnectorContract({ name: 'cognigy live agent (url-token webhooks)', setup: (events) => harness(events, { flavour: 'live-agent' }) }, { describe, it });
