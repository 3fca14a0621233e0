import type { Clock, HandoverStatus } from '../contract';
import { HANDOVER_STATUSES, isLiveStatus } from '../contract';
import { systemClock } from '../clock';
import type { HandoverRecord, ProviderRecord } from '../model';
import { sessionKeyOfRecord, type HandoverStore, type WriteEffects, type WriteResult } from './types';

export interface MemoryStoreOptions {
  clock?: Clock;
  /** Ended handovers kept for lookups (default 10 000); the oldest go first. */
  maxEndedHandovers?: number;
  /** Dedupe keys kept at most (default 200 000); the oldest go first. */
  maxSeenKeys?: number;
}

/** The default store: one process, nothing persisted. */
export class MemoryStore implements HandoverStore {
  readonly kind = 'memory';
  private readonly clock: Clock;
  private readonly providers = new Map<string, ProviderRecord>();
  private readonly handovers = new Map<string, HandoverRecord>();
  private readonly bySession = new Map<string, string>();
  /** Provider id → the vendor's conversation id → handover id (two levels: no key to build per lookup). */
  private readonly byExternal = new Map<string, Map<string, string>>();
  private readonly ended: string[] = [];
  private endedHead = 0;
  private readonly seen = new Map<string, number>();
  private readonly maxEnded: number;
  private readonly maxSeen: number;

  constructor(options: MemoryStoreOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.maxEnded = options.maxEndedHandovers ?? 10_000;
    this.maxSeen = options.maxSeenKeys ?? 200_000;
  }

  // Provider records are stored frozen, so they can be handed out without copying.
  async getProvider(id: string) {
    return this.providers.get(id);
  }
  async listProviders() {
    return [...this.providers.values()];
  }
  async putProvider(record: ProviderRecord) {
    this.providers.set(record.id, deepFreeze(structuredClone(record)));
  }
  async deleteProvider(id: string) {
    return this.providers.delete(id);
  }

  async getHandover(id: string) {
    return copy(this.handovers.get(id));
  }
  async findHandoverBySession(sessionKey: string) {
    const id = this.bySession.get(sessionKey);
    return id ? copy(this.handovers.get(id)) : undefined;
  }
  async findHandoverByConversationId(providerId: string, conversationId: string) {
    const id = this.byExternal.get(providerId)?.get(conversationId);
    return id ? copy(this.handovers.get(id)) : undefined;
  }

  async insertHandover(record: HandoverRecord) {
    const key = sessionKeyOfRecord(record);
    const existingId = this.bySession.get(key);
    const existing = existingId ? this.handovers.get(existingId) : undefined;
    if (existing && isLiveStatus(existing.status)) return copy(existing);
    this.handovers.set(record.id, copy(record)!);
    this.bySession.set(key, record.id);
    if (record.conversationId) this.mapConversation(record);
    return undefined;
  }

  async updateHandover(record: HandoverRecord) {
    return (await this.writeHandover(record, {})) === 'written';
  }

  // One synchronous step: nothing else runs between the checks and the writes.
  async writeHandover(record: HandoverRecord, effects: WriteEffects): Promise<WriteResult> {
    if (effects.seen && this.seenNow(effects.seen.key)) return 'seen';
    const current = this.handovers.get(record.id);
    if (!current || current.version !== record.version - 1) return 'conflict';
    this.handovers.set(record.id, copy(record)!);
    if (record.conversationId) this.mapConversation(record);
    if (isLiveStatus(current.status) && !isLiveStatus(record.status)) this.retire(record.id);
    if (effects.seen) this.setSeen(effects.seen.key, effects.seen.ttlMs);
    return 'written';
  }

  async isSeen(key: string) {
    return this.seenNow(key);
  }

  async *listLiveHandovers() {
    for (const record of this.handovers.values()) if (isLiveStatus(record.status)) yield copy(record)!;
  }

  async countByStatus() {
    const counts = Object.fromEntries(HANDOVER_STATUSES.map((s) => [s, 0])) as Record<HandoverStatus, number>;
    for (const record of this.handovers.values()) counts[record.status]++;
    return counts;
  }

  async markSeen(key: string, ttlMs: number) {
    if (this.seenNow(key)) return false;
    this.setSeen(key, ttlMs);
    return true;
  }

  private seenNow(key: string): boolean {
    const expires = this.seen.get(key);
    return expires !== undefined && expires > this.clock.now();
  }

  private setSeen(key: string, ttlMs: number) {
    this.seen.delete(key); // re-insert at the end so eviction order stays by insertion
    this.seen.set(key, this.clock.now() + ttlMs);
    if (this.seen.size > this.maxSeen) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
  }
  async forgetSeen(key: string) {
    this.seen.delete(key);
  }

  async close() {}

  /** The record's conversation now names it (a vendor may reuse a conversation id for a later handover). */
  private mapConversation(record: HandoverRecord) {
    let conversations = this.byExternal.get(record.providerId);
    if (!conversations) this.byExternal.set(record.providerId, (conversations = new Map()));
    if (conversations.get(record.conversationId!) !== record.id) conversations.set(record.conversationId!, record.id);
  }

  /** Ended handovers stay readable for a while, then make room. */
  private retire(id: string) {
    this.ended.push(id);
    while (this.ended.length - this.endedHead > this.maxEnded) {
      const oldId = this.ended[this.endedHead++]!;
      const old = this.handovers.get(oldId);
      if (!old || isLiveStatus(old.status)) continue;
      this.handovers.delete(oldId);
      const key = sessionKeyOfRecord(old);
      if (this.bySession.get(key) === oldId) this.bySession.delete(key);
      // A vendor may reuse a conversation id for the same user's next handover: only unmap our own entry.
      const conversations = old.conversationId ? this.byExternal.get(old.providerId) : undefined;
      if (conversations?.get(old.conversationId!) === oldId) conversations.delete(old.conversationId!);
    }
    if (this.endedHead > 4096 && this.endedHead * 2 > this.ended.length) {
      this.ended.splice(0, this.endedHead);
      this.endedHead = 0;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

/**
 * Handover records are copied shallowly: callers replace nested objects instead of mutating them
 * (the service builds each new version with spreads), so sharing them is safe and keeps memory low.
 */
function copy(record: HandoverRecord | undefined): HandoverRecord | undefined {
  return record === undefined ? undefined : { ...record };
}
