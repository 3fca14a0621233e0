import { hash } from 'node:crypto';
import { z } from 'zod';
import type { ConnectorStateV1 } from 'handover-kit/contract';
import { StateRecords } from 'handover-kit/connector-utils';

/**
 * What the connector remembers per thread, in `runtime.state` so that every gateway instance (and
 * this one after a restart) can relay, poll and answer replies. The thread's external id is the
 * handover's `conversationId`: CXone names it in every reply it posts to us.
 */
export const threadRecordSchema = z.object({
  contactId: z.string().min(1),
  userId: z.string(),
  /** Last phase the poller saw. */
  phase: z.enum(['queue', 'active', 'ended']),
  agent: z.object({ id: z.string(), name: z.string().optional(), avatarUrl: z.string().optional() }).optional(),
  /** Counts reported changes, so event ids stay unique and a re-run poll repeats the same ids. */
  changes: z.number().int().nonnegative(),
});
export type ThreadRecord = z.infer<typeof threadRecordSchema>;

/** Threads are forgotten a week after their last change. */
export const THREAD_TTL_MS = 7 * 86_400_000;
/** Sent user message ids are remembered a day (the service retries within minutes). */
export const SENT_TTL_MS = 86_400_000;
const SENT_TTL = { ttlMs: SENT_TTL_MS } as const;

// One-shot `hash` is about 3× cheaper than createHash().update().digest() for short values.
export const sha256 = (value: string) => hash('sha256', value, 'hex');

/** The thread id for a handover: derived from the idempotency key, so a repeated start reuses it. */
export function threadIdFor(providerId: string, idempotencyKey: string): string {
  return `hk-${sha256(`${providerId}\u0000${idempotencyKey}`).slice(0, 32)}`;
}

/** A stable external message id: CXone may dedupe on it, and a repeat gets the same one. */
export function messageIdFor(kind: string, threadId: string, key?: string): string {
  return `hk-${kind}-${sha256(key === undefined ? threadId : `${threadId}\u0000${key}`).slice(0, 32)}`;
}

/**
 * The state key remembering that a user message was sent. It is keyed by the message's external id
 * (`messageIdFor('msg', threadId, messageId)`, a hash of both already), so a send hashes once.
 */
export const sentKey = (externalMessageId: string) => `sent:${externalMessageId}`;

export class ThreadStore {
  private readonly records: StateRecords<typeof threadRecordSchema>;

  constructor(private readonly state: ConnectorStateV1) {
    this.records = new StateRecords(state, threadRecordSchema, THREAD_TTL_MS);
  }

  get(threadId: string): Promise<ThreadRecord | undefined> {
    return this.records.get(`thread:${threadId}`);
  }

  put(threadId: string, record: ThreadRecord): Promise<void> {
    return this.records.put(`thread:${threadId}`, record);
  }

  /** The marker `markSent` left under `key` (from `sentKey`), undefined when the message was not sent. */
  sentMarker(key: string): Promise<string | undefined> {
    return this.state.get(key);
  }

  markSent(key: string): Promise<void> {
    return this.state.set(key, '1', SENT_TTL);
  }
}
