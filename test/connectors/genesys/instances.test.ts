import { afterEach, describe, expect, it } from 'vitest';
import { createGatewayClient } from 'handover-kit';
import { createGateway, type Gateway } from 'handover-kit/gateway';
import { genesysConnector } from 'handover-kit/connectors/genesys';
import { FakeGenesys } from '../../fakes/genesys';
import { startFakeCognigy } from '../../fakes/cognigy';
import { http, redisUrl, uniquePrefix, waitUntil } from '../../gateway/helpers';
import { WEBHOOK_SECRET, settingsFor } from './harness';

const NODES_KEY = 'genesys-nodes-key-0123456789abcdef';
const session = { userId: 'customer-7', sessionId: 'session-7', urlToken: 'url-token-7' };

describe('Genesys on two gateway instances (real redis-server)', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const fn of cleanup.splice(0).reverse()) await fn().catch(() => {});
  });

  it('a conversation started on one instance continues on the other after the first is killed', async () => {
    const fake = await FakeGenesys.start({ webhookRetryDelayMs: 10 });
    cleanup.push(() => fake.close());
    const cognigy = await startFakeCognigy();
    cleanup.push(() => cognigy.close());
    const prefix = uniquePrefix();
    const provider = {
      id: 'gen',
      name: 'Genesys',
      type: 'genesys',
      settings: settingsFor(fake, { pollIntervalMs: 60_000 }) as Record<string, unknown>,
    };
    const instance = async (): Promise<Gateway> => {
      const gw = await createGateway({
        connectors: [genesysConnector() as never],
        keys: { nodes: [NODES_KEY], admin: [] },
        port: 0,
        redis: { url: redisUrl(), prefix },
        encryptionKeys: [{ kid: 'test1', key: Buffer.alloc(32, 7) }],
        cognigy: { apiBaseUrl: cognigy.url, apiKey: cognigy.apiKey, timeoutMs: 2_000 },
        logLevel: 'silent',
        providers: [provider],
        outbox: { baseDelayMs: 20, maxDelayMs: 200, leaseMs: 1_000, pollMs: 50 },
        events: { leaseMs: 1_000, pollMs: 50, orphanWindowMs: 3_000 },
      });
      await gw.listen();
      return gw;
    };
    const first = await instance();
    const second = await instance();
    cleanup.push(() => second.close());
    cleanup.push(() => first.close({ graceful: false }));

    const client = createGatewayClient({ url: first.url, apiKey: NODES_KEY, timeoutMs: 5_000 });
    cleanup.push(() => client.close());
    const { handover } = await client.startHandover({ providerId: 'gen', session, user: { name: 'Cara Customer' } });
    const conversationId = (await first.store.getHandover(handover.id))!.conversationId!;
    expect(conversationId).toBeTruthy();
    fake.join(conversationId);

    await first.close({ graceful: false }); // SIGKILL-like: nothing of its memory survives
    fake.webhook = { url: `${second.url}/webhooks/gen`, secret: WEBHOOK_SECRET };
    // Genesys sends an agent text without a conversationId: only the user → conversation map finds it.
    const body = fake.outbound(conversationId, {
      type: 'Text',
      text: 'Hello from the agent',
      originatingEntity: 'Human',
      content: [],
    });
    delete body.conversationId;
    expect(await fake.deliver(body)).toBe(200);
    await cognigy.waitFor(
      (f) => f.texts(session).includes('Hello from the agent'),
      5_000,
      'the agent text via the second instance',
    );

    // And the user's answer goes out through the second instance, as the same Genesys sender.
    const other = createGatewayClient({ url: second.url, apiKey: NODES_KEY, timeoutMs: 5_000 });
    cleanup.push(() => other.close());
    expect(await other.sendUserMessage({ session, text: 'Thanks!', messageId: 'in-1' })).toMatchObject({
      forwarded: true,
    });
    await waitUntil(() => fake.userTexts(conversationId).includes('Thanks!'), 3_000, 'the user text at Genesys');
    expect(fake.conversation(conversationId)!.customerId).toBe(session.userId);
    expect((await http(`${second.url}/readyz`)).status).toBe(200);
  });
});
