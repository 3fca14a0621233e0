import { describe, expect, it } from 'vitest';
import { MemoryDelivery, MemoryScheduler, MemoryStore, silentLogger } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { ServiceContext } from '../../src/service/context';
import type { HandoverRecord } from '../../src/model';
import { session, setup } from './helpers';

/** commit() may start from the caller's copy of the record; a stale copy must never win. */
describe('ServiceContext.commit with the record the caller just read', () => {
  async function storedRecord() {
    const { service } = await setup();
    const { handover } = await service.startHandover({ providerId: 'sim', session });
    const record: HandoverRecord = (await service.store.getHandover(handover.id))!;
    return { record };
  }

  function context(store: MemoryStore) {
    const clock = createFakeClock();
    return new ServiceContext(
      {} as never,
      store,
      new MemoryDelivery(),
      new MemoryScheduler(clock),
      clock,
      silentLogger,
      1000,
    );
  }

  it('writes on the fresh record when the copy is stale, and the build sees the fresh one', async () => {
    const { record } = await storedRecord();
    const store = new MemoryStore();
    await store.insertHandover(record);
    const ctx = context(store);
    const stale = (await store.getHandover(record.id))!;
    await ctx.commit(record.id, (r) => ({ ...r, estimatedWaitMs: 7 })); // someone else writes first
    const seen: number[] = [];
    const out = await ctx.commit(
      record.id,
      (r) => (seen.push(r.estimatedWaitMs ?? -1), { ...r, queuePosition: 3 }),
      stale,
    );
    expect(seen).toEqual([stale.estimatedWaitMs ?? -1, 7]); // tried on the copy, then again on the stored record
    const now = (await store.getHandover(record.id))!;
    expect(now).toMatchObject({ estimatedWaitMs: 7, queuePosition: 3, version: record.version + 2 });
    expect(out?.before.estimatedWaitMs).toBe(7);
  });

  it('judges the status machine on the stored record, not on a stale copy', async () => {
    const { record } = await storedRecord();
    const store = new MemoryStore();
    await store.insertHandover({ ...record, status: 'queue' });
    const ctx = context(store);
    const stale = { ...(await store.getHandover(record.id))!, status: 'completed' as const };
    const out = await ctx.commit(record.id, (r) => ({ ...r, status: 'active' }), stale);
    expect(out?.after.status).toBe('active');
    expect((await store.getHandover(record.id))!.status).toBe('active');
  });
});
