/**
 * RingCentral Engage Digital connector benchmark, against the fake Engage on 127.0.0.1:
 * (a) upstream requests per relayed user message (goal 1.00: one signed Send API POST; the thread
 *     mapping and the duplicate check are in the connector state, not upstream),
 * (b) the connector's own overhead per doSendMessage vs. a bare undici POST of the same signed body
 *     to the same Send API endpoint, measured side by side in interleaved rounds.
 *
 *   npx tsx -e "import('./bench/connectors/ringcentral.ts').then(async m => console.log(await m.benchRingcentral()))"
 */
import { createHmac } from 'node:crypto';
import { testConnectorRuntime } from 'handover-kit/testing';
import { Agent, request } from 'undici';
import {
  createRingcentralConnector,
  messageForeignId,
  type RingcentralConnector,
} from '../../dist/connectors/ringcentral.js';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { FAKE_DEFAULTS, FakeEngage } from '../../test/fakes/ringcentral';
import { type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: ringcentral';
const MESSAGES = 500;
const TIMING_ITERATIONS = 4000;
const ROUNDS = 20;

function connectorFor(fake: FakeEngage): RingcentralConnector {
  return createRingcentralConnector(
    {
      baseApiUrl: fake.restUrl,
      apiAccessToken: FAKE_DEFAULTS.apiToken,
      realtimeEndpointUrl: fake.realtimeUrl,
      realtimeAccessToken: FAKE_DEFAULTS.sourceToken,
      webhookSecret: 'bench-webhook-secret',
      verifyToken: 'bench-verify',
      botCategoryId: 'bench-bot-category',
      agentCategoryId: 'bench-agent-category',
    },
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'bench-ringcentral' }),
  );
}

const startRequest = (key: string) => ({
  idempotencyKey: key,
  user: { id: `bench-${key}`, name: 'Bench' },
  routing: {},
  transcript: [],
  customAttributes: {},
});

/** (a): every upstream request the fake saw (both hosts) while 500 messages were relayed. */
async function requestsPerMessage(): Promise<BenchRow[]> {
  const fake = await FakeEngage.start();
  const connector = connectorFor(fake);
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
        user: { id: `bench-rpm-${(i % handovers.length) + 1}` },
        text: `message ${i}`,
      });
    }
    const seen = fake.requests.slice(before);
    const perMessage = seen.length / MESSAGES;
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
          `(REST ${seen.filter((r) => r.host === 'rest').length}), ` +
          `client count ${((connector.stats().requests - clientBefore) / MESSAGES).toFixed(2)}/msg`,
      },
    ];
  } finally {
    await connector.dispose();
    await fake.close();
  }
}

/** (b): wall and CPU time of doSendMessage vs. a bare signed undici POST of the same body. */
async function sendOverhead(): Promise<BenchRow[]> {
  const fake = await FakeEngage.start();
  const connector = connectorFor(fake);
  const pool = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  try {
    const { conversationId } = await connector.doStartHandover(startRequest('overhead'));
    let n = 0;
    let b = 0;
    const viaConnector = () =>
      connector.doSendMessage({
        conversationId,
        messageId: `c-${n++}`,
        user: { id: 'bench-overhead', name: 'Bench' },
        text: 'hello from the bench',
      });
    const bare = async () => {
      const at = new Date().toISOString();
      const body = JSON.stringify({
        action: 'messages.create',
        params: {
          id: messageForeignId(conversationId, `bare-${b++}`),
          thread_id: conversationId,
          body: 'hello from the bench',
          format: 'text',
          author: { id: 'bench-overhead', screenname: 'Bench', created_at: at, updated_at: at },
          created_at: at,
        },
      });
      const signature = createHmac('sha512', FAKE_DEFAULTS.sourceToken).update(body).digest('hex');
      const res = await request(fake.realtimeUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-smccsdk-signature': signature },
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
      baseline: 'bare signed undici POST, same endpoint and body',
      shared: "the fake's own handling (signature check, JSON) is in both",
      connectorWork: 'state lookups, id hash, body build, signing',
    });
  } finally {
    await pool.close();
    await connector.dispose();
    await fake.close();
  }
}

export async function benchRingcentral(): Promise<BenchRow[]> {
  return [...(await requestsPerMessage()), ...(await sendOverhead())];
}
