import { z } from 'zod';
import type { ConnectorStateV1 } from 'handover-kit/contract';
import { DAY_MS, StateRecords } from 'handover-kit/connector-utils';

/**
 * What the connector keeps per handover in `runtime.state` (shared by gateway instances, durable
 * with Redis): a webhook, a status call or a close on another instance after a restart finds
 * everything here. No secret is ever stored.
 */
const recordSchema = z.object({
  /** The customer participant's identity (also the author of the user's messages). */
  identity: z.string(),
  interactionSid: z.string().optional(),
  channelSid: z.string().optional(),
  /** The TaskQueue named by the handover's routing, if any (statistics). */
  queueSid: z.string().optional(),
  /** Set before the bot closes, so the state-change webhook that follows is not reported back. */
  closedByBot: z.boolean().optional(),
});
export type HandoverRecord = z.infer<typeof recordSchema>;

export const RECORD_TTL_MS = 7 * DAY_MS;
export const SENT_TTL_MS = DAY_MS;
/** One options object for every sent-message write. */
const SENT_TTL = { ttlMs: SENT_TTL_MS } as const;

const recordKey = (conversationSid: string) => `conversation:${conversationSid}`;
const startKey = (idempotencyKey: string) => `start:${idempotencyKey}`;
const sentKey = (conversationSid: string, messageId: string) => `sent:${conversationSid}:${messageId}`;

export class HandoverState {
  private readonly records: StateRecords<typeof recordSchema>;

  constructor(private readonly state: ConnectorStateV1) {
    this.records = new StateRecords(state, recordSchema, RECORD_TTL_MS);
  }

  record(conversationSid: string): Promise<HandoverRecord | undefined> {
    return this.records.get(recordKey(conversationSid));
  }

  save(conversationSid: string, record: HandoverRecord): Promise<void> {
    return this.records.put(recordKey(conversationSid), record);
  }

  async update(
    conversationSid: string,
    fallback: HandoverRecord,
    patch: Partial<HandoverRecord>,
  ): Promise<HandoverRecord> {
    const next = { ...((await this.record(conversationSid)) ?? fallback), ...patch };
    await this.save(conversationSid, next);
    return next;
  }

  startedConversation(idempotencyKey: string): Promise<string | undefined> {
    return this.state.get(startKey(idempotencyKey));
  }

  rememberStart(idempotencyKey: string, conversationSid: string): Promise<void> {
    return this.state.set(startKey(idempotencyKey), conversationSid, { ttlMs: RECORD_TTL_MS });
  }

  /** The state key of a relayed message, built once per send (read, then written after the send). */
  sentKey(conversationSid: string, messageId: string): string {
    return sentKey(conversationSid, messageId);
  }

  sentMessage(key: string): Promise<string | undefined> {
    return this.state.get(key);
  }

  rememberSent(key: string, messageSid: string): Promise<void> {
    return this.state.set(key, messageSid, SENT_TTL);
  }
}
