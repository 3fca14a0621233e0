/**
 * Genesys connector benchmark, against the fake Genesys Cloud on 127.0.0.1:
 * (a) upstream requests per relayed user message (goal 1.00: the token is cached, the connection
 *     kept alive; participant polling is excluded and reported apart),
 * (b) the connector's own overhead per doSendMessage vs. a bare undici request to the same endpoint,
 * (c) participant polling: requests per second per live handover.
 *
 *   npx tsx -e "import('./bench/connectors/genesys.ts').then(async m => console.log(await m.benchGenesys()))"
 */
import { testConnectorRuntime } from 'handover-kit/testing';
import { Agent, request } from 'undici';
import { createGenesysConnector, type GenesysConnector } from '../../dist/connectors/genesys.js';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { FAKE_DEFAULTS, FakeGenesys } from '../../test/fakes/genesys';
import { type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: genesys';
const MESSAGES = 500;
const TIMING_ITERATIONS = 4000;
const ROUNDS = 20;
const POLL_HANDOVERS = 20;
const POLL_INTERVAL_MS = 100;
const POLL_WINDOW_MS = 2000;
const DEFAULT_POLL_INTERVAL_MS = 5000;
/** Genesys' documented client-credentials budget (requests per minute per token). */
const TOKEN_RATE_PER_MINUTE = 300;

function connectorFor(fake: FakeGenesys, pollIntervalMs: number): GenesysConnector {
  return createGenesysConnector(
    {
      region: 'mypurecloud.de',
      apiBaseUrl: fake.url,
      loginBaseUrl: fake.url,
      clientId: FAKE_DEFAULTS.clientId,
      clientSecret: FAKE_DEFAULTS.clientSecret,
      integrationId: FAKE_DEFAULTS.integrationId,
      webhookSecret: 'bench-webhook-secret-0123456789',
      pollIntervalMs,
      eventSource: 'polling', // the channel is measured in genesys-notifications.ts
    },
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'bench-genesys' }),
  );
}

const startRequest = (key: string) => ({
  idempotencyKey: key,
  user: { id: `bench-${key}`, name: 'Bench' },
  routing: {},
  transcript: [],
  customAttributes: {},
});

/** (a): every upstream request the fake saw while 500 messages were relayed, polling excluded. */
async function requestsPerMessage(): Promise<BenchRow[]> {
  const fake = await FakeGenesys.start();
  const connector = connectorFor(fake, 300_000); // no poll falls in the window; polling is measured in (c)
  try {
    const handovers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => connector.doStartHandover(startRequest(`rpm-${n}`))),
    );
    const logBefore = fake.requests.length;
    const clientBefore = connector.stats().requests;
    for (let i = 0; i < MESSAGES; i++) {
      const { conversationId } = handovers[i % handovers.length]!;
      await connector.doSendMessage({
        conversationId,
        messageId: `m-${i}`,
        user: { id: `bench-rpm-${(i % handovers.length) + 1}` },
        text: `message ${i}`,
      });
    }
    const seen = fake.requests.slice(logBefore).filter((r) => r.operation !== 'conversation');
    const perMessage = seen.length / MESSAGES;
    const clientPerMessage = (connector.stats().requests - clientBefore) / MESSAGES;
    return [
      {
        group: GROUP,
        name: 'upstream requests per relayed user message',
        value: perMessage,
        unit: 'req/msg',
        goal: '= 1.00',
        met: perMessage === 1,
        note:
          `${MESSAGES} messages over ${handovers.length} handovers; ` +
          `fake log ${seen.length} (token ${seen.filter((r) => r.operation === 'token').length}), ` +
          `HttpClient.requestCount ${clientPerMessage.toFixed(2)}/msg; ` +
          `token requests in all: ${fake.tokensIssued}`,
      },
    ];
  } finally {
    await connector.dispose();
    await fake.close();
  }
}

/** (b): wall time of doSendMessage vs. a bare undici POST of the same body to the same endpoint. */
async function sendOverhead(): Promise<BenchRow[]> {
  const fake = await FakeGenesys.start();
  const connector = connectorFor(fake, 300_000);
  const pool = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  try {
    const { conversationId } = await connector.doStartHandover(startRequest('overhead'));
    const token = String(fake.requestsOf('inbound')[0]!.headers.authorization);
    const url = `${fake.url}/api/v2/conversations/messages/${FAKE_DEFAULTS.integrationId}/inbound/open/message`;
    let n = 0;
    let b = 0;
    const viaConnector = () =>
      connector.doSendMessage({
        conversationId,
        messageId: `c-${n++}`,
        user: { id: 'bench-overhead' },
        text: 'hello from the bench',
      });
    const bare = async () => {
      const body = JSON.stringify({
        channel: {
          messageId: `bare-${b++}`,
          time: new Date().toISOString(),
          from: { id: 'bench-overhead', idType: 'Opaque', nickname: 'Bench' },
        },
        text: 'hello from the bench',
      });
      const res = await request(url, {
        method: 'POST',
        headers: { authorization: token, 'content-type': 'application/json', accept: 'application/json' },
        body,
        dispatcher: pool,
      });
      await res.body.json();
    };
    // Many short interleaved rounds (alternating which goes first); the medians resist the noise
    // of a shared machine better than one long run each.
    const perRound = TIMING_ITERATIONS / ROUNDS;
    return await sendOverheadRows({
      group: GROUP,
      viaConnector,
      bare,
      rounds: ROUNDS,
      perRound: perRound,
      baseline: 'bare undici request, same endpoint and body',
      shared: "includes the fake's own handling in both",
      connectorWork: 'token lookup, body build, id hash, dedupe, response check',
    });
  } finally {
    await pool.close();
    await connector.dispose();
    await fake.close();
  }
}

/** (c): participant polling load per live handover, at a short interval, extrapolated to the default. */
async function pollingLoad(): Promise<BenchRow[]> {
  const fake = await FakeGenesys.start();
  const connector = connectorFor(fake, POLL_INTERVAL_MS);
  try {
    await Promise.all(
      Array.from({ length: POLL_HANDOVERS }, (_, i) => connector.doStartHandover(startRequest(`poll-${i}`))),
    );
    const before = fake.requestsOf('conversation').length;
    const t0 = Date.now();
    await new Promise((resolve) => setTimeout(resolve, POLL_WINDOW_MS));
    const seconds = (Date.now() - t0) / 1000;
    const polls = fake.requestsOf('conversation').length - before;
    const perHandoverPerSecond = polls / POLL_HANDOVERS / seconds;
    const perInterval = perHandoverPerSecond * (POLL_INTERVAL_MS / 1000);
    const atDefault = 1000 / DEFAULT_POLL_INTERVAL_MS;
    return [
      {
        group: GROUP,
        name: `polling requests per second per live handover (interval ${POLL_INTERVAL_MS} ms)`,
        value: perHandoverPerSecond,
        unit: 'req/s',
        goal: `≤ 1 per interval (${1000 / POLL_INTERVAL_MS}/s)`,
        met: perInterval <= 1.0001,
        note:
          `${polls} GETs for ${POLL_HANDOVERS} handovers in ${seconds.toFixed(2)} s ` +
          `= ${perInterval.toFixed(2)} per handover per interval`,
      },
      {
        group: GROUP,
        name: `polling at the default interval (${DEFAULT_POLL_INTERVAL_MS} ms)`,
        value: atDefault,
        unit: 'req/s per handover',
        note:
          `${(atDefault * 60).toFixed(0)} req/min each: ` +
          `one token's ${TOKEN_RATE_PER_MINUTE} req/min ` +
          `covers about ${Math.floor(TOKEN_RATE_PER_MINUTE / (atDefault * 60))} live handovers before messages`,
      },
    ];
  } finally {
    await connector.dispose();
    await fake.close();
  }
}

export async function benchGenesys(): Promise<BenchRow[]> {
  // The notifications channel ("genesys at scale") is its own bench file, run next to this one.
  return [...(await requestsPerMessage()), ...(await sendOverhead()), ...(await pollingLoad())];
}
