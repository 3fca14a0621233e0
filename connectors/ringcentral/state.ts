import type { ConnectorStateV1 } from 'handover-kit/contract';
import { BoundedMap, DAY_MS } from 'handover-kit/connector-utils';

/**
 * What a webhook on any gateway instance needs, in the shared connector state: our source thread
 * (the conversation id) ↔ Engage's thread id, the user, the last queue update, sent message ids.
 */
export interface ConversationRecord {
  /** Engage's own thread id (REST API and webhooks). */
  threadId: string;
  userId: string;
  userName?: string;
}

export interface QueueInfo {
  position?: number;
  estimatedWaitMs?: number;
}

/** A handover's records outlive any realistic handover; the state forgets them afterwards. */
const RECORD_TTL_MS = 30 * DAY_MS;

export class EngageState {
  /**
   * The last record read per conversation with its raw text. Every read still goes to the state;
   * an unchanged value (every message of a handover reads the same one) is not parsed again.
   */
  private readonly parsed = new BoundedMap<string, { raw: string; record: ConversationRecord }>(1000);

  constructor(private readonly state: ConnectorStateV1) {}

  /**
   * The conversation's record (a value: never mutated, `saveConversation` writes a new one). The
   * reads on the send path are plain `then`s, not async functions: less to allocate per message.
   */
  conversation(conversationId: string): Promise<ConversationRecord | undefined> {
    return this.state.get(`conv:${conversationId}`).then((raw) => this.record(conversationId, raw));
  }

  private record(conversationId: string, raw: string | undefined): ConversationRecord | undefined {
    if (raw === undefined) return undefined;
    const seen = this.parsed.get(conversationId);
    if (seen?.raw === raw) return seen.record;
    const record = json<ConversationRecord>(raw);
    if (record) this.parsed.set(conversationId, { raw, record });
    return record;
  }

  async saveConversation(conversationId: string, record: ConversationRecord): Promise<void> {
    const ttl = { ttlMs: RECORD_TTL_MS };
    await Promise.all([
      this.state.set(`conv:${conversationId}`, JSON.stringify(record), ttl),
      this.state.set(`thread:${record.threadId}`, conversationId, ttl),
      this.state.set(`user:${record.userId}`, conversationId, ttl),
    ]);
  }

  conversationOfThread(threadId: string): Promise<string | undefined> {
    return this.state.get(`thread:${threadId}`);
  }

  conversationOfUser(userId: string): Promise<string | undefined> {
    return this.state.get(`user:${userId}`);
  }

  async queue(conversationId: string): Promise<QueueInfo | undefined> {
    return json<QueueInfo>(await this.state.get(`queue:${conversationId}`));
  }

  setQueue(conversationId: string, info: QueueInfo): Promise<void> {
    return this.state.set(`queue:${conversationId}`, JSON.stringify(info), { ttlMs: RECORD_TTL_MS });
  }

  wasSent(conversationId: string, messageId: string): Promise<boolean> {
    return this.state.get(`sent:${conversationId}:${messageId}`).then(isSet);
  }

  markSent(conversationId: string, messageId: string): Promise<void> {
    return this.state.set(`sent:${conversationId}:${messageId}`, '1', { ttlMs: DAY_MS });
  }

  isClosed(conversationId: string): Promise<boolean> {
    return this.state.get(`closed:${conversationId}`).then(isSet);
  }

  markClosed(conversationId: string): Promise<void> {
    return this.state.set(`closed:${conversationId}`, '1', { ttlMs: RECORD_TTL_MS });
  }
}

const isSet = (value: string | undefined) => value !== undefined;

function json<T>(raw: string | undefined): T | undefined {
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as T;
  } catch {
    return undefined;
  }
}
