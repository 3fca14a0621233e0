// The simulated contact center, in either delivery mode: events pushed in-process (the
// connector's `events` emitter) or posted as signed webhooks to a loopback receiver.
import { startWebhookReceiver, type WebhookReceiver } from 'handover-kit/testing';
import { SimulatedCenters, signWebhook, simulatedConnector, webhookBody } from 'handover-kit/connectors/simulated';
import { LateBinding, type Vendor } from './types';

const CENTER = 'contract';
const AGENT = 'agent-1';
const SECRET = 'contract-secret-0123456789';

export async function simulatedVendor(
  delivery: 'push' | 'webhook' = 'push',
): Promise<Vendor & { centers: SimulatedCenters }> {
  const providerId = 'sim';
  const centers = new SimulatedCenters();
  const binding = new LateBinding();
  let receiver: WebhookReceiver | undefined;
  // The center posts here; the receiver verifies with the connector's own webhook, as the gateway would.
  if (delivery === 'webhook') receiver = await startWebhookReceiver(binding.webhook, binding.deliver);
  const center = () => centers.get(CENTER);
  return {
    type: 'simulated',
    providerId,
    definition: simulatedConnector({ centers }),
    settings: {
      center: CENTER,
      setup: { agents: [{ id: AGENT, name: 'Agent One', capacity: 10 }] },
      delivery,
      webhookSecret: SECRET,
      webhookUrl: receiver?.url ?? 'http://127.0.0.1:9/unused',
    },
    centers,
    connect: (connector, onEvents) => binding.bind(connector, onEvents),
    agent: {
      join: async (id) => void center().accept(AGENT, id),
      say: async (id, text) => center().say(AGENT, id, text),
      resolve: async (id) => center().resolve(AGENT, id),
    },
    userMessagesAtVendor: async (id) =>
      center()
        .conversation(id)!
        .messages.filter((m) => m.from === 'user' && !m.id.startsWith('t')) // not the transcript
        .map((m) => m.text),
    failNext: async (op, failure, count) => center().failNext(op as never, failure, count),
    signedWebhook: async (id) => {
      const event = { type: 'agent-typing', typing: true, conversationId: id, eventId: 'e-1', occurredAt: Date.now() };
      const body = webhookBody('dlv-1', [event as never]);
      const headers = { 'x-sim-signature': signWebhook(SECRET, body, Date.now()) };
      const url = `/webhooks/${providerId}`;
      return { method: 'POST', url, headers, rawBody: Buffer.from(body), receivedAt: Date.now() };
    },
    close: async () => receiver?.close(),
  };
}
