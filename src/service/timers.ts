import { isTerminalStatus, toHandoverError } from '../contract';
import type { DeliveryItem } from '../delivery';
import type { TimerJob } from '../scheduler';
import { address } from './apply';
import { queueIntervalMs, type ServiceContext } from './context';
import type { EventProcessor } from './events';
import { DEFAULT_POSITION_TEXT, DEFAULT_WAIT_TIME_TEXT, queueTokens, renderTemplate } from './templates';
import type { HandoverRecord } from '../model';
import { assertNever } from '../util/never';

export interface TimerHooks {
  /** Ends a handover from the service side (auto-close), delivering the end to the flow. */
  autoClose(record: HandoverRecord, reason: 'inactivity' | 'timeout'): Promise<void>;
  /** Nobody accepted in time: fallbacks, else the end with a timeout outcome. */
  assignmentExpired(record: HandoverRecord): Promise<void>;
}

/** Runs due timers: queue notifications, inactivity, idle close, reorder flush. */
export async function runTimer(
  ctx: ServiceContext,
  events: EventProcessor,
  hooks: TimerHooks,
  job: TimerJob,
): Promise<void> {
  await ctx.queue.run(job.handoverId, async () => {
    const record = await ctx.store.getHandover(job.handoverId);
    if (!record || isTerminalStatus(record.status)) return;
    switch (job.kind) {
      case 'reorder':
        return events.flushPending(record.id);
      case 'inactivity':
        return inactivityExpired(ctx, hooks, record, job);
      case 'assignment':
        if (record.status === 'queue' && record.assignmentDueAt === job.dueAt) await hooks.assignmentExpired(record);
        return;
      case 'idle':
        if (record.idleDueAt === job.dueAt) await hooks.autoClose(record, 'timeout');
        return;
      case 'queue-position':
      case 'queue-wait':
        return queueUpdate(ctx, record, job);
      default:
        return assertNever(job.kind, 'timer kind');
    }
  });
}

async function inactivityExpired(ctx: ServiceContext, hooks: TimerHooks, record: HandoverRecord, job: TimerJob) {
  const inactivity = record.inactivity;
  if (!inactivity || inactivity.dueAt !== job.dueAt) return; // re-armed or reset since
  const count = inactivity.count + 1;
  const closing = inactivity.autoCloseAfter !== undefined && count >= inactivity.autoCloseAfter;
  const now = ctx.clock.now();
  // Cognigy's timer expires once per arming (the flow re-arms it). The kit's auto-close option
  // keeps it running until the N-th expiry closes the handover.
  const dueAt = inactivity.autoCloseAfter !== undefined && !closing ? now + inactivity.timeoutMs : undefined;
  const item = (r: HandoverRecord): DeliveryItem => ({
    type: 'event',
    id: `${record.id}:inactivity:${job.dueAt}`,
    ...address(r),
    handover: {
      status: r.status,
      eventType: 'handoverInactivity',
      inactivityCount: count,
      handoverId: r.id,
      providerId: r.providerId,
    },
  });
  // The new timer state and the flow's event are one write: a crash fires it again or not at all.
  const committed = await ctx.commit(
    record.id,
    (r) => (r.inactivity?.dueAt === job.dueAt ? { ...r, inactivity: { ...inactivity, count, dueAt } } : undefined),
    (r) => [item(r)],
  );
  if (!committed) return;
  if (closing) await hooks.autoClose(committed.after, 'inactivity');
}

async function queueUpdate(ctx: ServiceContext, record: HandoverRecord, job: TimerJob) {
  const updates = record.behaviour.queueUpdates;
  const isPosition = job.kind === 'queue-position';
  const wanted = isPosition ? updates?.position : updates?.waitTime;
  if (record.status !== 'queue' || !updates || !wanted || !record.conversationId) return;
  const interval = wanted.intervalSec;

  let position = record.queuePosition;
  let waitMs = record.estimatedWaitMs;
  try {
    const connector = await ctx.connector(record.providerId);
    const status = await ctx.call('getStatus', record.providerId, (signal) =>
      connector.doGetStatus({ conversationId: record.conversationId! }, { signal }),
    );
    position = status.queuePosition ?? position;
    waitMs = status.estimatedWaitMs ?? waitMs;
  } catch (error) {
    ctx.logger.warn('queue status refresh failed; using the last known figures', {
      handoverId: record.id,
      error: toHandoverError(error).toJSON(),
    });
  }

  const now = ctx.clock.now();
  const figure = isPosition ? position : waitMs;
  const alt = updates.alternative;
  const overThreshold =
    alt !== undefined &&
    ((alt.maxPosition !== undefined && position !== undefined && position > alt.maxPosition) ||
      (alt.maxWaitMs !== undefined && waitMs !== undefined && waitMs > alt.maxWaitMs));
  const id = `${record.id}:${job.kind}:${job.dueAt}`;
  const alternativeText = overThreshold ? alt!.text : undefined;

  // Cognigy's way (default): the update re-enters the flow, which formats it (Lookup `queue` → Say).
  // With the kit's `asText` option the text goes straight to the user instead.
  let item: DeliveryItem;
  if (updates.asText) {
    const template =
      overThreshold && alternativeText
        ? alternativeText
        : isPosition
          ? (updates.positionText ?? DEFAULT_POSITION_TEXT)
          : (updates.waitTimeText ?? DEFAULT_WAIT_TIME_TEXT);
    item = {
      type: 'message',
      id,
      ...address(record),
      source: 'system',
      text: renderTemplate(template, queueTokens(position, waitMs)),
    };
  } else {
    item = {
      type: 'event',
      id,
      ...address(record),
      handover: {
        status: 'queue',
        eventType: 'queueUpdate',
        data: {
          ...(position !== undefined ? { position } : {}),
          ...(waitMs !== undefined ? { estimatedWaitTime: waitMs } : {}),
          ...(overThreshold ? { alternativeText: alternativeText ?? '' } : {}),
        },
        handoverId: record.id,
        providerId: record.providerId,
      },
    };
  }
  const committed = await ctx.commit(
    record.id,
    (r) => (r.status === 'queue' ? { ...r, queuePosition: position, estimatedWaitMs: waitMs } : undefined),
    // Nothing to report when the contact center gave no figure this round.
    () => (figure === undefined ? [] : [item]),
  );
  if (committed)
    await ctx.scheduler.schedule({ kind: job.kind, handoverId: record.id, dueAt: now + queueIntervalMs(interval) });
}
