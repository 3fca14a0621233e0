import { describe, it } from 'vitest';
import { runConnectorContract, startWebhookReceiver } from 'handover-kit/testing';
import { SimulatedCenters, createSimulatedWebhook, signWebhook, simulatedConnector, webhookBody } from 'handover-kit/connectors/simulated';
import { ProviderRegistry, systemClock } from 'handover-kit';
import type { SimulatedContactCenter } from 'handover-kit/connectors/simulated';

async function harness(mode: 'push' | 'webhook', events: { push(e: never[]): void }) {
  const centers = new SimulatedCenters();
  const secret = 'contract-secret-0123456789';
  const registry = new ProviderRegistry({ connectors: [simulatedConnector({ centers })] });
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>> | undefined;
  let webhookUrl = 'http://127.0.0.1:9/unused';
  if (mode === 'webhook') {
    // The vendor posts here; the receiver verifies with the same secret, as the gateway would.
    receiver = await startWebhookReceiver(createSimulatedWebhook(secret, systemClock), (e) => events.push(e as never[]));
    webhookUrl = receiver.url;
  }
  await registry.create({
    id: 'sim',
    name: 'Simulated',
    type: 'simulated',
    settings: { center: 'contract', setup: { agents: [{ id: 'agent-1', name: 'Agent One', capacity: 10 }] }, delivery: mode, webhookSecret: secret, webhookUrl },
  });
  const { connector } = await registry.connector('sim');
  connector.events?.on('event', (e) => events.push([e] as never[]));
  const center: SimulatedContactCenter = centers.get('contract');
  return {
    connector,
    agent: {
      join: async (id: string) => void center.accept('agent-1', id),
      say: async (id: string, text: string) => center.say('agent-1', id, text),
      resolve: async (id: string) => center.resolve('agent-1', id),
    },
    userMessagesAtVendor: async (id: string) => center.conversation(id)!.messages.filter((m) => m.from === 'user' && !m.id.startsWith('t')).map((m) => m.text),
    failNext: async (op: never, failure: { status: number; retryAfterMs?: number }, count?: number) => center.failNext(op, failure, count),
    signedWebhook: async (id: string) => {
      const body = webhookBody('dlv-1', [{ type: 'agent-typing', typing: true, conversationId: id, eventId: 'e-1', occurredAt: Date.now() }]);
      return { method: 'POST', url: '/webhooks/sim', headers: { 'x-sim-signature': signWebhook(secret, body, Date.now()) }, rawBody: Buffer.from(body), receivedAt: Date.now() };
    },
    teardown: async () => {
      await registry.close();
      await receiver?.close();
    },
  };
}

// #region readme
runConnectorContract({ name: 'simulated (push)', setup: (events) => harness('push', events as never) }, { describe, it });
runConnectorContract({ name: 'simulated (webhook)', setup: (events) => harness('webhook', events as never) }, { describe, it });
// #endregion
