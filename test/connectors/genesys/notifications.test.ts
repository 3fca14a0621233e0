import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger, type ConnectorStateV1, type HandoverEvent } from 'handover-kit';
import { createFakeClock, testConnectorRuntime, type FakeClock } from 'handover-kit/testing';
import {
  HEARTBEAT_TIMEOUT_MS,
  MAX_CONVERSATIONS_PER_CHANNEL,
  RENEW_MS,
  SUBSCRIBE_BATCH_MS,
  createGenesysConnector,
  type GenesysConnector,
  type GenesysSettingsInput,
} from 'handover-kit/connectors/genesys';
import { FAKE_DEFAULTS, FakeGenesys } from '../../fakes/genesys';
import { POLL_MS, settingsFor, waitUntil } from './harness';

/** One durable store seen by several gateway instances, each with its own lease owner (as Redis would be). */
class SharedState {
  private readonly values = new Map<string, { value: string; expiresAt: number }>();
  constructor(private readonly clock: FakeClock) {}

  private readonly crashed = new Set<string>();

  /** The owner's process is gone: it neither renews nor releases anything any more. */
  crash(owner: string): void {
    this.crashed.add(owner);
  }

  view(owner: string): ConnectorStateV1 {
    const read = (k: string) => {
      const e = this.values.get(k);
      return e && e.expiresAt > this.clock.now() ? e.value : undefined;
    };
    const write = (k: string, value: string, ttlMs?: number) =>
      void this.values.set(k, { value, expiresAt: ttlMs === undefined ? Infinity : this.clock.now() + ttlMs });
    return {
      get: async (k) => read(k),
      set: async (k, v, o) => write(k, v, o?.ttlMs),
      delete: async (k) => {
        if (!this.crashed.has(owner)) this.values.delete(k);
      },
      acquireLease: async (name, ttlMs) => {
        if (this.crashed.has(owner)) return false;
        const holder = read(`lease:${name}`);
        if (holder !== undefined && holder !== owner) return false;
        write(`lease:${name}`, owner, ttlMs);
        return true;
      },
      releaseLease: async (name) => {
        if (this.crashed.has(owner)) return;
        if (read(`lease:${name}`) === owner) this.values.delete(`lease:${name}`);
      },
    };
  }
}

interface Instance {
  connector: GenesysConnector;
  events: HandoverEvent[];
}

let fake: FakeGenesys;
let clock: FakeClock;
let shared: SharedState;
const instances: Instance[] = [];

afterEach(async () => {
  for (const i of instances.splice(0)) await i.connector.dispose();
  await fake?.close();
});

async function setup(fakeOptions: { queueId?: string } = {}) {
  fake = await FakeGenesys.start({ webhookRetryDelayMs: 10, ...fakeOptions });
  clock = createFakeClock(Date.now());
  shared = new SharedState(clock);
}

function instance(owner: string, overrides: Partial<GenesysSettingsInput> = {}): Instance {
  const runtime = testConnectorRuntime({ clock, logger: silentLogger, providerId: 'gen', state: shared.view(owner) });
  const connector = createGenesysConnector(settingsFor(fake, { eventSource: 'notifications', ...overrides }), runtime);
  const events: HandoverEvent[] = [];
  connector.events.on('event', (e) => events.push(e));
  const i = { connector, events };
  instances.push(i);
  return i;
}

const start = async (i: Instance, key: string) =>
  (
    await i.connector.doStartHandover({
      idempotencyKey: key,
      user: { id: `user-${key}`, name: 'Pat' },
      routing: {},
      transcript: [],
      customAttributes: {},
    })
  ).conversationId;
const healthy = (i: Instance) => waitUntil(() => i.connector.stats().channel?.healthy === true, 'a healthy channel');
const gets = () => fake.requestsOf('conversation').length;
const ofType = (i: Instance, type: HandoverEvent['type']) => i.events.filter((e) => e.type === type);
const topics = () => fake.notifications.openSockets().flatMap(({ channel }) => [...channel.topics]);
const queueTopic = `v2.routing.queues.${FAKE_DEFAULTS.queueId}.conversations.messages`;

/** Sends heartbeats until the connector has read them (no reliance on how long delivery takes). */
async function heartbeat(i: Instance) {
  const before = i.connector.stats().channel!.frames;
  fake.notifications.heartbeat();
  await waitUntil(() => i.connector.stats().channel!.frames > before, 'heartbeat read');
}

describe('genesys notifications channel: queue topic', () => {
  it('one channel, one queue topic; joined / left / ended pushed without a single poll', async () => {
    await setup();
    const a = instance('a');
    await healthy(a);
    expect(fake.requestsOf('channel')).toHaveLength(1);
    expect(topics()).toEqual([queueTopic]);

    const ids = await Promise.all(['q1', 'q2', 'q3'].map((k) => start(a, k)));
    // A conversation on the same queue that is not one of our handovers is ignored.
    const foreign = fake.store.inbound(fake.options.integrationId, {
      channel: { time: new Date().toISOString(), from: { id: 'other', idType: 'Opaque' } },
      text: 'hi',
    });
    fake.join(foreign.conversation.id);

    const agent = fake.join(ids[0]!, { id: 'agent-1', name: 'Ana Agent' });
    await waitUntil(() => ofType(a, 'agent-joined').length === 1, 'agent-joined');
    expect(ofType(a, 'agent-joined')[0]).toMatchObject({
      conversationId: ids[0],
      eventId: `genesys:${ids[0]}:joined:${agent.id}`,
      agent: { id: 'agent-1', name: 'Ana Agent' },
    });
    fake.transferToQueue(ids[0]!);
    await waitUntil(() => ofType(a, 'agent-left').length === 1, 'agent-left');
    expect(ofType(a, 'agent-left')[0]).toMatchObject({ requeued: true, eventId: `genesys:${ids[0]}:left:${agent.id}` });
    fake.resolve(ids[1]!, 'endpoint');
    await waitUntil(() => ofType(a, 'handover-completed').length === 1, 'completed');
    expect(ofType(a, 'handover-completed')[0]).toMatchObject({
      conversationId: ids[1],
      by: 'user',
      eventId: `genesys:${ids[1]}:completed`,
    });

    // Ten poll intervals with the channel healthy: no participant GET at all.
    for (let n = 0; n < 10; n++) {
      await heartbeat(a);
      await clock.advance(POLL_MS);
    }
    expect(gets()).toBe(0);
    expect(a.connector.stats().polls).toBe(0);
    expect(a.events.every((e) => e.conversationId !== foreign.conversation.id)).toBe(true);
    expect(fake.requestsOf('subscriptions')).toHaveLength(1);
  });

  it('v2.system.socket_closing: a new channel is subscribed before the old socket is closed, nothing lost', async () => {
    await setup();
    const a = instance('a');
    await healthy(a);
    const id = await start(a, 'roll');
    const [first] = fake.notifications.openSockets();
    fake.notifications.socketClosing();
    await waitUntil(() => first!.socket.closed, 'old socket closed');
    // When the old socket closed, the new channel was connected and already held the topic.
    expect(fake.notifications.closes).toEqual([{ channelId: first!.channel.id, otherTopics: [queueTopic] }]);
    expect(fake.requestsOf('channel')).toHaveLength(2);
    expect(a.connector.stats().channel!.healthy).toBe(true);
    fake.join(id);
    await waitUntil(() => ofType(a, 'agent-joined').length === 1, 'joined on the new channel');
    expect(gets()).toBe(0);
  });

  it('a dropped socket: polling takes over, reconnect with backoff, resubscribe, polling stops again', async () => {
    await setup();
    const a = instance('a');
    await healthy(a);
    const id = await start(a, 'drop');
    fake.notifications.dropSockets();
    await waitUntil(() => a.connector.stats().channel!.healthy === false, 'channel down');
    // While down, the handover is polled: a join is still seen.
    fake.join(id);
    await clock.advance(POLL_MS);
    await waitUntil(() => ofType(a, 'agent-joined').length === 1, 'joined by polling');
    expect(gets()).toBeGreaterThan(0);
    // The first reconnect is 1 s after the drop; it resubscribes the queue topic.
    await clock.advance(1000);
    await healthy(a);
    expect(fake.requestsOf('channel')).toHaveLength(2);
    expect(topics()).toEqual([queueTopic]);
    const polled = gets();
    for (let n = 0; n < 5; n++) {
      await heartbeat(a);
      await clock.advance(POLL_MS);
    }
    expect(gets()).toBe(polled);
  });

  it('no heartbeat for 75 s → the socket is treated as dead and replaced; heartbeats keep it', async () => {
    await setup();
    const a = instance('a');
    await healthy(a);
    for (let n = 0; n < 4; n++) {
      await heartbeat(a);
      await clock.advance(HEARTBEAT_TIMEOUT_MS - 1000);
    }
    expect(fake.requestsOf('channel')).toHaveLength(1);
    await clock.advance(1000);
    await waitUntil(() => a.connector.stats().channel!.healthy === false, 'watchdog fired');
    await clock.advance(1000);
    await healthy(a);
    expect(fake.requestsOf('channel')).toHaveLength(2);
  });

  it('notifications not permitted (403): every handover is polled, channel creation retried with growing delays', async () => {
    await setup();
    fake.notifications.permitted = false;
    const a = instance('a');
    const refused = () => a.connector.stats().channel!.failures === fake.requestsOf('channel').length;
    await waitUntil(() => fake.requestsOf('channel').length === 1 && refused(), 'first attempt refused');
    const id = await start(a, 'forbidden');
    fake.join(id);
    await clock.advance(POLL_MS);
    await waitUntil(() => ofType(a, 'agent-joined').length === 1, 'joined by polling');
    const attempts: number[] = [];
    const t0 = clock.now();
    await waitUntil(refused, 'refusal handled');
    for (let t = 0; t < 16_000; t += 1000) {
      const before = fake.requestsOf('channel').length;
      await clock.advance(1000);
      if (fake.requestsOf('channel').length === before) continue;
      attempts.push(clock.now() - t0);
      await waitUntil(refused, 'refusal handled');
    }
    // Attempts 1 s, 2 s, 4 s, 8 s after each refusal: the second ran within the poll step above.
    expect(attempts).toEqual([2000, 6000, 14000]);
    expect(a.connector.stats().channel!.healthy).toBe(false);
  });
});

describe('genesys notifications channel: topics per conversation (no queueId)', () => {
  it('subscribes each handover as it starts, unsubscribes when it ends, one GET per notified change', async () => {
    await setup();
    const a = instance('a', { queueId: undefined });
    await healthy(a);
    expect(topics()).toEqual([]);
    const id = await start(a, 'c1');
    await clock.advance(SUBSCRIBE_BATCH_MS);
    await waitUntil(() => topics().length === 3, 'subscribed');
    expect(topics().sort()).toEqual([
      `v2.detail.events.conversation.${id}.customer.end`,
      `v2.detail.events.conversation.${id}.user.end`,
      `v2.detail.events.conversation.${id}.user.start`,
    ]);
    fake.join(id);
    await waitUntil(() => ofType(a, 'agent-joined').length === 1, 'joined');
    // One catch-up read when subscribed (the gap before the PUT), one for the notified join.
    expect(gets()).toBe(2);
    fake.resolve(id);
    await waitUntil(() => ofType(a, 'handover-completed').length === 1, 'completed');
    await clock.advance(SUBSCRIBE_BATCH_MS);
    await waitUntil(() => topics().length === 0, 'unsubscribed');
    expect(a.connector.stats().polls).toBe(0);
  });

  it(`past ${MAX_CONVERSATIONS_PER_CHANNEL} handovers (1,000 topics) the rest is polled`, async () => {
    await setup();
    const a = instance('a', { queueId: undefined });
    await healthy(a);
    const ids: string[] = [];
    for (let i = 0; i <= MAX_CONVERSATIONS_PER_CHANNEL; i += 50) {
      const keys = Array.from(
        { length: Math.min(50, MAX_CONVERSATIONS_PER_CHANNEL + 1 - i) },
        (_, k) => `many-${i + k}`,
      );
      ids.push(...(await Promise.all(keys.map((k) => start(a, k)))));
    }
    await clock.advance(SUBSCRIBE_BATCH_MS);
    await waitUntil(() => topics().length === MAX_CONVERSATIONS_PER_CHANNEL * 3, 'subscribed up to the limit');
    const left = ids.filter((id) => !topics().includes(`v2.detail.events.conversation.${id}.user.start`));
    expect(left).toHaveLength(1);
    const readsOf = (id: string) => fake.requestsOf('conversation').filter((r) => r.path.endsWith(id)).length;
    await waitUntil(() => gets() === MAX_CONVERSATIONS_PER_CHANNEL, 'catch-up reads');
    await clock.advance(POLL_MS - SUBSCRIBE_BATCH_MS);
    await waitUntil(() => readsOf(left[0]!) === 1, 'the one left out is polled');
    expect(gets()).toBe(MAX_CONVERSATIONS_PER_CHANNEL + 1);
  });
});

describe('genesys notifications channel: several gateway instances', () => {
  it('one channel for the provider; the other instance does not poll; takeover resubscribes every handover', async () => {
    await setup();
    const a = instance('a', { queueId: undefined });
    await healthy(a);
    const b = instance('b', { queueId: undefined });
    await waitUntil(() => b.connector.stats().channel?.healthy === true, 'b sees the holder healthy');
    expect(b.connector.stats().channel!.holder).toBe(false);
    const idA = await start(a, 'on-a');
    const idB = await start(b, 'on-b');
    // A learns B's handover from the shared set at its next renewal and subscribes it.
    await clock.advance(RENEW_MS);
    await clock.advance(SUBSCRIBE_BATCH_MS);
    await waitUntil(() => topics().length === 6, 'both handovers subscribed');
    expect(fake.requestsOf('channel')).toHaveLength(1);

    const joinedB = fake.join(idB);
    await waitUntil(() => ofType(a, 'agent-joined').length === 1, 'holder reports the join of the other instance');
    expect(ofType(a, 'agent-joined')[0]).toMatchObject({
      conversationId: idB,
      eventId: `genesys:${idB}:joined:${joinedB.id}`,
    });
    await clock.advance(POLL_MS * 3);
    expect(b.connector.stats().polls).toBe(0);

    // A goes away; B takes the lease at its next renewal, opens its own channel and resubscribes both.
    await a.connector.dispose();
    instances.splice(instances.indexOf(a), 1);
    await clock.advance(RENEW_MS);
    await waitUntil(
      () => b.connector.stats().channel?.holder === true && b.connector.stats().channel?.healthy === true,
      'b holds the channel',
    );
    await waitUntil(() => topics().length === 6, 'resubscribed after takeover');
    expect(topics()).toContain(`v2.detail.events.conversation.${idA}.user.start`);
    const joinedA = fake.join(idA);
    await waitUntil(() => ofType(b, 'agent-joined').some((e) => e.conversationId === idA), 'takeover instance reports');
    expect(ofType(b, 'agent-joined').find((e) => e.conversationId === idA)!.eventId).toBe(
      `genesys:${idA}:joined:${joinedA.id}`,
    );
  });

  it('a crashed holder: its lease expires, the other instance polls meanwhile, then takes the channel over', async () => {
    await setup();
    const a = instance('a');
    await healthy(a);
    const b = instance('b');
    await waitUntil(() => b.connector.stats().channel?.healthy === true, 'b sees the holder healthy');
    const id = await start(b, 'crash');
    shared.crash('a');
    await a.connector.dispose(); // the socket goes with the process; nothing is released
    instances.splice(instances.indexOf(a), 1);
    // Until the health key and the lease expire (30 s), B trusts the holder; afterwards it polls, then holds.
    fake.join(id);
    for (let n = 0; n < 4 && b.connector.stats().channel?.holder !== true; n++) await clock.advance(RENEW_MS);
    await waitUntil(() => b.connector.stats().channel?.healthy === true, 'b holds a healthy channel');
    expect(b.connector.stats().channel!.holder).toBe(true);
    expect(fake.requestsOf('channel')).toHaveLength(2);
    await waitUntil(() => ofType(b, 'agent-joined').length === 1, 'the join during the gap is reported');
    expect(b.connector.stats().polls).toBeGreaterThan(0); // seen by B's own poll: the queue topic carries no past
  });

  it('closing from the bot: the end notified back is not reported as an event', async () => {
    await setup();
    const a = instance('a');
    await healthy(a);
    const id = await start(a, 'bot-close');
    const frames = a.connector.stats().channel!.frames;
    await a.connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' });
    expect(fake.notifications.sent).toContain(queueTopic);
    await waitUntil(() => a.connector.stats().channel!.frames === frames + 1, 'end notification read');
    await heartbeat(a); // frames are read in order: the end notification has been handled
    expect(a.events).toEqual([]);
  });

  it('malformed or unknown frames are ignored without breaking the channel', async () => {
    await setup();
    const a = instance('a');
    await healthy(a);
    const id = await start(a, 'garbage');
    const before = a.connector.stats().channel!.frames;
    for (const raw of [
      'not json',
      '[]',
      '{"topicName":42}',
      `{"topicName":"${queueTopic}","eventBody":{"participants":"x"}}`,
      '{"topicName":"v2.users.x.presence"}',
    ]) {
      fake.notifications.sendRaw(raw);
    }
    await waitUntil(() => a.connector.stats().channel!.frames === before + 5, 'frames read');
    expect(a.events).toEqual([]);
    expect(a.connector.stats().channel!.healthy).toBe(true);
    fake.join(id);
    await waitUntil(() => ofType(a, 'agent-joined').length === 1, 'still delivering');
  });
});
