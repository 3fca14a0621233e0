import { describe, expect, it } from 'vitest';
import { MemoryStore, type HandoverRecord } from 'handover-kit';

const record = (
  id: string,
  sessionId: string,
  conversationId: string,
  status: HandoverRecord['status'] = 'queue',
): HandoverRecord => ({
  id,
  version: 1,
  providerId: 'p',
  conversationId,
  session: { userId: 'u', sessionId },
  status,
  createdAt: 0,
  updatedAt: 0,
  behaviour: {} as never,
});

describe('memory store', () => {
  it('inserts one live handover per session, atomically', async () => {
    const store = new MemoryStore();
    expect(await store.insertHandover(record('a', 's', 'x'))).toBeUndefined();
    expect((await store.insertHandover(record('b', 's', 'y')))?.id).toBe('a');
    await store.updateHandover({ ...record('a', 's', 'x', 'completed'), version: 2 });
    expect(await store.insertHandover(record('b', 's', 'y'))).toBeUndefined();
  });

  it('compare-and-sets on version', async () => {
    const store = new MemoryStore();
    await store.insertHandover(record('a', 's', 'x'));
    expect(await store.updateHandover({ ...record('a', 's', 'x'), version: 2 })).toBe(true);
    expect(await store.updateHandover({ ...record('a', 's', 'x'), version: 2 })).toBe(false); // stale writer
  });

  it('evicting an old ended handover keeps a newer one that reuses its vendor id', async () => {
    const store = new MemoryStore({ maxEndedHandovers: 1 });
    await store.insertHandover(record('old', 's1', 'conv-1'));
    await store.updateHandover({ ...record('old', 's1', 'conv-1', 'completed'), version: 2 });
    await store.insertHandover(record('new', 's2', 'conv-1')); // the vendor reused conv-1 for the next handover
    await store.insertHandover(record('other', 's3', 'conv-2'));
    await store.updateHandover({ ...record('other', 's3', 'conv-2', 'completed'), version: 2 }); // evicts "old"
    expect(await store.getHandover('old')).toBeUndefined();
    expect((await store.findHandoverByConversationId('p', 'conv-1'))?.id).toBe('new');
  });

  it('remembers dedupe keys for their time to live', async () => {
    let now = 0;
    const store = new MemoryStore({ clock: { now: () => now, setTimeout: () => 0, clearTimeout: () => {} } });
    expect(await store.markSeen('k', 1000)).toBe(true);
    expect(await store.markSeen('k', 1000)).toBe(false);
    now = 1001;
    expect(await store.markSeen('k', 1000)).toBe(true);
  });
});
