/**
 * NiCE CXone connector benchmark, against the fake CXone on 127.0.0.1:
 * (a) upstream requests per relayed user message (goal 1.00: token cached, hosts discovered once,
 *     connection kept alive; the contact-status poller is measured apart, in (c)),
 * (b) the connector's own overhead per doSendMessage vs. a bare undici POST of the same body to the
 *     same DFO endpoint, interleaved rounds side by side,
 * (c) the shared poller: contact reads per tick with three gateway instances and many handovers
 *     (one instance reads, capped by the hourly budget).
 *
 *   npx tsx -e "import('./bench/connectors/cxone.ts').then(async m => console.log(await m.benchCxone()))"
 */
import { Agent, request } from 'undici';
import { createFakeClock, testConnectorRuntime } from 'handover-kit/testing';
import type { Clock, ConnectorStateV1 } from 'handover-kit/contract';
import { createCxoneConnector, type CxoneConnector } from '../../dist/connectors/cxone.js';
import { systemClock } from '../../src/clock';
import { FAKE_DEFAULTS, FakeCxone } from '../../test/fakes/cxone';
import { SharedState } from '../../test/connectors/cxone/harness';
import { type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: cxone';
const MESSAGES = 500;
const TIMING_ITERATIONS = 4000;
const ROUNDS = 20;
const POLL_HANDOVERS = 200;
const POLL_TICKS = 5;

function connectorFor(
  fake: FakeCxone,
  clock: Clock,
  state?: ConnectorStateV1,
  settings: Record<string, unknown> = {},
): CxoneConnector {
  return createCxoneConnector(
    {
      accessKeyId: FAKE_DEFAULTS.accessKeyId,
      accessKeySecret: FAKE_DEFAULTS.accessKeySecret,
      clientId: FAKE_DEFAULTS.clientId,
      clientSecret: FAKE_DEFAULTS.clientSecret,
      channelId: FAKE_DEFAULTS.channelId,
      channelClientId: 'bench-client',
      channelClientSecret: 'bench-client-secret-0123456789ab',
      authBaseUrl: fake.url,
      dfoBaseUrl: fake.url,
      apiBaseUrl: fake.url,
      pollIntervalMs: 300_000, // no timed poll falls in a window; polls are driven by runOnce in (c)
      ...settings,
    },
    testConnectorRuntime({ clock, providerId: 'bench-cxone', ...(state ? { state } : {}) }),
  );
}

const startRequest = (key: string) => ({
  idempotencyKey: key,
  user: { id: `bench-${key}`, name: 'Bench' },
  routing: {},
  transcript: [],
  customAttributes: {},
});

/** (a): every upstream request the fake saw while 500 messages were relayed. */
async function requestsPerMessage(): Promise<BenchRow[]> {
  const fake = await FakeCxone.start();
  const connector = connectorFor(fake, systemClock);
  try {
    const handovers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => connector.doStartHandover(startRequest(`rpm-${n}`))),
    );
    const before = fake.requests.length;
    const clientBefore = connector.stats().requests;
    for (let i = 0; i < MESSAGES; i++) {
      const { conversationId } = handovers[i % handovers.length]!;
      await connector.doSendMessage({
        conversationId,
        messageId: `m-${i}`,
        user: { id: 'bench' },
        text: `message ${i}`,
      });
    }
    const seen = fake.requests.slice(before).filter((r) => r.operation !== 'contact');
    const perMessage = seen.length / MESSAGES;
    const count = (op: string) => seen.filter((r) => r.operation === op).length;
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
          `${MESSAGES} messages over ${handovers.length} handovers; fake log ${seen.length} ` +
          `(token ${count('token')}, ` +
          `discovery ${count('config')}); HttpClient counters ${clientPerMessage.toFixed(2)}/msg`,
      },
    ];
  } finally {
    await connector.dispose();
    await fake.close();
  }
}

/** (b): wall and CPU time of doSendMessage vs. a bare undici POST of the same body. */
async function sendOverhead(): Promise<BenchRow[]> {
  const fake = await FakeCxone.start();
  const connector = connectorFor(fake, systemClock);
  const pool = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  try {
    const { conversationId } = await connector.doStartHandover(startRequest('overhead'));
    const token = String(fake.requestsOf('messages')[0]!.headers.authorization);
    const url = `${fake.url}/dfo/3.0/channels/${FAKE_DEFAULTS.channelId}/messages`;
    let n = 0;
    let b = 0;
    const viaConnector = () =>
      connector.doSendMessage({
        conversationId,
        messageId: `c-${n++}`,
        user: { id: 'bench' },
        text: 'hello from the bench',
      });
    const bare = async () => {
      const body = JSON.stringify({
        idOnExternalPlatform: `bare-${b++}`,
        direction: 'inbound',
        createdAtWithMilliseconds: new Date().toISOString(),
        thread: { idOnExternalPlatform: conversationId },
        messageContent: { type: 'TEXT', payload: { text: 'hello from the bench' } },
        authorEndUserIdentity: { idOnExternalPlatform: 'bench' },
      });
      const res = await request(url, {
        method: 'POST',
        headers: { authorization: token, 'content-type': 'application/json', accept: 'application/json' },
        body,
        dispatcher: pool,
      });
      await res.body.json();
    };
    const perRound = TIMING_ITERATIONS / ROUNDS;
    return await sendOverheadRows({
      group: GROUP,
      viaConnector,
      bare,
      rounds: ROUNDS,
      perRound: perRound,
      baseline: 'bare undici request, same endpoint and body',
      shared: "the fake's handling (body validation, store) is in both",
      connectorWork: 'state reads for thread and dedupe, one id hash, sent marker write, body, response read',
    });
  } finally {
    await pool.close();
    await connector.dispose();
    await fake.close();
  }
}

/** (c): one poller for all: three instances share the state; reads per tick are capped by the budget. */
async function pollerLoad(): Promise<BenchRow[]> {
  const fake = await FakeCxone.start();
  const clock = createFakeClock(Date.now());
  const shared = new SharedState(clock);
  // 60,000 reads/hour at a 5 s tick = 83 reads per tick, whatever the number of handovers.
  const instances = ['a', 'b', 'c'].map((name) =>
    connectorFor(fake, clock, shared.forInstance(name), { pollIntervalMs: 5000 }),
  );
  try {
    for (let i = 0; i < POLL_HANDOVERS; i++) await instances[i % 3]!.doStartHandover(startRequest(`poll-${i}`));
    const before = fake.requestsOf('contact').length;
    for (let t = 0; t < POLL_TICKS; t++) for (const c of instances) await c.poller.runOnce();
    const reads = fake.requestsOf('contact').length - before;
    const perTick = reads / POLL_TICKS;
    const budget = instances[0]!.poller.budget;
    const holders = instances.filter((c) => c.poller.holding).length;
    return [
      {
        group: GROUP,
        name: `contact reads per poll tick (${POLL_HANDOVERS} handovers, 3 instances)`,
        value: perTick,
        unit: 'req/tick',
        goal: `≤ budget ${budget} (60,000/h at 5 s), one instance polling`,
        met: perTick <= budget && holders === 1,
        note:
          `${reads} reads in ${POLL_TICKS} ticks by ${holders} lease holder; each handover read every ` +
          `${Math.ceil(POLL_HANDOVERS / budget)} ticks (round-robin); CXone allows 120,000 get-contact/h per tenant`,
      },
    ];
  } finally {
    for (const c of instances) await c.dispose();
    await fake.close();
  }
}

export async function benchCxone(): Promise<BenchRow[]> {
  return [...(await requestsPerMessage()), ...(await sendOverhead()), ...(await pollerLoad())];
}
