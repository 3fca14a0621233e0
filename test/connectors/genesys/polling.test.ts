import { testConnectorRuntime } from 'handover-kit/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { HandoverNotFoundError, createHandoverKit, silentLogger, type HandoverEvent } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { startWebhookReceiver } from 'handover-kit/testing';
import {
  NOT_FOUND_LIMIT,
  createGenesysConnector,
  diffSnapshot,
  genesysConnector,
  type GenesysConnector,
} from 'handover-kit/connectors/genesys';
import { FakeGenesys } from '../../fakes/genesys';
import { POLL_MS, WEBHOOK_SECRET, settingsFor, startTestBed, waitUntil, type GenesysTestBed } from './harness';

let bed: GenesysTestBed;
afterEach(async () => {
  await bed?.close();
});

const start = async (key = 'poll-1', userId = `user-${key}`) =>
  (
    await bed.connector.doStartHandover({
      idempotencyKey: key,
      user: { id: userId, name: 'Pat' },
      routing: {},
      transcript: [],
      customAttributes: {},
    })
  ).conversationId;

/** Waits until every poll in flight has answered and re-armed its timer. */
const settled = () => waitUntil(() => bed.clock.pending() >= bed.connector.stats().polledHandovers, 'polls to settle');
const gets = () => bed.fake.requestsOf('conversation').length;
const of = (type: HandoverEvent['type']) => bed.events.filter((e) => e.type === type);

describe('genesys participant polling: events', () => {
  it('agent joined, agent texts named after the agent, transfer back to the queue, another agent, end', async () => {
    bed = await startTestBed();
    const id = await start();
    const first = bed.fake.join(id, { id: 'agent-1', name: 'Ana Agent' });
    await bed.poll();
    await waitUntil(() => of('agent-joined').length === 1, 'agent-joined');
    expect(of('agent-joined')[0]).toEqual({
      type: 'agent-joined',
      conversationId: id,
      eventId: `genesys:${id}:joined:${first.id}`,
      occurredAt: Date.parse(first.connectedTime!),
      agent: { id: 'agent-1', name: 'Ana Agent' },
    });

    await bed.fake.say(id, 'Hola');
    expect(of('agent-message')[0]).toMatchObject({ text: 'Hola', agent: { id: 'agent-1', name: 'Ana Agent' } });

    bed.fake.transferToQueue(id);
    await settled();
    await bed.poll();
    await waitUntil(() => of('agent-left').length === 1, 'agent-left');
    expect(of('agent-left')[0]).toMatchObject({
      eventId: `genesys:${id}:left:${first.id}`,
      requeued: true,
      agent: { id: 'agent-1' },
    });

    bed.fake.join(id, { id: 'agent-2', name: 'Bo Agent' });
    await settled();
    await bed.poll();
    await waitUntil(() => of('agent-joined').length === 2, 'second agent-joined');
    expect(of('agent-joined')[1]).toMatchObject({ agent: { id: 'agent-2', name: 'Bo Agent' } });

    bed.fake.resolve(id, 'peer');
    await settled();
    await bed.poll();
    await waitUntil(() => of('handover-completed').length === 1, 'handover-completed');
    expect(of('handover-completed')[0]).toMatchObject({
      conversationId: id,
      eventId: `genesys:${id}:completed`,
      by: 'agent',
    });

    // Ended: no more polls, and a late user message is refused instead of opening a new conversation.
    expect(bed.connector.stats().polledHandovers).toBe(0);
    const before = gets();
    await bed.clock.advance(POLL_MS * 5);
    expect(gets()).toBe(before);
    const inbound = bed.fake.requestsOf('inbound').length;
    const late = await bed.connector
      .doSendMessage({ conversationId: id, messageId: 'late', user: { id: 'user-poll-1' }, text: 'still there?' })
      .catch((e: unknown) => e);
    expect(HandoverNotFoundError.isInstance(late)).toBe(true);
    expect(bed.fake.requestsOf('inbound')).toHaveLength(inbound);
  });

  it('maps the customer disconnectType to who ended it', () => {
    const conversation = (disconnectType: string) => ({
      id: 'c',
      participants: [
        { id: 'p', purpose: 'customer', state: 'disconnected', disconnectType, endTime: '2026-03-02T10:30:00.000Z' },
      ],
    });
    const by = (t: string) =>
      (diffSnapshot('c', conversation(t), { joined: new Map(), left: new Set(), ended: false }, 0)[0] as { by: string })
        .by;
    expect([by('peer'), by('client'), by('system'), by('endpoint'), by('inactivity'), by('session.expired')]).toEqual([
      'agent',
      'agent',
      'agent',
      'user',
      'timeout',
      'timeout',
    ]);
  });

  it('closing from the bot stops polling and reports no end of its own', async () => {
    bed = await startTestBed();
    const id = await start();
    await bed.connector.doCloseHandover({ conversationId: id, reason: 'bot-closed' });
    expect(bed.connector.stats().polledHandovers).toBe(0);
    await bed.clock.advance(POLL_MS * 3);
    expect(of('handover-completed')).toEqual([]);
  });

  it('drives the handover service end to end: active, agent text delivered, completed', async () => {
    const fake = await FakeGenesys.start({ webhookRetryDelayMs: 10 });
    const clock = createFakeClock(Date.now());
    const kit = await createHandoverKit({
      connectors: [genesysConnector()],
      clock,
      providers: [
        { id: 'gen', name: 'Genesys', type: 'genesys', settings: settingsFor(fake) as Record<string, unknown> },
      ],
    });
    const { connector } = await kit.registry.connector('gen');
    const receiver = await startWebhookReceiver(connector, (events) => void kit.service.ingest('gen', events));
    fake.webhook = { url: receiver.url, secret: WEBHOOK_SECRET };
    try {
      const session = { userId: 'u-svc', sessionId: 's-svc' };
      const started = await kit.service.startHandover({
        providerId: 'gen',
        session,
        behaviour: { sendActiveEvent: true },
      });
      expect(started.handover.status).toBe('queue');
      const conversationId = [...fake.store.conversations.keys()][0]!;
      fake.join(conversationId);
      await clock.advance(POLL_MS);
      await waitUntil(() => kit.delivery.events(session).length === 1, 'active event');
      await fake.say(conversationId, 'Hi, I am Ana');
      await waitUntil(() => kit.delivery.texts(session).includes('Hi, I am Ana'), 'agent text');
      await kit.service.sendUserMessage({ session, text: 'thanks', messageId: 'mu-1' });
      expect(fake.userTexts(conversationId).at(-1)).toBe('thanks');
      fake.resolve(conversationId);
      await waitUntil(() => clock.pending() > 0, 'poll re-armed');
      await clock.advance(POLL_MS);
      await waitUntil(() => kit.delivery.events(session).length === 2, 'completed event');
      expect(kit.delivery.events(session).map((e) => e.status)).toEqual(['active', 'completed']);
    } finally {
      await kit.close();
      await receiver.close();
      await fake.close();
    }
  });
});

describe('genesys participant polling: load and failures', () => {
  it('one GET per live handover per interval, only for handovers this instance started', async () => {
    bed = await startTestBed();
    await Promise.all(['a', 'b', 'c'].map((k) => start(k)));
    // A conversation somebody else created on the same integration is never polled.
    const foreign = bed.fake.store.inbound(bed.fake.options.integrationId, {
      channel: { time: new Date().toISOString(), from: { id: 'other', idType: 'Opaque' } },
      text: 'hi',
    });
    expect(gets()).toBe(0);
    await bed.poll();
    await settled();
    expect(gets()).toBe(3);
    await bed.poll();
    await settled();
    expect(gets()).toBe(6);
    expect(bed.fake.requestsOf('conversation').some((r) => r.path.endsWith(foreign.conversation.id))).toBe(false);
    expect(bed.connector.stats().polls).toBe(6);
  });

  it('backs off exponentially on errors and returns to the interval after a success', async () => {
    bed = await startTestBed();
    await start();
    bed.fake.failNext('conversation', { status: 503 }, 3);
    const at: number[] = [];
    const t0 = bed.clock.now();
    for (let step = 0; step < 17_000; step += 500) {
      await settled();
      const before = gets();
      await bed.clock.advance(500);
      if (gets() > before) at.push(bed.clock.now() - t0);
    }
    // 1 s, then +2 s, +4 s, +8 s (three 503s), then back to every second.
    expect(at).toEqual([1000, 3000, 7000, 15000, 16000, 17000]);
  });

  it('a 429 pauses polling for Retry-After', async () => {
    bed = await startTestBed();
    await start();
    bed.fake.failNext('conversation', { status: 429, retryAfterMs: 5000 });
    await bed.poll();
    await settled();
    expect(gets()).toBe(1);
    await bed.clock.advance(4999);
    expect(gets()).toBe(1);
    await bed.clock.advance(1);
    await waitUntil(() => gets() === 2, 'poll after the pause');
  });

  it(`a conversation that answers 404 ${NOT_FOUND_LIMIT} times in a row ends with handover-error and is dropped`, async () => {
    bed = await startTestBed();
    const id = await start();
    bed.fake.failNext('conversation', { status: 404 }, NOT_FOUND_LIMIT);
    for (let i = 0; i < 12 && of('handover-error').length === 0; i++) {
      await settled();
      await bed.clock.advance(POLL_MS * 4);
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(of('handover-error')).toEqual([
      expect.objectContaining({ conversationId: id, code: 'conversation-not-found', eventId: `genesys:${id}:gone` }),
    ]);
    expect(bed.connector.stats().polledHandovers).toBe(0);
  });

  it('a restarted instance picks a handover up again when the service asks about it; dispose stops every timer', async () => {
    bed = await startTestBed();
    const id = await start();
    const clock = createFakeClock(Date.now());
    const restarted: GenesysConnector = createGenesysConnector(
      settingsFor(bed.fake),
      testConnectorRuntime({ clock, logger: silentLogger, providerId: 'genesys-test' }),
    );
    expect(restarted.stats().polledHandovers).toBe(0);
    await restarted.doGetStatus({ conversationId: id });
    expect(restarted.stats().polledHandovers).toBe(1);
    expect(clock.pending()).toBe(1);
    await restarted.dispose();
    expect(clock.pending()).toBe(0);
  });
});
