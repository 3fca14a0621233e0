/**
 * Zendesk connector benchmark, against the fake Zendesk on 127.0.0.1 (JWT auth, so token caching
 * is part of what is measured):
 * (a) upstream HTTP requests per relayed user message over 600 messages (goal 1.00);
 * (b) wall (and CPU) time per `doSendMessage` next to a bare undici `request` posting the same body
 *     with the same headers to the same endpoint, measured alternately in the same run.
 */
import { testConnectorRuntime } from 'handover-kit/testing';
import { Agent, request } from 'undici';
import { silentLogger } from '../../src/logger';
import { systemClock } from '../../src/clock';
import { createZendeskConnector, zendeskSettingsSchema } from '../../dist/connectors/zendesk.js';
import { FakeZendesk } from '../../test/fakes/zendesk';
import { wallMicros, type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: zendesk';
const MESSAGES = 600;
const ROUNDS = 20;
const PER_ROUND = 200;

export async function benchZendesk(): Promise<BenchRow[]> {
  const fake = await FakeZendesk.start({ echoApiMessages: false });
  const settings = zendeskSettingsSchema.parse({
    baseUrl: fake.suncoBaseUrl,
    appId: fake.appId,
    keyId: fake.keyId,
    keySecret: fake.keySecret,
    authMode: 'jwt',
    botIntegration: fake.bot.name,
    webhookSecret: fake.webhookSecret,
  });
  const connector = createZendeskConnector(
    settings,
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'bench' }),
  );
  const bare = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  try {
    const { conversationId } = await connector.doStartHandover({
      idempotencyKey: 'bench',
      user: { id: 'bench-user' },
      routing: {},
      transcript: [{ role: 'user', text: 'hello' }],
      customAttributes: {},
    });
    const user = { id: 'bench-user' };
    let n = 0;
    const send = () =>
      connector.doSendMessage({ conversationId, messageId: `b-${++n}`, user, text: 'benchmark message' });

    // (a) requests per relayed message
    const fakeBefore = fake.requests.length;
    const clientBefore = connector.requestCount;
    for (let i = 0; i < MESSAGES; i++) await send();
    const perMessage = (fake.requests.length - fakeBefore) / MESSAGES;
    const perMessageClient = (connector.requestCount - clientBefore) / MESSAGES;

    // (b) overhead per call against a bare undici request with the same body and headers
    const sample = fake.requestsFor('postMessage').at(-1)!;
    const url = `${fake.url}${sample.path}`;
    const headers = {
      authorization: String(sample.headers.authorization),
      'content-type': 'application/json',
      accept: 'application/json',
    };
    const body = JSON.stringify(sample.body);
    const raw = async () => {
      const res = await request(url, { method: 'POST', headers, body, dispatcher: bare });
      JSON.parse(await res.body.text());
    };
    await wallMicros(send, { iterations: 1000 }); // JIT warm-up for both paths
    await wallMicros(raw, { iterations: 1000 });
    const overhead = await sendOverheadRows({
      group: GROUP,
      viaConnector: send,
      bare: raw,
      rounds: ROUNDS,
      perRound: PER_ROUND,
      baseline: 'bare undici request, same body/headers/endpoint',
      shared: 'client and fake share the process',
      connectorWork: 'JWT reuse, request building, answer check',
      // The fake's request log grows with every call; keep memory flat.
      settle: async () => {
        fake.requests.length = 0;
      },
    });

    return [
      {
        group: GROUP,
        name: 'upstream requests per relayed user message (fake request log)',
        value: perMessage,
        unit: 'req/msg',
        goal: '1.00',
        met: perMessage <= 1,
        note:
          `${MESSAGES} messages; HttpClient counted ${perMessageClient.toFixed(2)} req/msg; ` +
          `JWTs signed: ${connector.tokensSigned}; distinct JWTs seen by the fake: ${fake.jwtsSeen.size}`,
      },
      ...overhead,
    ];
  } finally {
    await connector.dispose?.();
    await bare.close();
    await fake.close();
  }
}
