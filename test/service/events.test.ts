import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { IllegalTransitionError, type HandoverEvent, type HandoverRecord } from 'handover-kit';
import { applyEvent } from '../../src/service/apply';
import { event, session, setup } from './helpers';

/** A conversation as a vendor reports it: queued, joined, six messages, resolved. */
function conversation(conversationId: string): HandoverEvent[] {
  const texts = ['one', 'two', 'three', 'four', 'five', 'six'];
  return [
    event(conversationId, 1, { type: 'agent-joined', agent: { id: 'anna', name: 'Anna' } }),
    ...texts.map((text, i) => event(conversationId, i + 2, { type: 'agent-message', text })),
    event(conversationId, 8, { type: 'handover-completed', by: 'agent' }),
  ];
}

describe('handover service: events', () => {
  it('a duplicated and shuffled stream reaches the user exactly once, in order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat(7), { minLength: 0, maxLength: 12 }), fc.integer(), async (dupes, seed) => {
        const { service, center, delivery, clock } = await setup();
        const out = await service.startHandover({ providerId: 'sim', session, behaviour: { sendActiveEvent: true } });
        const conversationId = center.listConversations()[0]!.id;
        const base = conversation(conversationId).map((e) => ({
          ...e,
          sequence: e.sequence! + 100,
          eventId: `x-${e.eventId}`,
        }));
        // the center already used sequences 1..n for queue updates: continue after the real ones
        const last = center.conversation(conversationId)!.seq;
        const stream = base.map((e, i) => ({ ...e, sequence: last + i + 1 }));
        const withDupes = [...stream, ...dupes.map((i) => stream[i]!)];
        const shuffled = fc.sample(
          fc.shuffledSubarray(withDupes, { minLength: withDupes.length, maxLength: withDupes.length }),
          { seed, numRuns: 1 },
        )[0]!;
        for (const e of shuffled) await service.ingest('sim', [e]);
        await clock.advance(10_000); // let a gap flush if any
        expect(delivery.texts(session)).toEqual(['one', 'two', 'three', 'four', 'five', 'six']);
        expect(delivery.events(session).map((e) => e.status)).toEqual(['active', 'completed']);
        expect((await service.getHandover({ session }))!.status).toBe('completed');
        expect(out.handover.id).toBeTruthy();
      }),
      { numRuns: 40 },
    );
  });

  it('a gap that never fills is skipped after the reorder window, losing nothing that arrived', async () => {
    const { service, center, delivery, clock } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    const id = center.listConversations()[0]!.id;
    const s = center.conversation(id)!.seq;
    await service.ingest('sim', [
      event(id, s + 3, { type: 'agent-message', text: 'third' }),
      event(id, s + 2, { type: 'agent-message', text: 'second' }),
    ]);
    expect(delivery.texts(session)).toEqual([]); // s+1 is missing: held back
    await clock.advance(5_000);
    expect(delivery.texts(session)).toEqual(['second', 'third']);
  });

  it('a steady stream behind a lost event does not hold messages back beyond the reorder window', async () => {
    const { service, center, delivery, clock } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    const id = center.listConversations()[0]!.id;
    const s = center.conversation(id)!.seq; // s + 1 never arrives
    for (let i = 2; i <= 8; i++) {
      await service.ingest('sim', [event(id, s + i, { type: 'agent-message', text: `m${i}` })]);
      await clock.advance(3_000);
    }
    expect(delivery.texts(session).slice(0, 2)).toEqual(['m2', 'm3']); // flushed 5 s after the first was held back
    expect(delivery.texts(session)).toEqual(['m2', 'm3', 'm4', 'm5', 'm6', 'm7', 'm8']);
  });

  it('events without a sequence are applied as they come, deduplicated by eventId', async () => {
    const { service, center, delivery } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    const id = center.listConversations()[0]!.id;
    const hello = event(id, undefined, { type: 'agent-message', text: 'hello' });
    const result = await service.ingest('sim', [
      hello,
      hello,
      event(id, undefined, { type: 'agent-message', text: 'again' }),
      hello,
    ]);
    expect(result).toMatchObject({ accepted: 2, duplicates: 2 });
    expect(delivery.texts(session)).toEqual(['hello', 'again']);
  });

  it('an event a terminal handover cannot take is rejected with a typed error, never applied', async () => {
    const record = {
      id: 'ho_1',
      version: 3,
      providerId: 'p',
      conversationId: 'x',
      session,
      status: 'completed',
      createdAt: 0,
      updatedAt: 0,
      behaviour: {},
    } as unknown as HandoverRecord;
    expect(() => applyEvent(record, event('x', undefined, { type: 'agent-message', text: 'late' }), 1)).toThrow(
      IllegalTransitionError,
    );
    expect(() => applyEvent(record, event('x', undefined, { type: 'handover-cancelled', by: 'user' }), 1)).toThrow(
      IllegalTransitionError,
    );
    expect(applyEvent(record, event('x', undefined, { type: 'handover-completed', by: 'agent' }), 1).ignored).toBe(
      true,
    );

    const { service, center, delivery } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    const id = center.listConversations()[0]!.id;
    await service.closeHandover({ session });
    const result = await service.ingest('sim', [event(id, undefined, { type: 'agent-message', text: 'too late' })]);
    expect(result.rejected).toBe(1);
    expect(delivery.texts(session)).toEqual([]);
    expect((await service.getHandover({ session }))!.status).toBe('completed');
  });

  it('events that arrive before the start call returns are kept and applied', async () => {
    const { service, center, delivery } = await setup();
    // the center will be asked to start conv-1: its webhook "beats" the answer
    await service.ingest('sim', [event('conv-1', undefined, { type: 'agent-message', text: 'early bird' })]);
    await service.startHandover({ providerId: 'sim', session });
    expect(center.listConversations()[0]!.id).toBe('conv-1');
    expect(delivery.texts(session)).toEqual(['early bird']);
  });

  it('an event is marked seen only in the write that applies it: a failed write leaves it to a redelivery', async () => {
    const { service, center, delivery, kit } = await setup();
    await service.startHandover({ providerId: 'sim', session });
    const id = center.listConversations()[0]!.id;
    const lost = event(id, undefined, { type: 'agent-message', text: 'almost lost' });
    const store = kit.registry.store;
    const write = store.writeHandover!.bind(store);
    store.writeHandover = async () => {
      throw new Error('connection lost'); // the instance died in the middle of the write
    };
    await expect(service.ingest('sim', [lost])).rejects.toThrow('connection lost');
    store.writeHandover = write;
    expect(await store.isSeen!(`evt:sim:${lost.eventId}`)).toBe(false);
    expect(await service.ingest('sim', [lost])).toMatchObject({ accepted: 1 });
    expect(await service.ingest('sim', [lost])).toMatchObject({ duplicates: 1 });
    expect(delivery.texts(session)).toEqual(['almost lost']);
  });

  it('malformed connector events are dropped and counted', async () => {
    const { service } = await setup();
    const result = await service.ingest('sim', [{ type: 'agent-message' }, { nonsense: true }, null]);
    expect(result).toEqual({ accepted: 0, duplicates: 0, orphaned: 0, rejected: 3 });
  });

  it('a transfer puts the handover back in the queue', async () => {
    const { service, center, delivery } = await setup({
      queues: [{ id: 'a' }, { id: 'b' }],
      agents: [{ id: 'anna', name: 'Anna' }],
    });
    await service.startHandover({
      providerId: 'sim',
      session,
      behaviour: { sendQueueEvent: true, sendActiveEvent: true },
    });
    const conv = center.accept('anna');
    center.transfer('anna', conv.id, 'b');
    await service.idle();
    expect((await service.getHandover({ session }))!.status).toBe('queue');
    expect(delivery.events(session).map((e) => [e.status, e.data?.requeued])).toEqual([
      ['active', undefined],
      ['queue', true],
    ]);
  });
});

describe('handover service: connectors that push events', () => {
  it('keeps listening across a provider update and to connectors created before the service', async () => {
    const { HandoverService, MemoryDelivery, ProviderRegistry } = await import('handover-kit');
    const { createFakeClock } = await import('handover-kit/testing');
    const { SimulatedCenters, simulatedConnector } = await import('handover-kit/connectors/simulated');
    const clock = createFakeClock();
    const centers = new SimulatedCenters();
    const center = centers.get('default', { agents: [{ id: 'anna', name: 'Anna' }] }, clock);
    const registry = new ProviderRegistry({ connectors: [simulatedConnector({ centers })], clock });
    await registry.create({ id: 'sim', name: 'Sim', type: 'simulated' });
    await registry.capabilitiesOf('sim'); // the connector exists before the service does
    const delivery = new MemoryDelivery();
    const service = new HandoverService({ registry, delivery, clock });
    await service.startHandover({ providerId: 'sim', session });
    const conv = center.accept('anna');
    center.say('anna', conv.id, 'first');
    await service.idle();
    await registry.update('sim', { name: 'Renamed' });
    center.say('anna', conv.id, 'after a rename');
    await service.idle();
    await registry.update('sim', { settings: { queue: 'support' } });
    center.say('anna', conv.id, 'after new settings');
    await service.idle();
    expect(delivery.texts(session)).toEqual(['first', 'after a rename', 'after new settings']);
    await service.close();
  });
});
