import { describe, it } from 'vitest';
import { ProviderRegistry, type HandoverEvent } from 'handover-kit';
import { runConnectorContract, startWebhookReceiver, type ContractOperation, type EventCollector } from 'handover-kit/testing';
import { API_KEY_HEADER, zendeskConnector } from 'handover-kit/connectors/zendesk';
import { FakeZendesk, type FakeOperation } from '../fakes/zendesk';

/** Which fake operation a contract operation's failure lands on (the call that talks to the vendor first or decisively). */
const OPERATION: Record<ContractOperation, FakeOperation> = {
  availability: 'agentAvailabilities',
  start: 'passControl',
  send: 'postMessage',
  status: 'getConversation',
  close: 'passControl',
};

async function harness(events: EventCollector, mode: { authMode: 'basic' | 'jwt'; support: boolean }) {
  const fake = await FakeZendesk.start({ supportEmail: 'admin@example.com', supportApiToken: 'support-token-0123', agents: [{ id: 1001, groupIds: [42] }] });
  const registry = new ProviderRegistry({ connectors: [zendeskConnector({ retry: { baseDelayMs: 1 } })] });
  await registry.create({
    id: 'zd',
    name: 'Zendesk',
    type: 'zendesk',
    settings: {
      baseUrl: fake.suncoBaseUrl,
      appId: fake.appId,
      keyId: fake.keyId,
      keySecret: fake.keySecret,
      authMode: mode.authMode,
      botIntegration: fake.bot.name,
      webhookSecret: fake.webhookSecret,
      ...(mode.support ? { supportBaseUrl: fake.url, supportEmail: fake.supportEmail, supportApiToken: fake.supportApiToken } : {}),
    },
  });
  const { connector } = await registry.connector('zd');
  const receiver = await startWebhookReceiver(connector, (e) => events.push(e as HandoverEvent[]));
  fake.setWebhookUrl(receiver.url);
  return {
    connector,
    agent: {
      join: async (id: string) => fake.agentJoin(id),
      say: (id: string, text: string) => fake.agentSay(id, text),
      resolve: (id: string) => fake.closeTicket(id),
    },
    userMessagesAtVendor: async (id: string) => fake.userTexts(id),
    failNext: async (op: ContractOperation, failure: { status: number; retryAfterMs?: number }, count = 1) => {
      fake.failNext(OPERATION[op], { status: failure.status, ...(failure.retryAfterMs !== undefined ? { retryAfterSeconds: failure.retryAfterMs / 1000 } : {}) }, count);
    },
    signedWebhook: async (id: string) => {
      const body = JSON.stringify({
        app: { id: fake.appId },
        webhook: { id: 'wh_1', version: 'v2' },
        events: [
          {
            id: 'evt-contract-1',
            type: 'conversation:typing',
            createdAt: new Date().toISOString(),
            payload: { conversation: { id, type: 'personal' }, activity: { type: 'typing:start', author: { type: 'business' }, source: { type: 'zd:agentWorkspace' } } },
          },
        ],
      });
      return { method: 'POST', url: '/webhooks/zd', headers: { [API_KEY_HEADER]: fake.webhookSecret }, rawBody: Buffer.from(body), receivedAt: Date.now() };
    },
    webhookAuth: 'shared-secret' as const, // X-API-Key authenticates the sender; nothing signs the body
    teardown: async () => {
      await fake.webhooks.idle();
      await registry.close();
      await receiver.close();
      await fake.close();
    },
  };
}

runConnectorContract({ name: 'zendesk (basic auth, Support API)', setup: (events) => harness(events, { authMode: 'basic', support: true }) }, { describe, it });
runConnectorContract({ name: 'zendesk (jwt, no Support API)', setup: (events) => harness(events, { authMode: 'jwt', support: false }) }, { describe, it });
