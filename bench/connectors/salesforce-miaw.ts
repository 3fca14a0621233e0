/**
 * Salesforce MIAW connector benchmark, against the fake MIAW on 127.0.0.1:
 * (a) upstream requests per relayed user message (goal 1.00: the end user's token is kept per
 *     conversation, the connection kept alive; the SSE stream is one long request per live handover,
 *     reported apart),
 * (b) the connector's own overhead per doSendMessage vs. a bare undici request of the same body to the
 *     same endpoint with the same token, measured side by side in interleaved rounds,
 * (c) agent message → pushed event latency over the stream.
 *
 *   npm run bench connectors   (or: node --import tsx bench/index.ts connectors)
 */
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { testConnectorRuntime } from 'handover-kit/testing';
import { createSalesforceMiawConnector, type SalesforceMiawConnector } from '../../dist/connectors/salesforce-miaw.js';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { FAKE_MIAW, FakeMiaw } from '../../test/fakes/salesforce-miaw';
import { percentile, type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: salesforce-miaw';
const HANDOVERS = 5;
const MESSAGES = 500;
const TIMING_ITERATIONS = 4000;
const ROUNDS = 20;
const LATENCY_SAMPLES = 200;

function connectorFor(fake: FakeMiaw): SalesforceMiawConnector {
  return createSalesforceMiawConnector(
    { baseUrl: fake.url, organizationId: FAKE_MIAW.orgId, esDeveloperName: FAKE_MIAW.esDeveloperName },
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'bench-miaw' }),
  );
}

const startRequest = (key: string) => ({
  idempotencyKey: key,
  user: { id: `bench-${key}` },
  routing: {},
  transcript: [],
  customAttributes: {},
});

async function withFake<T>(run: (fake: FakeMiaw, connector: SalesforceMiawConnector) => Promise<T>): Promise<T> {
  const fake = await FakeMiaw.start();
  const connector = connectorFor(fake);
  try {
    return await run(fake, connector);
  } finally {
    await connector.dispose();
    await fake.close();
  }
}

/** (a) every request the fake saw while 500 messages were relayed over 5 handovers. */
const requestsPerMessage = () =>
  withFake(async (fake, connector) => {
    const handovers = await Promise.all(
      Array.from({ length: HANDOVERS }, (_, n) => connector.doStartHandover(startRequest(`rpm-${n}`))),
    );
    const before = fake.requests.length;
    for (let i = 0; i < MESSAGES; i++) {
      await connector.doSendMessage({
        conversationId: handovers[i % HANDOVERS]!.conversationId,
        messageId: `m-${i}`,
        user: { id: 'u' },
        text: `message ${i}`,
      });
    }
    const seen = fake.requests.slice(before);
    const relayed = seen.filter((r) => r.operation !== 'sse');
    const perMessage = relayed.length / MESSAGES;
    const tokens = relayed.filter((r) => r.operation === 'token').length;
    const streams = fake.requestsOf('sse').length;
    return [
      {
        group: GROUP,
        name: 'upstream requests per relayed user message',
        value: perMessage,
        unit: 'req/msg',
        goal: '= 1.00',
        met: perMessage === 1,
        note: `${MESSAGES} messages over ${HANDOVERS} handovers; tokens fetched during the run: ${tokens}`,
      },
      {
        group: GROUP,
        name: 'stream connections per live handover',
        value: streams / HANDOVERS,
        unit: 'conn/handover',
        goal: '= 1.00',
        met: streams === HANDOVERS,
        note: 'one long-lived SSE request each (plus a reconnect per drop); not counted per message',
      },
    ] satisfies BenchRow[];
  });

/** (b) doSendMessage vs a bare undici POST of the same body, same token, same endpoint. */
const sendOverhead = () =>
  withFake(async (fake, connector) => {
    const pool = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
    try {
      const { conversationId } = await connector.doStartHandover(startRequest('overhead'));
      await connector.doSendMessage({ conversationId, messageId: 'probe', user: { id: 'u' }, text: 'probe' });
      const authorization = String(fake.requestsOf('message')[0]!.headers.authorization);
      const url = `${fake.url}/iamessage/api/v2/conversation/${conversationId}/message`;
      let n = 0;
      const viaConnector = () =>
        connector.doSendMessage({
          conversationId,
          messageId: `c-${n++}`,
          user: { id: 'u' },
          text: 'hello from the bench',
        });
      const bare = async () => {
        const id = randomUUID();
        const body = JSON.stringify({
          message: {
            id,
            messageType: 'StaticContentMessage',
            staticContent: { formatType: 'Text', text: 'hello from the bench' },
          },
          esDeveloperName: FAKE_MIAW.esDeveloperName,
        });
        const res = await request(url, {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json', accept: 'application/json' },
          body,
          dispatcher: pool,
        });
        await res.body.text();
      };
      const perRound = TIMING_ITERATIONS / ROUNDS;
      return await sendOverheadRows({
        group: GROUP,
        viaConnector,
        bare,
        rounds: ROUNDS,
        perRound: perRound,
        baseline: 'bare undici request, same endpoint, body and token',
        shared: 'echoes on the stream',
        connectorWork: 'token, id hash, dedupe, body',
      });
    } finally {
      await pool.close();
    }
  });

/** (c) from the fake writing an agent message onto the stream to the connector pushing the event. */
const streamLatency = () =>
  withFake(async (fake, connector) => {
    const { conversationId } = await connector.doStartHandover(startRequest('latency'));
    const samples: number[] = [];
    let resolveNext: (() => void) | undefined;
    connector.events.on('event', (e) => e.type === 'agent-message' && resolveNext?.());
    for (let i = 0; i < LATENCY_SAMPLES; i++) {
      const arrived = new Promise<void>((resolve) => (resolveNext = resolve));
      const t0 = performance.now();
      fake.say(conversationId, `agent ${i}`);
      await arrived;
      samples.push((performance.now() - t0) * 1000);
    }
    samples.sort((a, b) => a - b);
    return [
      {
        group: GROUP,
        name: 'agent message → pushed event over the stream (p50)',
        value: percentile(samples, 50),
        unit: 'µs',
        note: `p99 ${percentile(samples, 99).toFixed(0)} µs, ${LATENCY_SAMPLES} messages; parse, map, state writes`,
      },
    ] satisfies BenchRow[];
  });

export async function benchSalesforceMiaw(): Promise<BenchRow[]> {
  return [...(await requestsPerMessage()), ...(await sendOverhead()), ...(await streamLatency())];
}
