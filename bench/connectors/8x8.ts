/**
 * 8x8 connector benchmark, against the fake 8x8 on 127.0.0.1:
 * (a) upstream requests per relayed user message (goal 1.00: one POST …/messages each; the API key
 *     is a static header, so there is no token to fetch),
 * (b) the connector's own overhead per doSendMessage vs a bare undici request of the same body with
 *     the same headers to the same endpoint, measured side by side in interleaved rounds,
 * (c) webhook verification: CPU per verify (cached key) — CRC-32, detached-JWS rebuild, RSA verify.
 *
 *   npx tsx -e "import('./bench/connectors/8x8.ts').then(async m => console.log(await m.benchEightByEight()))"
 */
import { testConnectorRuntime } from 'handover-kit/testing';
import { Agent, request } from 'undici';
import { createEightByEightConnector, type EightByEightConnector } from '../../dist/connectors/8x8.js';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { FAKE_DEFAULTS, FakeEightByEight, signedHeaders } from '../../test/fakes/8x8';
import { cpuMicros, type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: 8x8';
const MESSAGES = 500;
const ROUNDS = 20;
const PER_ROUND = 200;

function connectorFor(fake: FakeEightByEight): EightByEightConnector {
  const settings = {
    baseUrl: fake.url,
    apiKey: FAKE_DEFAULTS.apiKey,
    tenant: FAKE_DEFAULTS.tenantId,
    channelId: FAKE_DEFAULTS.channelId,
    queueId: FAKE_DEFAULTS.queueId,
  };
  return createEightByEightConnector(
    settings,
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'bench-8x8' }),
  );
}

const start = (c: EightByEightConnector, key: string) =>
  c.doStartHandover({
    idempotencyKey: key,
    user: { id: `bench-${key}`, name: 'Bench' },
    routing: {},
    transcript: [],
    customAttributes: {},
  });

async function requestsPerMessage(fake: FakeEightByEight, connector: EightByEightConnector): Promise<BenchRow> {
  const handovers = await Promise.all([1, 2, 3, 4, 5].map((n) => start(connector, `rpm-${n}`)));
  const before = fake.requests.length;
  for (let i = 0; i < MESSAGES; i++) {
    const { conversationId } = handovers[i % handovers.length]!;
    await connector.doSendMessage({ conversationId, messageId: `m-${i}`, user: { id: 'bench' }, text: `message ${i}` });
  }
  // Webhook key fetches are not relay work.
  const seen = fake.requests.slice(before).filter((r) => r.operation !== 'jwk');
  const perMessage = seen.length / MESSAGES;
  const posts = seen.filter((r) => r.operation === 'message').length;
  return {
    group: GROUP,
    name: 'upstream requests per relayed user message',
    value: perMessage,
    unit: 'req/msg',
    goal: '= 1.00',
    met: perMessage === 1,
    note: `${MESSAGES} messages, ${handovers.length} handovers; fake log ${seen.length} (${posts} POST …/messages)`,
  };
}

async function sendOverhead(fake: FakeEightByEight, connector: EightByEightConnector): Promise<BenchRow[]> {
  const pool = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  try {
    const { conversationId } = await start(connector, 'overhead');
    const url = `${fake.url}/chat-gateway/v1/conversations/${conversationId}/messages`;
    const headers = {
      'x-api-key': FAKE_DEFAULTS.apiKey,
      'x-8x8-tenant': FAKE_DEFAULTS.tenantId,
      accept: 'application/hal+json, application/json',
      'content-type': 'application/json',
    };
    let n = 0;
    const viaConnector = () =>
      connector.doSendMessage({
        conversationId,
        messageId: `c-${n++}`,
        user: { id: 'bench' },
        text: 'hello from the bench',
      });
    const bare = async () => {
      const res = await request(url, {
        method: 'POST',
        headers,
        body: JSON.stringify({ authorType: 'user', text: 'hello from the bench' }),
        dispatcher: pool,
      });
      await res.body.text();
    };
    return await sendOverheadRows({
      group: GROUP,
      viaConnector,
      bare,
      rounds: ROUNDS,
      perRound: PER_ROUND,
      baseline: 'bare undici request, same endpoint, body and headers',
      shared: 'fake in both',
      connectorWork: 'dedupe, body, typed errors',
    });
  } finally {
    await pool.close();
  }
}

async function verifyCost(fake: FakeEightByEight, connector: EightByEightConnector): Promise<BenchRow> {
  const body = JSON.stringify({
    eventType: 'MESSAGE',
    conversationId: 'bench',
    timestamp: Date.now(),
    data: { isEcho: false, sender: { id: 'a', type: 'agent' }, text: 'hi' },
  });
  const req = () => ({
    method: 'POST',
    url: '/webhooks/bench-8x8',
    headers: signedHeaders(body, fake.signingKey, FAKE_DEFAULTS, {
      eventId: 'e',
      retry: 0,
      transmissionTime: Date.now(),
    }),
    rawBody: Buffer.from(body),
    receivedAt: Date.now(),
  });
  const sample = req();
  await connector.webhook!.verify(sample); // fetches and caches the key
  const cpu = await cpuMicros(() => connector.webhook!.verify(sample), { iterations: 2000, warmup: 50 });
  return {
    group: GROUP,
    name: 'webhook verify CPU (key cached)',
    value: cpu,
    unit: 'µs/webhook',
    note: `CRC-32 + detached JWS + RS256 verify; key fetches in all: ${connector.stats().keyFetches}`,
  };
}

export async function benchEightByEight(): Promise<BenchRow[]> {
  const fake = await FakeEightByEight.start();
  const connector = connectorFor(fake);
  try {
    return [
      await requestsPerMessage(fake, connector),
      ...(await sendOverhead(fake, connector)),
      await verifyCost(fake, connector),
    ];
  } finally {
    await connector.dispose();
    await fake.close();
  }
}
