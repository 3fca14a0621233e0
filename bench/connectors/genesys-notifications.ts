/**
 * Genesys at scale: upstream requests per minute spent on agent joined / left / ended for 1,000 live
 * handovers, with the Notifications API channel (queue topic) vs. participant polling at the default
 * 5 s, against one OAuth client's documented budget of 300 requests/min. Real fake server on
 * 127.0.0.1 (HTTP + WebSocket); simulated minutes on a fake clock, so the run takes seconds.
 *
 *   f=./bench/connectors/genesys-notifications.ts
 *   npx tsx -e "import('$f').then(async m => console.log(await m.benchGenesysNotifications()))"
 */
import { createFakeClock, testConnectorRuntime, type FakeClock } from 'handover-kit/testing';
import { createGenesysConnector, type GenesysConnector } from '../../dist/connectors/genesys.js';
import { silentLogger } from '../../src/logger';
import { FAKE_DEFAULTS, FakeGenesys, type FakeOperation } from '../../test/fakes/genesys';
import type { BenchRow } from '../lib';

const GROUP = 'connector: genesys at scale';
const LIVE = 1000;
const DEFAULT_POLL_MS = 5000;
const BUDGET_PER_MINUTE = 300;
/** Requests that exist only to learn joined / left / ended (messages and starts excluded). */
const DETECTION: FakeOperation[] = ['conversation', 'channel', 'subscriptions', 'token'];

async function until(check: () => boolean, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

interface Bed {
  fake: FakeGenesys;
  clock: FakeClock;
  connector: GenesysConnector;
  ids: string[];
  events: number;
  detection(): number;
  close(): Promise<void>;
}

async function bed(eventSource: 'notifications' | 'polling', queueId: string | undefined, live: number): Promise<Bed> {
  const fake = await FakeGenesys.start();
  const clock = createFakeClock(Date.now());
  const connector = createGenesysConnector(
    {
      region: 'mypurecloud.de',
      apiBaseUrl: fake.url,
      loginBaseUrl: fake.url,
      clientId: FAKE_DEFAULTS.clientId,
      clientSecret: FAKE_DEFAULTS.clientSecret,
      integrationId: FAKE_DEFAULTS.integrationId,
      ...(queueId ? { queueId } : {}),
      webhookSecret: 'bench-webhook-secret-0123456789',
      pollIntervalMs: DEFAULT_POLL_MS,
      eventSource,
    },
    testConnectorRuntime({ clock, logger: silentLogger, providerId: 'bench-genesys-scale' }),
  );
  const b: Bed = {
    fake,
    clock,
    connector,
    ids: [],
    events: 0,
    detection: () => fake.requests.filter((r) => r.operation && DETECTION.includes(r.operation)).length,
    async close() {
      await connector.dispose();
      await fake.close();
    },
  };
  connector.events.on('event', () => b.events++);
  if (eventSource === 'notifications') await until(() => connector.stats().channel?.healthy === true, 'channel');
  for (let i = 0; i < live; i += 50) {
    const batch = Array.from({ length: Math.min(50, live - i) }, (_, k) => `scale-${i + k}`);
    const started = await Promise.all(
      batch.map((key) =>
        connector.doStartHandover({
          idempotencyKey: key,
          user: { id: `u-${key}` },
          routing: {},
          transcript: [],
          customAttributes: {},
        }),
      ),
    );
    b.ids.push(...started.map((s) => s.conversationId));
  }
  return b;
}

/**
 * One simulated window: every live handover gets an agent, a tenth of them end, heartbeats every
 * 30 s, the poll timers run. Returns detection requests per minute (setup excluded) and events seen.
 */
async function window(b: Bed, minutes: number, notified: boolean): Promise<{ perMinute: number; events: number }> {
  // Every poll timer armed again (a poll re-arms only after its answer), so each step is one interval.
  const armed = () => until(() => b.clock.pending() >= b.connector.stats().polledHandovers, 'polls re-armed');
  await armed();
  const before = b.detection();
  const eventsBefore = b.events;
  for (const id of b.ids) b.fake.join(id);
  for (const id of b.ids.slice(0, b.ids.length / 10)) b.fake.resolve(id);
  // A read may see the join and the end in one snapshot (then only the end is reported): at least one each.
  const expected = b.ids.length;
  for (let ms = 0; ms < minutes * 60_000; ms += DEFAULT_POLL_MS) {
    if (notified && ms % 30_000 === 0) {
      const frames = b.connector.stats().channel!.frames;
      b.fake.notifications.heartbeat();
      await until(() => b.connector.stats().channel!.frames > frames, 'heartbeat');
    }
    await b.clock.advance(DEFAULT_POLL_MS);
    await armed();
  }
  await until(() => b.events - eventsBefore >= expected, `${expected} events`);
  if (notified && !b.connector.stats().channel?.healthy)
    throw new Error('bench: the channel went down during the window');
  return { perMinute: (b.detection() - before) / minutes, events: b.events - eventsBefore };
}

export async function benchGenesysNotifications(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const polling = await bed('polling', FAKE_DEFAULTS.queueId, LIVE);
  let polled: number;
  try {
    polled = (await window(polling, 1, false)).perMinute;
  } finally {
    await polling.close();
  }

  const queue = await bed('notifications', FAKE_DEFAULTS.queueId, LIVE);
  try {
    const setup = queue.detection();
    const { perMinute, events } = await window(queue, 10, true);
    const polls = queue.connector.stats().polls;
    rows.push({
      group: GROUP,
      name: `joined/left/ended requests per minute, ${LIVE} live handovers, notifications channel (queue topic)`,
      value: perMinute,
      unit: 'req/min',
      baseline: { name: `polling every ${DEFAULT_POLL_MS / 1000} s (1 simulated min)`, value: polled },
      ratio: perMinute / polled,
      goal: `≤ ${BUDGET_PER_MINUTE / 2} req/min (half of one OAuth client's ${BUDGET_PER_MINUTE})`,
      met: perMinute <= BUDGET_PER_MINUTE / 2 && polls === 0,
      note:
        `10 simulated min, ${events} events pushed (a join for each, an end for a tenth), ` +
        `participant polls ${polls}; ` +
        `${setup} requests once per channel (token, channel, subscription). ` +
        `Polling: ${(polled / BUDGET_PER_MINUTE).toFixed(0)}× ` +
        `the budget, which covers ${Math.floor(BUDGET_PER_MINUTE / (60_000 / DEFAULT_POLL_MS))} live handovers`,
    });
  } finally {
    await queue.close();
  }

  // Without a queueId: 3 topics per handover, so one channel watches 333; measured at 300.
  const perConversation = await bed('notifications', undefined, 300);
  try {
    await perConversation.clock.advance(1000); // the batched subscription PUT and its catch-up reads
    await until(() => perConversation.fake.requestsOf('conversation').length >= 300, 'catch-up reads');
    const { perMinute } = await window(perConversation, 10, true);
    rows.push({
      group: GROUP,
      name:
        'joined/left/ended requests per minute, 300 live handovers, ' +
        'notifications channel (topics per conversation)',
      value: perMinute,
      unit: 'req/min',
      note:
        'no queueId; 10 simulated min: one GET per notified change ' +
        '(a join for each, an end for a tenth). Per new handover ' +
        'besides: one catch-up GET and a share of a batched subscription PUT. ' +
        'One channel holds 333 handovers this way (1,000 topics): set queueId for more',
    });
  } finally {
    await perConversation.close();
  }
  return rows;
}
