import { describe, expect, it } from 'vitest';
import { createHandoverKit, MemoryStore, type HandoverRecord } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';
import { event, session } from './helpers';

/**
 * The event path reads a handover once (the lookup by conversation) and writes from that copy. Another
 * writer may get in between (here, or another gateway instance): the decisions must be taken on the
 * version actually written against, not on the copy read.
 */
class StaleLookupStore extends MemoryStore {
  stale?: HandoverRecord;
  override async findHandoverByConversationId(providerId: string, conversationId: string) {
    return this.stale ? { ...this.stale } : super.findHandoverByConversationId(providerId, conversationId);
  }
}

async function setup() {
  const clock = createFakeClock();
  const store = new StaleLookupStore({ clock });
  const centers = new SimulatedCenters();
  const center = centers.get('default', { agents: [{ id: 'anna', name: 'Anna', capacity: 5 }] }, clock);
  const kit = await createHandoverKit({
    connectors: [simulatedConnector({ centers })],
    clock,
    store,
    providers: [{ id: 'sim', name: 'Sim', type: 'simulated' }],
  });
  clock.settle = () => kit.service.idle();
  const { handover } = await kit.service.startHandover({ providerId: 'sim', session });
  const conversationId = center.listConversations()[0]!.id;
  return { store, kit, handover, conversationId, seq: center.conversation(conversationId)!.seq };
}

describe('handover service: events against an older copy of the handover', () => {
  it('an event that looked ahead of a gap on the old copy is applied at once when the stored version shows it is next', async () => {
    const { store, kit, handover, conversationId: id, seq } = await setup();
    const before = (await store.getHandover(handover.id))!;
    await kit.service.ingest('sim', [event(id, seq + 1, { type: 'agent-message', text: 'first' })]);
    store.stale = before; // the lookup still sees the version before `first`
    const result = await kit.service.ingest('sim', [event(id, seq + 2, { type: 'agent-message', text: 'second' })]);
    expect(result.accepted).toBe(1);
    // Not held back for the reorder window: no clock advance needed.
    expect(kit.delivery.texts(session)).toEqual(['first', 'second']);
    expect((await store.getHandover(handover.id))!.pending).toBeUndefined();
  });

  it('an event for a conversation the handover has left is rejected, even when the copy read still names it', async () => {
    const { store, kit, handover, conversationId: id, seq } = await setup();
    const before = (await store.getHandover(handover.id))!;
    // Meanwhile the handover moved on to another conversation (as a fallback does).
    expect(await store.updateHandover({ ...before, version: before.version + 1, conversationId: 'other' })).toBe(true);
    store.stale = before;
    const result = await kit.service.ingest('sim', [event(id, seq + 1, { type: 'agent-message', text: 'late' })]);
    expect(result).toMatchObject({ accepted: 0, rejected: 1 });
    expect(kit.delivery.texts(session)).toEqual([]);
  });
});
