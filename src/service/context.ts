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
import type { HandoverStore } from '../store/types';
import { KeyedQueue } from '../util/keyed-queue';
import type { HandoverRecord, HandoverView } from '../model';

/** The parts of the service its modules (start, events, timers) share. */
export class ServiceContext {
  readonly queue = new KeyedQueue();

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
   * `latest`, a copy the caller has just read, saves the first read (a Redis round trip): the write is
   * a compare-and-set on the version, so a stale copy only costs a retry on the fresh record.
   */
  async commit(
    id: string,
    build: (current: HandoverRecord) => HandoverRecord | undefined,
    latest?: HandoverRecord,
  ): Promise<{ before: HandoverRecord; after: HandoverRecord } | undefined> {
    for (let attempt = 0; attempt < 8; attempt++) {
      const hinted = attempt === 0 && latest?.id === id;
      const current = hinted ? latest : await this.store.getHandover(id);
      if (!current) return undefined;
      const next = build(current);
      if (!next) return undefined;
      // The status machine guards every write, whatever the caller: terminal stays terminal.
      if (!canTransition(current.status, next.status)) {
        if (hinted) continue; // judge on the stored record, not on the caller's copy
        throw new IllegalTransitionError(current.status, next.status, id);
      }
      const written: HandoverRecord = { ...next, id: current.id, version: current.version + 1, updatedAt: this.clock.now() };
      if (await this.store.updateHandover(written)) {
        await this.syncTimers(current, written);
        return { before: current, after: written };
      }
    }
    throw new HandoverTimeoutError('Too many concurrent updates to one handover', { handoverId: id });
  }

  /** Hands items to the delivery in order; a failure is logged, not thrown (the outbox owns retries). */
  async deliverAll(items: DeliveryItem[]): Promise<void> {
    for (const item of items) {
      try {
        await this.delivery.deliver(item);
      } catch (error) {
        this.logger.error('delivery failed', { handoverId: item.handoverId, itemId: item.id, type: item.type, error: toHandoverError(error).toJSON() });
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
        reject(new HandoverTimeoutError(`${operation} timed out after ${this.callTimeoutMs} ms`, { providerId, operation }));
      }, this.callTimeoutMs);
      timer.unref?.();
    });
    try {
      return await Promise.race([fn(controller.signal), deadline]);
    } finally {
      clearTimeout(timer);
    }
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
        ]);
      }
      return;
    }
    const queued = after.status === 'queue' && after.conversationId !== undefined;
    const wasQueued = before.status === 'queue' && before.conversationId !== undefined;
    const updates = after.behaviour.queueUpdates;
    if (queued && !wasQueued && updates) {
      const now = this.clock.now();
      if (updates.position) await s.schedule({ kind: 'queue-position', handoverId: after.id, dueAt: now + queueIntervalMs(updates.position.intervalSec) });
      if (updates.waitTime) await s.schedule({ kind: 'queue-wait', handoverId: after.id, dueAt: now + queueIntervalMs(updates.waitTime.intervalSec) });
    } else if (!queued && wasQueued && updates) {
      await Promise.all([s.cancel('queue-position', after.id), s.cancel('queue-wait', after.id)]);
    }
    const due = after.inactivity?.dueAt;
    if (due !== undefined && due !== before.inactivity?.dueAt) await s.schedule({ kind: 'inactivity', handoverId: after.id, dueAt: due });
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
