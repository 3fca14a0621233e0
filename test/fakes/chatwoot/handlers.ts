import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { FakeAccount, ConversationStatus, FakeConversation, FakeMessage, Priority } from './model';
import {
  PRIORITIES,
  STATUSES,
  assignmentBody,
  createContactBody,
  createConversationBody,
  createMessageBody,
  customAttributesBody,
  labelsBody,
  togglePriorityBody,
  toggleStatusBody,
} from './schemas';
import type { WebhookSender } from './webhooks';

/** A Chatwoot error answer. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {
    super(`HTTP ${status}`);
  }
}

export const NOT_FOUND = () => new HttpError(404, { error: 'Resource could not be found' });
const INTERNAL = (message: string) =>
  new HttpError(500, { status: 500, error: 'Internal Server Error', exception: message });

export interface RouteInput {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

/** Strict body check: a missing param is Chatwoot's 422 `{error}`, anything else the fake refuses loudly. */
function body<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw new HttpError(422, {
    error: `param is missing or the value is empty: ${issue.path.join('.') || 'body'} (${issue.message})`,
  });
}

const E164 = /^\+[1-9]\d{1,14}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/**
 * Chatwoot's behaviour behind each route, on one account with one API inbox, plus the control
 * actions tests use to act as an agent. Every state change sends the webhooks Chatwoot sends.
 */
export class FakeChatwootBehaviour {
  constructor(
    readonly account: FakeAccount,
    private readonly webhooks: WebhookSender,
    private readonly now: () => number,
    private readonly tokenUser: { id: number; role: 'agent' | 'administrator' },
    /** Chatwoot's CONVERSATION_MESSAGE_PER_MINUTE_LIMIT (default 200). */
    private readonly messageLimitPerMinute = 200,
  ) {}

  conversation(id: string | number): FakeConversation {
    const c = this.account.conversations.get(Number(id));
    if (!c) throw NOT_FOUND();
    return c;
  }

  // ---- contacts ----

  createContact({ body: raw }: RouteInput) {
    const b = body(createContactBody, raw);
    const invalid: string[] = [];
    const messages: string[] = [];
    const taken = (field: 'identifier' | 'email' | 'phone_number', value: string | undefined, caseless: boolean) => {
      if (!value) return;
      const same = [...this.account.contacts.values()].some((c) => {
        const v = c[field];
        return v !== null && (caseless ? v.toLowerCase() === value.toLowerCase() : v === value);
      });
      if (same) {
        invalid.push(field);
        messages.push(
          `${field === 'phone_number' ? 'Phone number' : field[0]!.toUpperCase() + field.slice(1)} has already been taken`,
        );
      }
    };
    if (b.email && !EMAIL.test(b.email)) invalid.push('email'), messages.push('Email Invalid email');
    if (b.phone_number && !E164.test(b.phone_number))
      invalid.push('phone_number'), messages.push('Phone number should be in e164 format');
    taken('identifier', b.identifier, false);
    taken('email', b.email, true);
    taken('phone_number', b.phone_number, false);
    if (invalid.length > 0) throw new HttpError(422, { message: messages.join(', '), attributes: invalid });
    const contact = {
      id: this.account.nextId('contact'),
      name: b.name ?? '',
      identifier: b.identifier ?? null,
      email: b.email?.toLowerCase() ?? null,
      phone_number: b.phone_number ?? null,
      custom_attributes: b.custom_attributes ?? {},
      additional_attributes: b.additional_attributes ?? {},
      created_at: Math.floor(this.now() / 1000),
    };
    this.account.contacts.set(contact.id, contact);
    const ci = b.inbox_id !== undefined ? this.contactInbox(contact.id, b.inbox_id, b.source_id) : undefined;
    return {
      payload: {
        contact: this.account.contactPartial(contact),
        contact_inbox: { inbox: ci ? this.account.inboxPartial() : null, source_id: ci?.source_id ?? null },
      },
    };
  }

  searchContacts({ query }: RouteInput) {
    const q = query.get('q')?.trim();
    if (!q) throw new HttpError(422, { error: 'Specify search string with parameter q' });
    const hits = [...this.account.contacts.values()].filter(
      (c) =>
        [c.name, c.email, c.phone_number].some((v) => v?.toLowerCase().includes(q.toLowerCase())) ||
        (c.identifier ?? '').includes(q),
    );
    const page = hits.slice(0, 15);
    return {
      meta: { count: page.length, current_page: 1, has_more: hits.length > 15 },
      payload: page.map((c) => this.account.contactPartial(c)),
    };
  }

  /** `ContactInboxBuilder`: find or create the (contact, inbox, source_id) row; a source id owned by another contact is a 422. */
  private contactInbox(contactId: number, inboxId: number, sourceId?: string) {
    if (inboxId !== this.account.inbox.id) throw NOT_FOUND();
    if (sourceId) {
      const existing = [...this.account.contactInboxes.values()].find(
        (ci) => ci.inbox_id === inboxId && ci.source_id === sourceId,
      );
      if (existing && existing.contact_id === contactId) return existing;
      if (existing) throw new HttpError(422, { error: 'source_id should be unique' });
    }
    const ci = {
      id: this.account.nextId('contactInbox'),
      contact_id: contactId,
      inbox_id: inboxId,
      source_id: sourceId ?? randomUUID(),
    };
    this.account.contactInboxes.set(ci.id, ci);
    return ci;
  }

  // ---- conversations ----

  private filtered(query: URLSearchParams): FakeConversation[] {
    const status = query.get('status') ?? 'open';
    const inbox = query.get('inbox_id');
    const team = query.get('team_id');
    const source = query.get('source_id');
    if (team !== null && !this.account.teams.has(Number(team))) throw NOT_FOUND();
    return [...this.account.conversations.values()].filter(
      (c) =>
        (status === 'all' || c.status === status) &&
        (inbox === null || c.inbox_id === Number(inbox)) &&
        (team === null || c.team_id === Number(team)) &&
        (source === null || this.account.contactInboxOf(c).source_id === source),
    );
  }

  private counts(list: FakeConversation[]) {
    const unassigned = list.filter((c) => c.assignee_id === null).length;
    return {
      mine_count: list.filter((c) => c.assignee_id === this.tokenUser.id).length,
      assigned_count: list.length - unassigned,
      unassigned_count: unassigned,
      all_count: list.length,
    };
  }

  listConversations({ query }: RouteInput) {
    const list = this.filtered(query).sort((a, b) => b.updated_at - a.updated_at);
    return {
      data: { meta: this.counts(list), payload: list.slice(0, 25).map((c) => this.account.conversationPartial(c)) },
    };
  }

  conversationMeta({ query }: RouteInput) {
    return { meta: this.counts(this.filtered(query)) };
  }

  createConversation({ body: raw }: RouteInput) {
    const b = body(createConversationBody, raw);
    if (!this.account.contacts.has(b.contact_id)) throw NOT_FOUND();
    if (b.team_id !== undefined && !this.account.teams.has(b.team_id)) throw NOT_FOUND();
    const ci = this.contactInbox(b.contact_id, b.inbox_id, b.source_id);
    const now = Math.floor(this.now() / 1000);
    const conversation: FakeConversation = {
      id: this.account.nextId('conversation'),
      uuid: randomUUID(),
      inbox_id: b.inbox_id,
      contact_id: b.contact_id,
      contact_inbox_id: ci.id,
      // An inbox with an active agent bot forces `pending`, whatever was asked.
      status: this.account.inbox.agentBot ? 'pending' : (b.status ?? 'open'),
      priority: null,
      assignee_id: b.assignee_id !== undefined && this.account.agents.has(b.assignee_id) ? b.assignee_id : null,
      team_id: b.team_id ?? null,
      labels: [],
      custom_attributes: b.custom_attributes ?? {},
      additional_attributes: b.additional_attributes ?? {},
      snoozed_until: null,
      created_at: now,
      updated_at: now,
    };
    this.account.touch(conversation);
    this.account.conversations.set(conversation.id, conversation);
    this.webhooks.send('conversation_created', () => this.account.conversationWebhook(conversation));
    if (b.message)
      this.addMessage(conversation, {
        content: b.message.content,
        message_type: 'outgoing',
        private: false,
        sender: { kind: 'user', id: this.tokenUser.id },
      });
    return this.account.conversationPartial(conversation);
  }

  getConversation({ params }: RouteInput) {
    return this.account.conversationPartial(this.conversation(params.id!));
  }

  toggleStatus({ params, body: raw }: RouteInput) {
    const c = this.conversation(params.id!);
    const b = body(toggleStatusBody, raw);
    let next: ConversationStatus;
    if (b.status === undefined || b.status === '') next = c.status === 'open' ? 'resolved' : 'open';
    else if ((STATUSES as readonly string[]).includes(b.status)) next = b.status as ConversationStatus;
    else throw INTERNAL(`'${b.status}' is not a valid status`);
    this.setStatus(c, next, b.snoozed_until !== undefined ? Number(b.snoozed_until) : null);
    // An agent-role token that opens a conversation takes it (Chatwoot's should_assign_conversation?).
    if (c.status === 'open' && this.tokenUser.role === 'agent' && c.assignee_id === null)
      this.assign(c, this.tokenUser.id);
    return {
      meta: {},
      payload: { success: true, conversation_id: c.id, current_status: c.status, snoozed_until: c.snoozed_until },
    };
  }

  togglePriority({ params, body: raw }: RouteInput) {
    const c = this.conversation(params.id!);
    const b = body(togglePriorityBody, raw);
    const value = b.priority === null || b.priority === '' ? null : b.priority;
    if (value !== null && !(PRIORITIES as readonly string[]).includes(value))
      throw INTERNAL(`'${value}' is not a valid priority`);
    this.update(c, 'priority', c.priority, value as Priority, () => (c.priority = value as Priority));
    return undefined; // 200, empty body
  }

  setLabels({ params, body: raw }: RouteInput) {
    const c = this.conversation(params.id!);
    const b = body(labelsBody, raw);
    const labels = [...new Set(b.labels.map((l) => l.trim().toLowerCase()).filter(Boolean))];
    this.update(c, 'label_list', c.labels, labels, () => (c.labels = labels));
    return { payload: c.labels };
  }

  getLabels({ params }: RouteInput) {
    return { payload: this.conversation(params.id!).labels };
  }

  setCustomAttributes({ params, body: raw }: RouteInput) {
    const c = this.conversation(params.id!);
    const b = body(customAttributesBody, raw);
    this.update(
      c,
      'custom_attributes',
      c.custom_attributes,
      b.custom_attributes,
      () => (c.custom_attributes = b.custom_attributes),
    );
    return { custom_attributes: c.custom_attributes };
  }

  assignments({ params, body: raw }: RouteInput) {
    const c = this.conversation(params.id!);
    const b = body(assignmentBody, raw);
    if (b.assignee_id !== undefined) {
      const agent = b.assignee_id === null ? undefined : this.account.agents.get(b.assignee_id);
      this.assign(c, agent?.id ?? null); // an unknown id unassigns, as in Chatwoot
      return agent ? this.account.agentPartial(agent) : null;
    }
    if (b.team_id !== undefined) {
      const team = b.team_id === null ? undefined : this.account.teams.get(b.team_id);
      this.update(c, 'team_id', c.team_id, team?.id ?? null, () => (c.team_id = team?.id ?? null));
      return team
        ? {
            ...this.account.teamPartial(team),
            created_at: '2026-01-01T00:00:00.000Z',
            updated_at: '2026-01-01T00:00:00.000Z',
          }
        : null;
    }
    return null;
  }

  createMessage({ params, body: raw }: RouteInput) {
    const c = this.conversation(params.id!);
    const b = body(createMessageBody, raw);
    const type = b.message_type ?? 'outgoing';
    const sender =
      type === 'incoming'
        ? ({ kind: 'contact', id: c.contact_id } as const)
        : ({ kind: 'user', id: this.tokenUser.id } as const);
    const recent = Number.isFinite(this.messageLimitPerMinute)
      ? this.account.messagesOf(c.id).filter((m) => this.now() - m.created_at < 60_000).length
      : 0;
    if (recent >= this.messageLimitPerMinute)
      throw new HttpError(422, { error: 'Validation failed: Too many messages' });
    return this.account.messagePartial(
      this.addMessage(c, { content: b.content, message_type: type, private: b.private ?? false, sender }),
    );
  }

  listMessages({ params }: RouteInput) {
    const c = this.conversation(params.id!);
    return {
      meta: { labels: c.labels, additional_attributes: c.additional_attributes },
      payload: this.account
        .messagesOf(c.id)
        .slice(-20)
        .map((m) => this.account.messagePartial(m)),
    };
  }

  // ---- agents, inbox members, teams ----

  inboxMembers({ params }: RouteInput) {
    if (Number(params.inboxId) !== this.account.inbox.id) throw NOT_FOUND();
    return {
      payload: [...this.account.agents.values()].filter((a) => a.inInbox).map((a) => this.account.agentPartial(a)),
    };
  }

  agents() {
    return [...this.account.agents.values()].map((a) => this.account.agentPartial(a));
  }

  teams() {
    return [...this.account.teams.values()].map((t) => this.account.teamPartial(t));
  }

  teamMembers({ params }: RouteInput) {
    const team = this.account.teams.get(Number(params.teamId));
    if (!team) throw NOT_FOUND();
    return team.members
      .map((id) => this.account.agents.get(id))
      .filter((a) => a !== undefined)
      .map((a) => this.account.agentPartial(a));
  }

  // ---- shared state changes (REST and control) ----

  addMessage(
    c: FakeConversation,
    m: Omit<FakeMessage, 'id' | 'conversation_id' | 'created_at' | 'attachments'> & {
      attachments?: FakeMessage['attachments'];
    },
  ): FakeMessage {
    const message: FakeMessage = {
      id: this.account.nextId('message'),
      conversation_id: c.id,
      created_at: this.now(),
      attachments: [],
      ...m,
    };
    this.account.messages.push(message);
    this.account.touch(c);
    if (message.message_type !== 'activity')
      this.webhooks.send('message_created', () => this.account.messageWebhook(message));
    return message;
  }

  setStatus(c: FakeConversation, next: ConversationStatus, snoozedUntil: number | null = null): void {
    if (c.status === next) return;
    const previous = c.status;
    c.status = next;
    c.snoozed_until = next === 'snoozed' ? snoozedUntil : null;
    this.account.touch(c);
    // Both fire for one change; status_changed carries no usable changed_attributes.
    this.webhooks.send('conversation_status_changed', () => ({
      ...this.account.conversationWebhook(c),
      changed_attributes: null,
    }));
    this.webhooks.send('conversation_updated', () => ({
      ...this.account.conversationWebhook(c),
      changed_attributes: this.changes('status', previous, next),
    }));
  }

  assign(c: FakeConversation, agentId: number | null): void {
    this.update(c, 'assignee_id', c.assignee_id, agentId, () => (c.assignee_id = agentId));
  }

  typing(c: FakeConversation, on: boolean, user: { kind: 'user' | 'contact'; id: number }, isPrivate = false): void {
    this.webhooks.send(on ? 'conversation_typing_on' : 'conversation_typing_off', () => ({
      user: this.account.senderWebhook(
        user.kind === 'user' ? { kind: 'user', id: user.id } : { kind: 'contact', id: user.id },
      ),
      conversation: this.account.conversationWebhook(c),
      is_private: isPrivate,
    }));
  }

  private update<T>(c: FakeConversation, key: string, previous: T, next: T, apply: () => void): void {
    if (JSON.stringify(previous) === JSON.stringify(next)) return;
    apply();
    this.account.touch(c);
    this.webhooks.send('conversation_updated', () => ({
      ...this.account.conversationWebhook(c),
      changed_attributes: this.changes(key, previous, next),
    }));
  }

  private changes(key: string, previous: unknown, current: unknown) {
    return [
      { [key]: { previous_value: previous, current_value: current } },
      { updated_at: { previous_value: null, current_value: new Date(this.now()).toISOString() } },
    ];
  }
}
