import type { Agent, Attachment, HandoverEvent } from '../contract';

/** What every event carries: the vendor's conversation id, a unique event id and when it happened. */
export interface EventBase {
  conversationId: string;
  eventId: string;
  occurredAt: number;
  sequence?: number;
}

/** An agent's message; no attachments and an unknown agent are left out rather than sent empty. */
export function agentMessageEvent(
  base: EventBase,
  text: string,
  attachments: readonly Attachment[] = [],
  agent?: Agent,
): HandoverEvent {
  return {
    ...base,
    type: 'agent-message',
    text,
    ...(attachments.length > 0 ? { attachments: [...attachments] } : {}),
    ...(agent ? { agent } : {}),
  };
}

/**
 * The vendor no longer knows the conversation (repeated 404s while polling): the handover ends with
 * an error. The event id is fixed per conversation, so a second report is dropped as a repeat.
 */
export function conversationGoneEvent(
  vendor: string,
  conversationId: string,
  occurredAt: number,
  error: { code: string; message: string },
): HandoverEvent {
  return { type: 'handover-error', conversationId, eventId: `${vendor}:${conversationId}:gone`, occurredAt, ...error };
}
