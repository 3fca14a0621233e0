import { createHash } from 'node:crypto';
import type { z } from 'zod';
import { BadRequestError, type Attachment, type HandoverEvent, type WebhookRequest } from 'handover-kit/contract';
import { headerValue, parseJsonBody, agentAttachment, agentMessageEvent } from 'handover-kit/connector-utils';
import { agentOf } from '../mapping';
import {
  conversationPayloadSchema,
  envelopeSchema,
  messagePayloadSchema,
  typingPayloadSchema,
  type ConversationPayload,
  type MessagePayload,
  type TypingPayload,
} from './payloads';
import { DELIVERY_HEADER } from './verify';

export interface ParseOptions {
  accountId: number;
  inboxId: number;
  /** Further inboxes a node may pick (Cognigy's Chatwoot / Live Agent Inbox Id). */
  moreInboxIds?: readonly number[];
  /** True when this connector resolved the conversation itself (the webhook then says `by: 'bot'`). */
  resolvedByBot(conversationId: string): boolean;
}

/**
 * Chatwoot events → handover events.
 *
 * - `message_created`: `outgoing`, not private, sent by a user (`sender.type == "user"`) → `agent-message`.
 *   Dropped: `incoming` (the user's own messages echoed back), private notes, agent-bot / Captain / system
 *   senders, templates, and messages with neither text nor files.
 * - `conversation_status_changed`: `resolved` → `handover-completed` (by the agent, or by the bot when this
 *   connector resolved it); `pending` → `handover-completed` by the agent: the conversation went back to
 *   the bot (only a status change fires this event, so pending here always follows open); `snoozed` →
 *   `provider-event` `conversation-snoozed`; `open` → nothing (the handover itself, or a reopen).
 * - `conversation_updated` with `assignee_id` in `changed_attributes`: a user assigned → `agent-joined`;
 * unassigned while still open → `agent-left` with `requeued: true` (`false` when an agent bot took it). Status changes
 * in this event are
 *   left to `conversation_status_changed` (both fire for one change).
 * - `conversation_typing_on` / `_off` by a user, not in a private note → `agent-typing`.
 * - Anything else, and events of another account or inbox (account webhooks are account-wide), → [].
 *
 * Event ids come from Chatwoot's ids, so the same change delivered twice (or to an account webhook and
 * the inbox webhook) dedupes: the message id; for conversation changes the conversation id, what
 * changed and `updated_at`; falling back to `X-Chatwoot-Delivery`, then to a hash of the body.
 */
export function parseChatwootWebhook(request: WebhookRequest, options: ParseOptions): HandoverEvent[] {
  const body = parseJsonBody(request);
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success) throw new BadRequestError('Webhook body is not a Chatwoot event (no "event" field)');
  const source = new Source(request);
  const event = envelope.data.event;
  switch (event) {
    case 'message_created':
      return messageEvents(read(messagePayloadSchema, body, event), options, source);
    case 'conversation_status_changed':
      return statusEvents(read(conversationPayloadSchema, body, event), options, source);
    case 'conversation_updated':
      return assigneeEvents(read(conversationPayloadSchema, body, event), options, source);
    case 'conversation_typing_on':
    case 'conversation_typing_off':
      return typingEvents(read(typingPayloadSchema, body, event), event === 'conversation_typing_on', options, source);
    default:
      return [];
  }
}

function read<S extends z.ZodType>(schema: S, body: unknown, event: string): z.output<S> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new BadRequestError(
    `Malformed Chatwoot ${event} webhook${issue ? ` (${issue.path.join('.') || 'body'}: ${issue.message})` : ''}`,
  );
}

/** Where ids and times come from when the payload lacks them. */
class Source {
  private hash?: string;
  constructor(private readonly request: WebhookRequest) {}
  get receivedAt(): number {
    return Number.isFinite(this.request.receivedAt) ? this.request.receivedAt : Date.now();
  }
  /** The delivery id, else a hash of the body: identical redeliveries give the same value. */
  fallbackId(): string {
    const delivery = headerValue(this.request, DELIVERY_HEADER)?.trim();
    if (delivery) return delivery;
    this.hash ??= createHash('sha256').update(this.request.rawBody).digest('hex').slice(0, 32);
    return this.hash;
  }
}

function inScope(options: ParseOptions, accountId: unknown, inboxId: unknown): boolean {
  if (accountId !== undefined && accountId !== null && String(accountId) !== String(options.accountId)) return false;
  if (inboxId === undefined || inboxId === null) return true;
  if (
    String(inboxId) !== String(options.inboxId) &&
    !options.moreInboxIds?.some((id) => String(id) === String(inboxId))
  )
    return false;
  return true;
}

const isUser = (actor: { type?: string | null } | null | undefined) => actor?.type === 'user';

type Actor = NonNullable<MessagePayload['sender']>;

/**
 * A user's `webhook_data` has no display name or avatar; the conversation's assignee has both, so
 * when the sender is the assignee (the usual case) the agent is described from there.
 */
function agentFrom(actor: Actor, conversation: ConversationPayload) {
  const assignee = conversation.meta?.assignee;
  return agentOf(assignee && String(assignee.id) === String(actor.id) ? { ...actor, ...assignee } : actor);
}

/** Milliseconds from an ISO string or unix seconds (or ms). */
function epochMs(value: string | number | null | undefined, fallback: number): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value < 1e12 ? Math.round(value * 1000) : value;
  if (typeof value === 'string') {
    const ms = Date.parse(value);
    if (Number.isFinite(ms)) return ms;
  }
  return fallback;
}

/** The conversation's change stamp: `updated_at` (Chatwoot ≥ 4.0), else the delivery. */
function stamp(conversation: ConversationPayload, source: Source): string {
  return typeof conversation.updated_at === 'number' ? String(conversation.updated_at) : source.fallbackId();
}

function conversationTime(conversation: ConversationPayload, source: Source): number {
  return epochMs(conversation.updated_at, source.receivedAt);
}

function attachmentsOf(message: MessagePayload): Attachment[] {
  const out: Attachment[] = [];
  for (const a of message.attachments ?? []) {
    if (!a.data_url) continue;
    out.push(agentAttachment(a.data_url, a.file_type, a.fallback_title));
  }
  return out;
}

function messageEvents(message: MessagePayload, options: ParseOptions, source: Source): HandoverEvent[] {
  const outgoing = message.message_type === 'outgoing' || message.message_type === 1;
  if (!outgoing || message.private === true || !isUser(message.sender)) return [];
  if (
    !inScope(
      options,
      message.account?.id ?? message.conversation.account?.id,
      message.inbox?.id ?? message.conversation.inbox_id,
    )
  )
    return [];
  const attachments = attachmentsOf(message);
  const text = message.content ?? '';
  if (text === '' && attachments.length === 0) return [];
  const base = {
    conversationId: String(message.conversation.id),
    eventId: `chatwoot:message:${message.id}`,
    occurredAt: epochMs(message.created_at, source.receivedAt),
  };
  return [agentMessageEvent(base, text, attachments, agentFrom(message.sender!, message.conversation))];
}

function statusEvents(conversation: ConversationPayload, options: ParseOptions, source: Source): HandoverEvent[] {
  if (!inScope(options, conversation.account?.id, conversation.inbox_id)) return [];
  const conversationId = String(conversation.id);
  const status = conversation.status ?? '';
  const base = {
    conversationId,
    eventId: `chatwoot:conversation:${conversationId}:status:${status}:${stamp(conversation, source)}`,
    occurredAt: conversationTime(conversation, source),
  };
  switch (status) {
    case 'resolved':
      return [{ ...base, type: 'handover-completed', by: options.resolvedByBot(conversationId) ? 'bot' : 'agent' }];
    case 'pending':
      return [{ ...base, type: 'handover-completed', by: 'agent' }];
    case 'snoozed':
      return [
        {
          ...base,
          type: 'provider-event',
          name: 'conversation-snoozed',
          ...(conversation.snoozed_until != null ? { data: { snoozedUntil: conversation.snoozed_until } } : {}),
        },
      ];
    default:
      return [];
  }
}

function changeOf(conversation: ConversationPayload, key: string): { previous: unknown; current: unknown } | undefined {
  const changes = conversation.changed_attributes;
  const list = Array.isArray(changes) ? changes : changes ? [changes] : [];
  for (const entry of list) {
    const change = entry[key];
    if (change && typeof change === 'object') {
      const c = change as Record<string, unknown>;
      return { previous: c.previous_value ?? null, current: c.current_value ?? null };
    }
  }
  return undefined;
}

function assigneeEvents(conversation: ConversationPayload, options: ParseOptions, source: Source): HandoverEvent[] {
  const change = changeOf(conversation, 'assignee_id');
  if (!change || !inScope(options, conversation.account?.id, conversation.inbox_id)) return [];
  const conversationId = String(conversation.id);
  const base = { conversationId, occurredAt: conversationTime(conversation, source) };
  const assignee = conversation.meta?.assignee;
  if (change.current !== null) {
    // Assigned to a user (not an agent bot): an agent has the conversation.
    const byUser = conversation.meta?.assignee_type === 'User' || isUser(assignee);
    if (!byUser || !assignee) return [];
    return [
      {
        ...base,
        type: 'agent-joined',
        eventId:
          `chatwoot:conversation:${conversationId}:assignee:${String(change.current)}:` + stamp(conversation, source),
        agent: agentOf(assignee),
      },
    ];
  }
  // Unassigned while the conversation stays open: back to the queue, unless an agent bot took it over.
  // After a resolve (or a hand-back to pending) the status event says it all.
  if (conversation.status !== 'open' || change.previous === null) return [];
  return [
    {
      ...base,
      type: 'agent-left',
      eventId: `chatwoot:conversation:${conversationId}:assignee:none:${stamp(conversation, source)}`,
      agent: { id: String(change.previous) },
      requeued: conversation.meta?.assignee_type !== 'AgentBot',
    },
  ];
}

function typingEvents(payload: TypingPayload, typing: boolean, options: ParseOptions, source: Source): HandoverEvent[] {
  if (!isUser(payload.user) || payload.is_private === true) return [];
  const conversation = payload.conversation;
  if (!inScope(options, conversation.account?.id, conversation.inbox_id)) return [];
  const conversationId = String(conversation.id);
  return [
    {
      type: 'agent-typing',
      conversationId,
      eventId: `chatwoot:conversation:${conversationId}:typing:${typing ? 'on' : 'off'}:${source.fallbackId()}`,
      occurredAt: source.receivedAt,
      typing,
      agent: agentFrom(payload.user!, conversation),
    },
  ];
}
