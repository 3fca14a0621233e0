/**
 * Chatwoot connector benchmarks against the fake Chatwoot on 127.0.0.1:
 * (a) upstream HTTP requests per relayed user message (goal 1.00: one POST, nothing else; the
 *     static token needs no refresh and the pool keeps the connection alive);
 * (b) the connector's own overhead per `doSendMessage` next to a bare undici `request` to the same
 *     endpoint, measured in alternating rounds in the same run, with a bare-vs-bare method check.
 */
import { testConnectorRuntime } from 'handover-kit/testing';
import { Agent, request } from 'undici';
import { silentLogger, systemClock } from '../../src';
import { chatwootSettingsSchema, createChatwootConnector } from '../../dist/connectors/chatwoot.js';
import { startFakeChatwoot } from '../../test/fakes/chatwoot';
import { type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: chatwoot';

export async function benchChatwoot(
  options: { messages?: number; perRound?: number; rounds?: number } = {},
): Promise<BenchRow[]> {
  const messages = options.messages ?? 1000;
  const perRound = options.perRound ?? 200;
  const rounds = options.rounds ?? 20;
  const fake = await startFakeChatwoot({ messageLimitPerMinute: Number.POSITIVE_INFINITY });
  const settings = chatwootSettingsSchema.parse({
    baseUrl: fake.url,
    accountId: fake.accountId,
    apiAccessToken: fake.token,
    inboxId: fake.inboxId,
    webhookSecret: 'bench-secret-0123456789',
  });
  const connector = createChatwootConnector(
    settings,
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'bench' }),
  );
  const bare = new Agent({ keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: 128 });
  try {
    const startBefore = fake.requests.length;
    const { conversationId } = await connector.doStartHandover({
      idempotencyKey: 'bench',
      user: { id: 'bench-user' },
      routing: {},
      transcript: [{ role: 'user', text: 'hi' }],
      customAttributes: {},
    });
    const startRequests = fake.requests.length - startBefore;

    // (a) requests per relayed message
    const logBefore = fake.requests.length;
    const countBefore = connector.api.http.requestCount;
    const connectionsBefore = fake.connections;
    for (let i = 0; i < messages; i++) {
      await connector.doSendMessage({
        conversationId,
        messageId: `a-${i}`,
        user: { id: 'bench-user' },
        text: `message ${i}`,
      });
    }
    const seen = fake.requests.length - logBefore;
    const counted = connector.api.http.requestCount - countBefore;
    const perMessage = seen / messages;

    // (b) overhead per call, connector vs. bare undici, alternating rounds
    const path = `/api/v1/accounts/${fake.accountId}/conversations/${conversationId}/messages`;
    let n = 0;
    const viaConnector = () =>
      connector.doSendMessage({
        conversationId,
        messageId: `b-${n++}`,
        user: { id: 'bench-user' },
        text: 'overhead probe',
      });
    const bareRequest = () => async () => {
      const res = await request(`${fake.url}${path}`, {
        method: 'POST',
        dispatcher: bare,
        headers: { api_access_token: fake.token, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ content: 'overhead probe', message_type: 'incoming', private: false }),
      });
      await res.body.json();
      if (res.statusCode !== 200) throw new Error(`bare request answered ${res.statusCode}`);
    };
    const viaUndici = bareRequest();
    // A second, identical bare request: the method check row (what the method reads with no difference).
    const control = bareRequest();
    const overhead = await sendOverheadRows({
      group: GROUP,
      viaConnector,
      bare: viaUndici,
      control,
      rounds,
      perRound,
      baseline: 'bare undici request, same endpoint, body and headers',
      shared: 'client and fake share the process',
      connectorWork: 'request building, answer check, message id mapping',
      // The fake's request log grows with every call; keep memory flat for both sides.
      settle: async () => {
        fake.requests.length = 0;
      },
    });

    return [
      {
        group: GROUP,
        name: 'upstream requests per relayed user message',
        value: perMessage,
        unit: 'req/msg',
        goal: '1.00',
        met: perMessage <= 1,
        note:
          `${messages} messages: ${seen} requests at the fake, ` +
          `HttpClient.requestCount +${counted}, ${fake.connections - connectionsBefore} new TCP connection(s)`,
      },
      ...overhead,
      {
        group: GROUP,
        name: 'upstream requests per handover start (new contact, transcript note)',
        value: startRequests,
        unit: 'req',
        note: 'find by source_id, create contact, create conversation, private note',
      },
    ];
  } finally {
    await connector.dispose();
    await bare.close();
    await fake.close();
  }
}
