// Zendesk (Sunshine Conversations switchboard, optional Support API) against test/fakes/zendesk:
// webhooks authenticated with the X-API-Key header, the ticket as the agent's side.
import { startWebhookReceiver, type ContractOperation } from 'handover-kit/testing';
import { API_KEY_HEADER, zendeskConnector } from 'handover-kit/connectors/zendesk';
import { FakeZendesk, type FakeOperation } from '../../fakes/zendesk';
import { LateBinding, type Vendor } from './types';

/** Which fake operation a contract operation's failure lands on (the call that decides it). */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'agentAvailabilities',
  start: 'passControl',
  send: 'postMessage',
  status: 'getConversation',
  close: 'passControl',
};

export interface ZendeskMode {
  authMode: 'basic' | 'jwt';
  /** With the Support API: agent availability and the ticket. */
  support: boolean;
}

export async function zendeskVendor(
  mode: ZendeskMode = { authMode: 'basic', support: true },
): Promise<Vendor & { fake: FakeZendesk }> {
  const providerId = 'zd';
  const fake = await FakeZendesk.start({
    supportEmail: 'admin@example.com',
    supportApiToken: 'support-token-0123',
    agents: [{ id: 1001, groupIds: [42] }],
  });
  const binding = new LateBinding();
  const receiver = await startWebhookReceiver(binding.webhook, binding.deliver);
  const support = { supportBaseUrl: fake.url, supportEmail: fake.supportEmail, supportApiToken: fake.supportApiToken };
  return {
    type: 'zendesk',
    providerId,
    definition: zendeskConnector({ retry: { baseDelayMs: 1 } }),
    settings: {
      baseUrl: fake.suncoBaseUrl,
      appId: fake.appId,
      keyId: fake.keyId,
      keySecret: fake.keySecret,
      authMode: mode.authMode,
      botIntegration: fake.bot.name,
      webhookSecret: fake.webhookSecret,
      ...(mode.support ? support : {}),
    },
    fake,
    connect(connector, onEvents) {
      binding.bind(connector, onEvents);
      fake.setWebhookUrl(receiver.url);
    },
    agent: {
      join: async (id) => fake.agentJoin(id),
      say: (id, text) => fake.agentSay(id, text),
      resolve: (id) => fake.closeTicket(id),
    },
    userMessagesAtVendor: async (id) => fake.userTexts(id),
    failNext: async (op, failure, count = 1) => {
      const retry = failure.retryAfterMs !== undefined ? { retryAfterSeconds: failure.retryAfterMs / 1000 } : {};
      fake.failNext(OPERATION[op], { status: failure.status, ...retry }, count);
    },
    signedWebhook: async (id) => {
      const activity = { type: 'typing:start', author: { type: 'business' }, source: { type: 'zd:agentWorkspace' } };
      const event = {
        id: 'evt-contract-1',
        type: 'conversation:typing',
        createdAt: new Date().toISOString(),
        payload: { conversation: { id, type: 'personal' }, activity },
      };
      const body = JSON.stringify({ app: { id: fake.appId }, webhook: { id: 'wh_1', version: 'v2' }, events: [event] });
      const headers = { [API_KEY_HEADER]: fake.webhookSecret };
      const url = `/webhooks/${providerId}`;
      return { method: 'POST', url, headers, rawBody: Buffer.from(body), receivedAt: Date.now() };
    },
    webhookAuth: 'shared-secret', // X-API-Key authenticates the sender; nothing signs the body
    settled: () => fake.webhooks.idle(),
    async close() {
      await receiver.close();
      await fake.close();
    },
  };
}
