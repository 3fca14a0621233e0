import type { HandoverStatus } from '../contract';
import type { DeliveryItem } from '../delivery';
import type { HandoverRecord, ProviderRecord } from '../model';

/** What else a handover write does, in the same atomic step (see `writeHandover`). */
export interface WriteEffects {
  /** A dedupe mark set with the write; the write is refused (`seen`) when the mark is already set. */
  seen?: { key: string; ttlMs: number };
  /** Deliveries appended to the attached outbox with the write (only when `outboxAttached`). */
  outbox?: readonly DeliveryItem[];
}

export type WriteResult = 'written' | 'conflict' | 'seen';

/**
 * A durable outbox a store can append to inside its own writes (the transactional outbox): the
 * gateway attaches its Cognigy outbox to the Redis store, so a state change and what it delivers
 * are stored together or not at all.
 */
export interface OutboxSink {
  /** The queue's name (the store and the queue share a connection and a key prefix). */
  readonly queue: string;
  /** The queue entry an item becomes. */
  entry(item: DeliveryItem): { partition: string; item: unknown };
  /** Called after a write appended items (wakes the sender). */
  appended(): void;
}

/**
 * Where providers, handovers and dedupe keys live. Small and async so that Redis (several gateway
 * instances) fits it as well as a Map does. Writes to a handover are compare-and-set on `version`.
 */
export interface HandoverStore {
  readonly kind: string;

  getProvider(id: string): Promise<ProviderRecord | undefined>;
  listProviders(): Promise<ProviderRecord[]>;
  putProvider(record: ProviderRecord): Promise<void>;
  deleteProvider(id: string): Promise<boolean>;

  getHandover(id: string): Promise<HandoverRecord | undefined>;
  /** The session's live handover, or its most recent one. */
  findHandoverBySession(sessionKey: string): Promise<HandoverRecord | undefined>;
  findHandoverByConversationId(providerId: string, conversationId: string): Promise<HandoverRecord | undefined>;
  /**
   * Inserts `record` unless the session already has a live handover, atomically.
   * Returns the existing live handover, or `undefined` when `record` was inserted.
   */
  insertHandover(record: HandoverRecord): Promise<HandoverRecord | undefined>;
  /** Writes `record` if the stored version is `record.version - 1`; false on a concurrent write. */
  updateHandover(record: HandoverRecord): Promise<boolean>;
  /**
   * `updateHandover` plus `effects`, all in one atomic step: the dedupe mark, the record and the
   * outbox items are stored together or not at all. Optional for custom stores (the service then
   * marks and delivers around a plain update, which leaves a crash window).
   */
  writeHandover?(record: HandoverRecord, effects: WriteEffects): Promise<WriteResult>;
  /** True when `writeHandover` appends `effects.outbox` itself (the caller must not deliver them again). */
  readonly outboxAttached?: boolean;
  /** True while a dedupe mark is set (a cheap early check; `writeHandover` decides). */
  isSeen?(key: string): Promise<boolean>;
  /** Live handovers, for restoring timers after a restart. */
  listLiveHandovers(): AsyncIterable<HandoverRecord>;
  countByStatus(): Promise<Record<HandoverStatus, number>>;

  /** Records a key once; true the first time, false while it is remembered (dedupe). */
  markSeen(key: string, ttlMs: number): Promise<boolean>;
  forgetSeen(key: string): Promise<void>;

  close(): Promise<void>;
}

export function sessionKeyOfRecord(record: HandoverRecord): string {
  return `${record.session.userId}\u0000${record.session.sessionId}`;
}
