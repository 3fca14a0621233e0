import {
  HandoverTimeoutError,
  IllegalTransitionError,
  canTransition,
  isLiveStatus,
  isTerminalStatus,
  toHandoverError,
  type Clock,
  type HandoverConnectorV1,
  type Logger,
} from '../contract';
import type { Delivery, DeliveryItem } from '../delivery';
import type { ProviderRegistry } from '../registry';
import type { Scheduler } from '../scheduler';
import type { HandoverStore, WriteResult } from '../store/types';
import { KeyedQueue } from '../util/keyed-queue';
import type { HandoverBehaviour, HandoverRecord, HandoverView } from '../model';
import { kitSettingsOf } from '../registry';

/** The parts of the service its modules (start, events, timers) share. */
export class ServiceContext {
  readonly queue = new KeyedQueue();
  /** The wait for an agent when neither the node nor the provider sets one (0: for ever). */
  defaultAssignmentTimeoutMs = 600_000;

  constructor(
    readonly registry: ProviderRegistry,
    readonly store: HandoverStore,
    readonly delivery: Delivery,
    readonly scheduler: Scheduler,
    readonly clock: Clock,
    readonly logger: Logger,
    readonly callTimeoutMs: number,
  ) {}

  /**
   * Writes the next version of a handover. `build` gets the freshest record and returns the next
   * one (or undefined to write nothing); on a concurrent write it runs again on the newer record.
   * `deliveries` (of the record built) are stored with it, see `commitWith`.
   */
  async commit(
    id: string,
    build: (current: HandoverRecord) => HandoverRecord | undefined,
    deliveries?: (next: HandoverRecord) => DeliveryItem[],
  ): Promise<{ before: HandoverRecord; after: HandoverRecord } | undefined> {
    const result = await this.commitWith(id, (current) => {
      const record = build(current);
      return record ? { record, ...(deliveries ? { deliveries: deliveries(record) } : {}) } : undefined;
    });
    return result === 'seen' ? undefined : result;
  }

  /**
   * `commit` with what the change delivers and, optionally, a dedupe mark: the mark, the new
   * version and the deliveries are stored in one atomic step where the store can (Redis with the
   * outbox attached), so a crash leaves either all of them or none. `seen` when the mark was set.
   * `first`: a copy of the record the caller has just read, used for the first attempt instead of a
   * second read; the write is a compare-and-set on its version, so a stale one costs only a retry.
   */
  async commitWith(
    id: string,
    build: (current: HandoverRecord) => { record: HandoverRecord; deliveries?: DeliveryItem[] } | undefined,
    seen?: { key: string; ttlMs: number },
    first?: HandoverRecord,
  ): Promise<{ before: HandoverRecord; after: HandoverRecord; deliveries: DeliveryItem[] } | 'seen' | undefined> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const current = attempt === 0 && first ? first : await this.store.getHandover(id);
      if (!current) return undefined;
      const built = build(current);
      if (!built) return undefined;
      const next = built.record;
      const deliveries = built.deliveries ?? [];
      // The status machine guards every write, whatever the caller: terminal stays terminal.
      if (!canTransition(current.status, next.status))
        throw new IllegalTransitionError(current.status, next.status, id);
      const written: HandoverRecord = {
        ...next,
        id: current.id,
        version: current.version + 1,
        updatedAt: this.clock.now(),
      };
      const result = await this.write(written, deliveries, seen);
      if (result === 'seen') return 'seen';
      if (result === 'written') {
        await this.syncTimers(current, written);
        if (!this.store.outboxAttached) await this.deliverAll(deliveries);
        return { before: current, after: written, deliveries };
      }
    }
    throw new HandoverTimeoutError('Too many concurrent updates to one handover', { handoverId: id });
  }

  private async write(
    record: HandoverRecord,
    outbox: DeliveryItem[],
    seen: { key: string; ttlMs: number } | undefined,
  ): Promise<WriteResult> {
    if (this.store.writeHandover) return this.store.writeHandover(record, { outbox, ...(seen ? { seen } : {}) });
    // A custom store without atomic writes: mark first, so a redelivery racing us is refused.
    if (seen && !(await this.store.markSeen(seen.key, seen.ttlMs))) return 'seen';
    if (await this.store.updateHandover(record)) return 'written';
    if (seen) await this.store.forgetSeen(seen.key);
    return 'conflict';
  }

  /** Hands items to the delivery in order; a failure is logged, not thrown (the outbox owns retries). */
  async deliverAll(items: DeliveryItem[]): Promise<void> {
    for (const item of items) {
      try {
        await this.delivery.deliver(item);
      } catch (error) {
        this.logger.error('delivery failed', {
          handoverId: item.handoverId,
          itemId: item.id,
          type: item.type,
          error: toHandoverError(error).toJSON(),
        });
      }
    }
  }

  /** Runs a connector call with the service's deadline. */
  async call<T>(operation: string, providerId: string, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort();
        reject(
          new HandoverTimeoutError(`${operation} timed out after ${this.callTimeoutMs} ms`, { providerId, operation }),
        );
      }, this.callTimeoutMs); // ref'd: the caller awaits this call (cleared below)
    });
    try {
      return await Promise.race([fn(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The node's assignment timeout, else the provider's, else the service's; undefined: wait for ever. */
  async assignmentTimeoutMs(behaviour: HandoverBehaviour, providerId: string): Promise<number | undefined> {
    let sec = behaviour.assignmentTimeoutSec;
    if (sec === undefined) {
      const provider = await this.store.getProvider(providerId);
      sec = provider ? kitSettingsOf(provider).assignmentTimeoutSec : undefined;
    }
    const ms = sec === undefined ? this.defaultAssignmentTimeoutMs : sec * 1000;
    return ms > 0 ? ms : undefined;
  }

  async connector(providerId: string): Promise<HandoverConnectorV1> {
    return (await this.registry.connector(providerId)).connector;
  }

  /** Keeps scheduled jobs in line with what the record says (queue updates, inactivity, idle). */
  private async syncTimers(before: HandoverRecord, after: HandoverRecord): Promise<void> {
    const s = this.scheduler;
    if (isTerminalStatus(after.status)) {
      if (isLiveStatus(before.status)) {
        await Promise.all([
          s.cancel('queue-position', after.id),
          s.cancel('queue-wait', after.id),
          s.cancel('inactivity', after.id),
          s.cancel('idle', after.id),
          s.cancel('reorder', after.id),
          s.cancel('assignment', after.id),
        ]);
      }
      return;
    }
    const queued = after.status === 'queue' && after.conversationId !== undefined;
    const wasQueued = before.status === 'queue' && before.conversationId !== undefined;
    const updates = after.behaviour.queueUpdates;
    if (queued && !wasQueued && updates) {
      const now = this.clock.now();
      if (updates.position)
        await s.schedule({
          kind: 'queue-position',
          handoverId: after.id,
          dueAt: now + queueIntervalMs(updates.position.intervalSec),
        });
      if (updates.waitTime)
        await s.schedule({
          kind: 'queue-wait',
          handoverId: after.id,
          dueAt: now + queueIntervalMs(updates.waitTime.intervalSec),
        });
    } else if (!queued && wasQueued && updates) {
      await Promise.all([s.cancel('queue-position', after.id), s.cancel('queue-wait', after.id)]);
    }
    if (
      after.status === 'queue' &&
      after.assignmentDueAt !== undefined &&
      after.assignmentDueAt !== before.assignmentDueAt
    ) {
      await s.schedule({ kind: 'assignment', handoverId: after.id, dueAt: after.assignmentDueAt });
    } else if (before.status === 'queue' && before.assignmentDueAt !== undefined && after.status !== 'queue') {
      await s.cancel('assignment', after.id); // an agent took it
    }
    const due = after.inactivity?.dueAt;
    if (due !== undefined && due !== before.inactivity?.dueAt)
      await s.schedule({ kind: 'inactivity', handoverId: after.id, dueAt: due });
    else if (due === undefined && before.inactivity?.dueAt !== undefined) await s.cancel('inactivity', after.id);
    if (after.idleDueAt !== undefined && after.idleDueAt !== before.idleDueAt) {
      await s.schedule({ kind: 'idle', handoverId: after.id, dueAt: after.idleDueAt });
    }
  }
}

/** Cognigy gives the update interval no default and no minimum: unset polls every 30 s, and never faster than 1 s. */
export function queueIntervalMs(intervalSec: number | undefined): number {
  return Math.max(1, intervalSec ?? 30) * 1000;
}

export function toView(record: HandoverRecord): HandoverView {
  const view: HandoverView = {
    id: record.id,
    providerId: record.providerId,
    status: record.status,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    inactivityCount: record.inactivity?.count ?? 0,
    attempts: record.attempts ?? [],
  };
  if (record.queuePosition !== undefined) view.queuePosition = record.queuePosition;
  if (record.estimatedWaitMs !== undefined) view.estimatedWaitMs = record.estimatedWaitMs;
  if (record.agent) view.agent = record.agent;
  if (record.error) view.error = record.error;
  return view;
}
