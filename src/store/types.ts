import type { HandoverStatus } from '../contract';
import type { HandoverRecord, ProviderRecord } from '../model';

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
