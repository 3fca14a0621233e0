import { type HandoverError, IllegalTransitionError, handoverEventSchema, type HandoverEvent } from '../contract';
import { applyEvent, compareEvents } from './apply';
import type { ServiceContext } from './context';
import type { HandoverRecord } from '../model';

export interface IngestResult {
  /** Applied (or buffered to be applied in order). */
  accepted: number;
  duplicates: number;
  /** For a handover not known yet (the webhook beat the start call); kept briefly and replayed. */
  orphaned: number;
  /** Malformed, or illegal for the handover's status: logged and dropped. */
  rejected: number;
}

interface Orphans {
  events: HandoverEvent[];
  expiresAt: number;
}

const ORPHAN_TTL_MS = 60_000;
const MAX_ORPHAN_KEYS = 10_000;
const MAX_PENDING = 500;
/** Events waiting for their handover, in all (a vendor may send webhooks for conversations the bot never handed over). */
const MAX_PARKED_EVENTS = 20_000;

/**
 * Consumes connector events: dedupe by eventId, per-handover order (by `sequence` where the
 * connector has one, buffering ahead-of-gap events), the status machine, then delivery.
 */
export class EventProcessor {
  private readonly orphans = new Map<string, Orphans>();
  private parkedEvents = 0;

  constructor(
    private readonly ctx: ServiceContext,
    private readonly dedupeTtlMs: number,
    private readonly reorderGapMs: number,
  ) {}

  async ingest(providerId: string, events: readonly unknown[]): Promise<IngestResult> {
    const result: IngestResult = { accepted: 0, duplicates: 0, orphaned: 0, rejected: 0 };
    const valid: HandoverEvent[] = [];
    for (const raw of events) {
      const parsed = handoverEventSchema.safeParse(raw);
      if (parsed.success) valid.push(parsed.data);
      else {
        result.rejected++;
        this.ctx.logger.warn('malformed connector event dropped', { providerId, issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`) });
      }
    }
    valid.sort(compareEvents);
    for (const event of valid) {
      const outcome = await this.ingestOne(providerId, event);
      result[outcome]++;
    }
    return result;
  }

  /** Replays events that arrived before the handover they belong to was stored. */
  async drainOrphans(providerId: string, conversationId: string): Promise<void> {
    const key = orphanKey(providerId, conversationId);
    const parked = this.orphans.get(key);
    if (!parked) return;
    this.orphans.delete(key);
    this.parkedEvents -= parked.events.length;
    if (parked.expiresAt < this.ctx.clock.now()) return;
    await this.ingest(providerId, parked.events);
  }

  /** Applies buffered events in order, skipping a gap that never filled. */
  async flushPending(handoverId: string): Promise<void> {
    const current = await this.ctx.store.getHandover(handoverId);
    if (!current?.pending?.length) return;
    const pending = [...current.pending].sort(compareEvents);
    await this.ctx.commit(handoverId, (r) => ({ ...r, pending: undefined }));
    for (const event of pending) await this.applyInOrder(handoverId, event, true);
  }

  private async ingestOne(providerId: string, event: HandoverEvent): Promise<keyof IngestResult> {
    const record = await this.ctx.store.findHandoverByConversationId(providerId, event.conversationId);
    if (!record) {
      this.park(providerId, event);
      return 'orphaned';
    }
    const seenKey = `evt:${providerId}:${event.eventId}`;
    // Seen before: a redelivery, unless the first copy was never applied (a crash between the two).
    // The handover record knows its recently applied event ids, written with the state they changed.
    const firstTime = await this.ctx.store.markSeen(seenKey, this.dedupeTtlMs);
    if (!firstTime && !canStillBeUnapplied(record, event)) return 'duplicates';
    try {
      return await this.ctx.queue.run(record.id, () => this.applyInOrder(record.id, event, false));
    } catch (error) {
      await this.ctx.store.forgetSeen(seenKey); // not applied: let a redelivery try again
      throw error;
    }
  }

  private async applyInOrder(handoverId: string, event: HandoverEvent, flushing: boolean): Promise<keyof IngestResult> {
    const record = await this.ctx.store.getHandover(handoverId);
    if (!record) return 'rejected';
    if (record.recentEventIds?.includes(event.eventId)) return 'duplicates';
    if (event.sequence !== undefined && !flushing) {
      const last = record.lastSequence ?? 0;
      if (event.sequence <= last) return 'duplicates';
      if (event.sequence > last + 1) return this.buffer(record, event);
    }
    const outcome = await this.apply(record.id, event, record);
    if (event.sequence !== undefined && !flushing) await this.drainContiguous(record.id);
    return outcome;
  }

  private async apply(handoverId: string, event: HandoverEvent, latest?: HandoverRecord): Promise<keyof IngestResult> {
    let deliveries: ReturnType<typeof applyEvent>['deliveries'] = [];
    let rejected = false;
    await this.ctx.commit(handoverId, (current) => {
      rejected = false; // runs again after a concurrent write
      deliveries = [];
      const lastSequence = event.sequence === undefined ? current.lastSequence : Math.max(current.lastSequence ?? 0, event.sequence);
      try {
        const applied = applyEvent(current, event, this.ctx.clock.now());
        deliveries = applied.deliveries;
        const next = bumpIdle(applied.record, event, this.ctx.clock.now());
        return { ...next, lastSequence, recentEventIds: remember(current.recentEventIds, event.eventId) };
      } catch (error) {
        if (!IllegalTransitionError.isInstance(error)) throw error;
        rejected = true;
        this.ctx.logger.warn('event rejected by the status machine', { handoverId, eventId: event.eventId, type: event.type, error: (error as HandoverError).toJSON() });
        return { ...current, lastSequence, recentEventIds: remember(current.recentEventIds, event.eventId) };
      }
    }, latest);
    if (rejected) return 'rejected';
    await this.ctx.deliverAll(deliveries);
    return 'accepted';
  }

  private async buffer(record: HandoverRecord, event: HandoverEvent): Promise<keyof IngestResult> {
    if (record.pending?.some((e) => e.sequence === event.sequence)) return 'duplicates';
    const firstHeldBack = !record.pending?.length;
    await this.ctx.commit(record.id, (current) => {
      const pending = (current.pending ?? []).filter((e) => e.sequence !== event.sequence);
      if (pending.length >= MAX_PENDING) return undefined;
      return { ...current, pending: [...pending, event].sort(compareEvents) };
    });
    // The window starts with the first event held back; later ones must not push it out, or a
    // steady stream of messages behind a lost one would wait forever.
    if (firstHeldBack) await this.ctx.scheduler.schedule({ kind: 'reorder', handoverId: record.id, dueAt: this.ctx.clock.now() + this.reorderGapMs });
    return 'accepted';
  }

  private async drainContiguous(handoverId: string): Promise<void> {
    for (let i = 0; i < MAX_PENDING; i++) {
      const record = await this.ctx.store.getHandover(handoverId);
      const next = record?.pending?.[0];
      if (!record || !next || next.sequence !== (record.lastSequence ?? 0) + 1) {
        if (record && !record.pending?.length) await this.ctx.scheduler.cancel('reorder', handoverId);
        return;
      }
      await this.ctx.commit(handoverId, (r) => ({ ...r, pending: r.pending?.slice(1) }));
      await this.apply(handoverId, next);
    }
  }

  private park(providerId: string, event: HandoverEvent) {
    const key = orphanKey(providerId, event.conversationId);
    const now = this.ctx.clock.now();
    // Entries are in arrival order, so the expired ones are at the front: sweep them as we go.
    for (const [k, v] of this.orphans) {
      if (v.expiresAt >= now && this.orphans.size < MAX_ORPHAN_KEYS) break;
      this.orphans.delete(k);
      this.parkedEvents -= v.events.length;
    }
    let parked = this.orphans.get(key);
    if (!parked) {
      parked = { events: [], expiresAt: now + ORPHAN_TTL_MS };
      this.orphans.set(key, parked);
    }
    if (this.parkedEvents < MAX_PARKED_EVENTS && parked.events.length < MAX_PENDING && !parked.events.some((e) => e.eventId === event.eventId)) {
      parked.events.push(event);
      this.parkedEvents++;
    }
    this.ctx.logger.debug('event for an unknown handover parked', { providerId, eventId: event.eventId });
  }
}

const RECENT_EVENTS = 32;

/** The last applied event ids of a handover, newest last, bounded. */
function remember(recent: string[] | undefined, eventId: string): string[] {
  const next = [...(recent ?? []), eventId];
  return next.length > RECENT_EVENTS ? next.slice(next.length - RECENT_EVENTS) : next;
}

/**
 * A seen event id may still be unapplied only if the handover would remember it: its sequence is
 * ahead of what was applied, or the recent list has not started forgetting yet.
 */
function canStillBeUnapplied(record: HandoverRecord, event: HandoverEvent): boolean {
  if (record.recentEventIds?.includes(event.eventId)) return false;
  if (event.sequence !== undefined) return event.sequence > (record.lastSequence ?? 0);
  return (record.recentEventIds?.length ?? 0) < RECENT_EVENTS;
}

/** Agent or user activity pushes the idle auto-close further out. */
function bumpIdle(record: HandoverRecord, event: HandoverEvent, now: number): HandoverRecord {
  const minutes = record.behaviour.idleTimeoutMinutes;
  if (!minutes || event.type !== 'agent-message' || record.status === 'completed' || record.status === 'cancelled' || record.status === 'error') return record;
  return { ...record, idleDueAt: now + minutes * 60_000 };
}

function orphanKey(providerId: string, conversationId: string) {
  return `${providerId}\u0000${conversationId}`;
}
