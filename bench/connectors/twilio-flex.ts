/**
 * Twilio Flex connector benchmark, against the fake Twilio on 127.0.0.1:
 * (a) upstream requests per relayed user message (goal 1.00: Basic auth needs no token call, the
 *     connection is kept alive, dedupe and the customer identity come from state, not Twilio),
 * (b) the connector's own overhead per doSendMessage vs a bare undici request of the same form body
 *     and headers to the same endpoint, measured side by side,
 * (c) upstream requests per handover start and per status check (informative).
 *
 *   npx tsx -e "import('./bench/connectors/twilio-flex.ts').then(async m => console.log(await m.benchTwilioFlex()))"
 */
import { startWebhookReceiver, testConnectorRuntime } from 'handover-kit/testing';
import { Agent, request } from 'undici';
import { createTwilioFlexConnector, type TwilioFlexConnector } from '../../dist/connectors/twilio-flex.js';
import { systemClock } from '../../src/clock';
import { silentLogger } from '../../src/logger';
import { FAKE_TWILIO, FakeTwilio } from '../../test/fakes/twilio-flex';
import { type BenchRow, sendOverheadRows } from '../lib';

const GROUP = 'connector: twilio-flex';
const MESSAGES = 500;
const TIMING_ITERATIONS = 4000;
const ROUNDS = 20;

async function bedFor(): Promise<{ fake: FakeTwilio; connector: TwilioFlexConnector; close(): Promise<void> }> {
  const fake = await FakeTwilio.start();
  let connector: TwilioFlexConnector | undefined;
  // Twilio posts every message back to the scoped webhook; the receiver verifies and drops the echoes.
  const receiver = await startWebhookReceiver(
    { verify: (r) => connector!.webhook!.verify(r), parse: (r) => connector!.webhook!.parse(r) },
    () => {},
  );
  connector = createTwilioFlexConnector(
    {
      accountSid: FAKE_TWILIO.accountSid,
      authToken: FAKE_TWILIO.authToken,
      workspaceSid: FAKE_TWILIO.workspaceSid,
      workflowSid: FAKE_TWILIO.workflowSid,
      queueSid: FAKE_TWILIO.queueSid,
      webhookUrl: receiver.url,
      conversationsBaseUrl: fake.url,
      flexBaseUrl: fake.url,
      taskrouterBaseUrl: fake.url,
    },
    testConnectorRuntime({ clock: systemClock, logger: silentLogger, providerId: 'bench-twilio' }),
  );
  return {
    fake,
    connector,
    async close() {
      await fake.idle();
      await connector!.dispose();
      await receiver.close();
      await fake.close();
    },
  };
}

const startRequest = (key: string) => ({
  idempotencyKey: key,
  user: { id: `bench-${key}`, name: 'Bench' },
  routing: {},
  transcript: [{ role: 'user' as const, text: 'agent please' }],
  customAttributes: {},
});

/** (a) and (c): every upstream request the fake saw. */
async function requestCounts(): Promise<BenchRow[]> {
  const bed = await bedFor();
  const { fake, connector } = bed;
  try {
    const before = fake.requests.length;
    const handovers = await Promise.all(
      [1, 2, 3, 4, 5].map((n) => connector.doStartHandover(startRequest(`rpm-${n}`))),
    );
    const perStart = (fake.requests.length - before) / handovers.length;
    const logBefore = fake.requests.length;
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
    const perMessage = (fake.requests.length - logBefore) / MESSAGES;
    const clientPerMessage = (connector.stats().requests - clientBefore) / MESSAGES;
    const statusBefore = fake.requests.length;
    await connector.doGetStatus({ conversationId: handovers[0]!.conversationId });
    const perStatus = fake.requests.length - statusBefore;
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
          `HttpClient.requestCount ${clientPerMessage.toFixed(2)}/msg; echo webhooks delivered and dropped`,
      },
      {
        group: GROUP,
        name: 'upstream requests per handover start',
        value: perStart,
        unit: 'req/start',
        note: 'conversation, customer, 1 transcript message, scoped webhook, interaction',
      },
      {
        group: GROUP,
        name: 'upstream requests per status check while queued',
        value: perStatus,
        unit: 'req/status',
        note: 'conversation, participants, task, pending tasks of the queue, queue statistics',
      },
    ];
  } finally {
    await bed.close();
  }
}

/** (b): wall and CPU time of doSendMessage vs a bare undici POST of the same request. */
async function sendOverhead(): Promise<BenchRow[]> {
  const bed = await bedFor();
  const { fake, connector } = bed;
  const pool = new Agent({ keepAliveTimeout: 30_000, connections: 128 });
  try {
    const { conversationId } = await connector.doStartHandover(startRequest('overhead'));
    const credentials = Buffer.from(`${FAKE_TWILIO.accountSid}:${FAKE_TWILIO.authToken}`).toString('base64');
    const authorization = `Basic ${credentials}`;
    const url = `${fake.url}/v1/Conversations/${conversationId}/Messages`;
    const author = fake.conversation(conversationId).participants[0]!.identity;
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
      const body = new URLSearchParams({
        Author: author,
        Body: 'hello from the bench',
        Attributes: JSON.stringify({ handoverKitMessageId: `bare-${b++}` }),
      }).toString();
      const headers = {
        authorization,
        accept: 'application/json',
        'content-type': 'application/x-www-form-urlencoded',
        'X-Twilio-Webhook-Enabled': 'true',
      };
      const res = await request(url, { method: 'POST', headers, body, dispatcher: pool });
      await res.body.json();
    };
    const perRound = TIMING_ITERATIONS / ROUNDS;
    return await sendOverheadRows({
      group: GROUP,
      viaConnector,
      bare,
      rounds: ROUNDS,
      perRound: perRound,
      baseline: 'bare undici request, same endpoint, form body and headers',
      shared: "both trigger the fake's signed echo webhook",
      connectorWork: 'state reads/writes, form build, dedupe, response check',
      settle: () => fake.idle(),
    });
  } finally {
    await pool.close();
    await bed.close();
  }
}

export async function benchTwilioFlex(): Promise<BenchRow[]> {
  return [...(await requestCounts()), ...(await sendOverhead())];
}
