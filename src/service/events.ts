import { IllegalTransitionError, handoverEventSchema, type HandoverEvent } from '../contract';
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

type Seen = { key: string; ttlMs: number };

interface Orphans {
  events: HandoverEvent[];
  expiresAt: number;
}

const ORPHAN_TTL_MS = 60_000;
const MAX_ORPHAN_KEYS = 10_000;
const MAX_PENDING = 500;
/**
 * Events waiting for their handover, in all (a vendor may send webhooks for conversations the bot never handed over).
 */
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
        this.ctx.logger.warn('malformed connector event dropped', {
          providerId,
          issues: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`),
        });
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
    // Each event leaves `pending` in the write that applies it: a crash midway loses none.
    for (const event of [...current.pending].sort(compareEvents)) await this.apply(handoverId, event, undefined, true);
  }

  private async ingestOne(providerId: string, event: HandoverEvent): Promise<keyof IngestResult> {
    const record = await this.ctx.store.findHandoverByConversationId(providerId, event.conversationId);
    if (!record) {
      this.park(providerId, event);
      return 'orphaned';
    }

    // The seen mark is only ever set in the same atomic write as the state change (and its
    // deliveries) the event caused, so a seen event has been applied or durably buffered. The write
    // refuses a seen event: no separate check (and round trip) before it.
    const seen = { key: `evt:${providerId}:${event.eventId}`, ttlMs: this.dedupeTtlMs };
    return this.ctx.queue.run(record.id, () => this.applyInOrder(record, event, seen, providerId));
  }

  /**
   * `record` is the one read of this event (by the lookup); the write starts from it. It may be older
   * than the stored version (another writer, here or on another instance, got in first): the checks
   * here only return early where an older copy cannot mislead (event ids and `lastSequence` only
   * grow), and everything a newer version could change is decided again inside the write, on the
   * version written against (a stale copy costs one retry of the compare-and-set).
   */
  private async applyInOrder(
    record: HandoverRecord,
    event: HandoverEvent,
    seen: Seen,
    providerId: string,
  ): Promise<keyof IngestResult> {
    if (this.superseded(record, providerId, event)) return 'rejected';
    if (record.recentEventIds?.includes(event.eventId)) return 'duplicates';
    if (event.sequence !== undefined) {
      const last = record.lastSequence ?? 0;
      if (event.sequence <= last) return 'duplicates';
      if (event.sequence > last + 1) {
        const held = await this.buffer(record, event, seen, providerId);
        if (held !== 'next') return held;
      }
    }
    const { outcome, after } = await this.apply(record.id, event, seen, false, record, providerId);
    // A reorder timer is only armed while events are held back: with none before this event there is
    // nothing to drain and no timer to cancel (one a crash left armed finds nothing to flush).
    if (event.sequence !== undefined && (record.pending?.length || after?.pending?.length))
      await this.drainContiguous(record.id, after);
    return outcome;
  }

  /** A conversation this handover left behind (withdrawn after an assignment timeout; a fallback took over). */
  private superseded(record: HandoverRecord, providerId: string, event: HandoverEvent): boolean {
    if (record.providerId === providerId && record.conversationId === event.conversationId) return false;
    this.ctx.logger.debug('event for a superseded conversation ignored', {
      handoverId: record.id,
      providerId,
      eventId: event.eventId,
    });
    return true;
  }

  /**
   * `first`: a record just read, for the first attempt of the write (a compare-and-set on its
   * version: if it is stale the write is refused and retried on a fresh read). `providerId`: check
   * on each attempt that the event's conversation is still the handover's.
   */
  private async apply(
    handoverId: string,
    event: HandoverEvent,
    seen?: Seen,
    fromPending = false,
    first?: HandoverRecord,
    providerId?: string,
  ): Promise<{ outcome: keyof IngestResult; after?: HandoverRecord }> {
    let rejected = false;
    let duplicate = false;
    let superseded = false;
    const committed = await this.ctx.commitWith(
      handoverId,
      (stored) => {
        rejected = false;
        superseded = providerId !== undefined && this.superseded(stored, providerId, event);
        if (superseded) return undefined;
        duplicate = stored.recentEventIds?.includes(event.eventId) ?? false;
        const current = fromPending ? { ...stored, pending: withoutEvent(stored.pending, event) } : stored;
        if (duplicate) return fromPending ? { record: current } : undefined;
        const lastSequence =
          event.sequence === undefined ? current.lastSequence : Math.max(current.lastSequence ?? 0, event.sequence);
        const recentEventIds = remember(current.recentEventIds, event.eventId);
        try {
          const applied = applyEvent(current, event, this.ctx.clock.now());
          const next = bumpIdle(applied.record, event, this.ctx.clock.now());
          return { record: { ...next, lastSequence, recentEventIds }, deliveries: applied.deliveries };
        } catch (error) {
          if (!IllegalTransitionError.isInstance(error)) throw error;
          rejected = true;
          return { record: { ...current, lastSequence, recentEventIds } };
        }
      },
      seen,
      first,
    );
    const after = committed && committed !== 'seen' ? committed.after : undefined;
    if (superseded) return { outcome: 'rejected' };
    if (committed === 'seen' || duplicate) return { outcome: 'duplicates', after };
    if (rejected) {
      this.ctx.logger.warn('event rejected by the status machine', {
        handoverId,
        eventId: event.eventId,
        type: event.type,
      });
      return { outcome: 'rejected', after };
    }
    return { outcome: 'accepted', after };
  }

  /**
   * Holds an event back until the gap before it fills. Decided on the version written against:
   * `next` when that version shows the event is next after all (the caller applies it).
   */
  private async buffer(
    record: HandoverRecord,
    event: HandoverEvent,
    seen: Seen,
    providerId: string,
  ): Promise<keyof IngestResult | 'next'> {
    if (record.pending?.some((e) => e.sequence === event.sequence)) return 'duplicates';
    let decided: keyof IngestResult | 'next' | undefined;
    let firstHeldBack = false;
    const committed = await this.ctx.commitWith(
      record.id,
      (current) => {
        decided = undefined;
        const last = current.lastSequence ?? 0;
        if (this.superseded(current, providerId, event)) decided = 'rejected';
        else if (event.sequence! <= last) decided = 'duplicates';
        else if (event.sequence === last + 1) decided = 'next';
        if (decided) return undefined;
        const pending = (current.pending ?? []).filter((e) => e.sequence !== event.sequence);
        if (pending.length >= MAX_PENDING) return undefined;
        firstHeldBack = !current.pending?.length;
        return { record: { ...current, pending: [...pending, event].sort(compareEvents) } };
      },
      seen,
      record,
    );
    if (decided) return decided;
    if (committed === 'seen') return 'duplicates';
    // The window starts with the first event held back; later ones must not push it out, or a
    // steady stream of messages behind a lost one would wait forever.
    if (firstHeldBack)
      await this.ctx.scheduler.schedule({
        kind: 'reorder',
        handoverId: record.id,
        dueAt: this.ctx.clock.now() + this.reorderGapMs,
      });
    return 'accepted';
  }

  /** `latest`: the record as this instance just wrote it, if known (else it is read). */
  private async drainContiguous(handoverId: string, latest?: HandoverRecord): Promise<void> {
    let record = latest ?? (await this.ctx.store.getHandover(handoverId));
    for (let i = 0; i < MAX_PENDING; i++) {
      const next = record?.pending?.[0];
      if (!record || !next || next.sequence !== (record.lastSequence ?? 0) + 1) {
        if (record && !record.pending?.length) await this.ctx.scheduler.cancel('reorder', handoverId);
        return;
      }
      const { after } = await this.apply(handoverId, next, undefined, true);
      record = after ?? (await this.ctx.store.getHandover(handoverId));
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
    if (
      this.parkedEvents < MAX_PARKED_EVENTS &&
      parked.events.length < MAX_PENDING &&
      !parked.events.some((e) => e.eventId === event.eventId)
    ) {
      parked.events.push(event);
      this.parkedEvents++;
    }
    this.ctx.logger.debug('event for an unknown handover parked', { providerId, eventId: event.eventId });
  }
}

const RECENT_EVENTS = 32;

/** The last applied event ids of a handover, newest last, bounded. */
function remember(recent: string[] | undefined, eventId: string): string[] {
  if (!recent) return [eventId];
  // One copy: the newest RECENT_EVENTS - 1 kept, then the new id.
  const next = recent.length >= RECENT_EVENTS ? recent.slice(recent.length - RECENT_EVENTS + 1) : recent.slice();
  next.push(eventId);
  return next;
}

function withoutEvent(pending: HandoverEvent[] | undefined, event: HandoverEvent): HandoverEvent[] | undefined {
  const rest = pending?.filter((e) => e.eventId !== event.eventId);
  return rest?.length ? rest : undefined;
}

/** Agent or user activity pushes the idle auto-close further out. */
function bumpIdle(record: HandoverRecord, event: HandoverEvent, now: number): HandoverRecord {
  const minutes = record.behaviour.idleTimeoutMinutes;
  if (
    !minutes ||
    event.type !== 'agent-message' ||
    record.status === 'completed' ||
    record.status === 'cancelled' ||
    record.status === 'error'
  )
    return record;
  return { ...record, idleDueAt: now + minutes * 60_000 };
}

function orphanKey(providerId: string, conversationId: string) {
  return `${providerId}\u0000${conversationId}`;
}
