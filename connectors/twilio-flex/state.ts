import { z } from 'zod';
import type { ConnectorStateV1 } from 'handover-kit/contract';
import { BoundedMap } from 'handover-kit/connector-utils';

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

const DAY = 24 * 60 * 60_000;
export const RECORD_TTL_MS = 7 * DAY;
export const SENT_TTL_MS = DAY;

const recordKey = (conversationSid: string) => `conversation:${conversationSid}`;
const startKey = (idempotencyKey: string) => `start:${idempotencyKey}`;
const sentKey = (conversationSid: string, messageId: string) => `sent:${conversationSid}:${messageId}`;

export class HandoverState {
  /**
   * The last record parsed per conversation, with the raw state value it came from: an unchanged
   * value skips the JSON and schema pass (the state is still read every time). Records are values:
   * callers never mutate one, they save a new one.
   */
  private readonly parsed = new BoundedMap<string, { raw: string; record: HandoverRecord }>(1000);

  constructor(private readonly state: ConnectorStateV1) {}

  async record(conversationSid: string): Promise<HandoverRecord | undefined> {
    const raw = await this.state.get(recordKey(conversationSid));
    if (raw === undefined) return undefined;
    const seen = this.parsed.get(conversationSid);
    if (seen?.raw === raw) return seen.record;
    try {
      const parsed = recordSchema.safeParse(JSON.parse(raw));
      if (!parsed.success) return undefined;
      this.parsed.set(conversationSid, { raw, record: parsed.data });
      return parsed.data;
    } catch {
      return undefined;
    }
  }

  async save(conversationSid: string, record: HandoverRecord): Promise<void> {
    await this.state.set(recordKey(conversationSid), JSON.stringify(record), { ttlMs: RECORD_TTL_MS });
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

  sentMessage(conversationSid: string, messageId: string): Promise<string | undefined> {
    return this.state.get(sentKey(conversationSid, messageId));
  }

  rememberSent(conversationSid: string, messageId: string, messageSid: string): Promise<void> {
    return this.state.set(sentKey(conversationSid, messageId), messageSid, { ttlMs: SENT_TTL_MS });
  }
}
