import type { Scheduler } from '../scheduler';
import type { HandoverStore } from '../store/types';
import { queueIntervalMs } from '../service/context';

/**
 * Closes the gap between writing a handover and arming its timer: at start, every live handover
 * whose record says a timer is due but which has none armed gets it back (a past due time fires at
 * once; handlers check the record, so a timer that was in fact handled does nothing). Runs for every
 * scheduler: a persistent one keeps its jobs, an in-memory one over a persistent store has none.
 */
export async function restoreTimers(store: HandoverStore, scheduler: Scheduler, now: number): Promise<number> {
  let restored = 0;
  const ensure = async (...args: Parameters<Scheduler['ensure']>) => {
    if (await scheduler.ensure(...args)) restored++;
  };
  for await (const record of store.listLiveHandovers()) {
    if (record.inactivity?.dueAt !== undefined)
      await ensure({ kind: 'inactivity', handoverId: record.id, dueAt: record.inactivity.dueAt });
    if (record.idleDueAt !== undefined) await ensure({ kind: 'idle', handoverId: record.id, dueAt: record.idleDueAt });
    if (record.status === 'queue' && record.assignmentDueAt !== undefined)
      await ensure({ kind: 'assignment', handoverId: record.id, dueAt: record.assignmentDueAt });
    if (record.pending?.length) await ensure({ kind: 'reorder', handoverId: record.id, dueAt: now });
    const updates = record.behaviour.queueUpdates;
    if (record.status === 'queue' && record.conversationId && updates) {
      if (updates.position)
        await ensure({
          kind: 'queue-position',
          handoverId: record.id,
          dueAt: now + queueIntervalMs(updates.position.intervalSec),
        });
      if (updates.waitTime)
        await ensure({
          kind: 'queue-wait',
          handoverId: record.id,
          dueAt: now + queueIntervalMs(updates.waitTime.intervalSec),
        });
    }
  }
  return restored;
}
