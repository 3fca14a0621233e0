/**
 * State of the fake Chatwoot account and the JSON shapes Chatwoot renders for it: REST partials
 * (`_conversation`, `_contact`, `_agent`, `_message`, `_team`) and webhook payloads (`webhook_data`).
 * Conversation ids are display ids, as everywhere in Chatwoot's API.
 */

export type Availability = 'online' | 'busy' | 'offline';
export type ConversationStatus = 'open' | 'resolved' | 'pending' | 'snoozed';
export type Priority = 'low' | 'medium' | 'high' | 'urgent' | null;

export interface FakeAgent {
  id: number;
  name: string;
  email: string;
  availability: Availability;
  role: 'agent' | 'administrator';
  inInbox: boolean;
}

export interface FakeTeam {
  id: number;
  name: string;
  members: number[];
}

export interface FakeContact {
  id: number;
  name: string;
  identifier: string | null;
  email: string | null;
  phone_number: string | null;
  custom_attributes: Record<string, unknown>;
  additional_attributes: Record<string, unknown>;
  created_at: number;
}

export interface FakeContactInbox {
  id: number;
  contact_id: number;
  inbox_id: number;
  source_id: string;
}

export interface FakeMessage {
  id: number;
  conversation_id: number;
  content: string | null;
  message_type: 'incoming' | 'outgoing' | 'activity' | 'template';
  private: boolean;
  sender: { kind: 'contact'; id: number } | { kind: 'user'; id: number } | null;
  created_at: number; // ms
  attachments: Array<{ file_type: string; data_url: string }>;
}

export interface FakeConversation {
  id: number;
  uuid: string;
  inbox_id: number;
  contact_id: number;
  contact_inbox_id: number;
  status: ConversationStatus;
  priority: Priority;
  assignee_id: number | null;
  team_id: number | null;
  labels: string[];
  custom_attributes: Record<string, unknown>;
  additional_attributes: Record<string, unknown>;
  snoozed_until: number | null;
  created_at: number;
  updated_at: number; // seconds, float
}

const MESSAGE_TYPE_INT = { incoming: 0, outgoing: 1, activity: 2, template: 3 } as const;

export class FakeAccount {
  readonly agents = new Map<number, FakeAgent>();
  readonly teams = new Map<number, FakeTeam>();
  readonly contacts = new Map<number, FakeContact>();
  readonly contactInboxes = new Map<number, FakeContactInbox>();
  readonly conversations = new Map<number, FakeConversation>();
  readonly messages: FakeMessage[] = [];
  private seq = { contact: 40, contactInbox: 50, conversation: 100, message: 4700 };
  private lastUpdated = 0;

  constructor(
    readonly id: number,
    readonly name: string,
    readonly inbox: { id: number; name: string; agentBot: boolean },
    private readonly now: () => number,
  ) {}

  nextId(kind: keyof FakeAccount['seq']): number {
    return ++this.seq[kind];
  }

  /** A strictly increasing `updated_at` (seconds with fraction), like Rails' microsecond stamps. */
  touch(conversation: FakeConversation): void {
    this.lastUpdated = Math.max(this.now() / 1000, this.lastUpdated + 0.001);
    conversation.updated_at = Math.round(this.lastUpdated * 1000) / 1000;
  }

  contactInboxOf(conversation: FakeConversation): FakeContactInbox {
    return this.contactInboxes.get(conversation.contact_inbox_id)!;
  }

  messagesOf(conversationId: number): FakeMessage[] {
    return this.messages.filter((m) => m.conversation_id === conversationId);
  }

  // ---- REST partials ----

  agentPartial(a: FakeAgent) {
    return {
      id: a.id,
      account_id: this.id,
      availability_status: a.availability,
      auto_offline: true,
      confirmed: true,
      email: a.email,
      provider: 'email',
      available_name: a.name.split(' ')[0],
      name: a.name,
      role: a.role,
      thumbnail: `https://fake.chatwoot.test/avatars/${a.id}.png`,
    };
  }

  teamPartial(t: FakeTeam) {
    return {
      id: t.id,
      name: t.name,
      description: `${t.name} team`,
      allow_auto_assign: true,
      account_id: this.id,
      is_member: false,
    };
  }

  contactPartial(c: FakeContact) {
    return {
      additional_attributes: c.additional_attributes,
      availability_status: 'offline',
      email: c.email,
      id: c.id,
      name: c.name,
      phone_number: c.phone_number,
      blocked: false,
      identifier: c.identifier,
      thumbnail: '',
      custom_attributes: c.custom_attributes,
      created_at: c.created_at,
      contact_inboxes: [...this.contactInboxes.values()]
        .filter((ci) => ci.contact_id === c.id)
        .map((ci) => ({ source_id: ci.source_id, inbox: this.inboxPartial() })),
    };
  }

  inboxPartial() {
    return {
      id: this.inbox.id,
      avatar_url: '',
      channel_id: 3,
      name: this.inbox.name,
      channel_type: 'Channel::Api',
      provider: null,
    };
  }

  messagePartial(m: FakeMessage) {
    return {
      id: m.id,
      content: m.content,
      inbox_id: this.inbox.id,
      conversation_id: m.conversation_id,
      message_type: MESSAGE_TYPE_INT[m.message_type],
      content_type: 'text',
      status: 'sent',
      content_attributes: {},
      created_at: Math.floor(m.created_at / 1000),
      private: m.private,
      source_id: null,
      ...(m.sender ? { sender: this.senderPush(m.sender) } : {}),
    };
  }

  conversationPartial(c: FakeConversation) {
    const assignee = c.assignee_id !== null ? this.agents.get(c.assignee_id) : undefined;
    const team = c.team_id !== null ? this.teams.get(c.team_id) : undefined;
    const last = this.messagesOf(c.id).at(-1);
    return {
      meta: {
        sender: this.contactPartial(this.contacts.get(c.contact_id)!),
        channel: 'Channel::Api',
        ...(assignee ? { assignee: this.agentPartial(assignee), assignee_type: 'User' } : {}),
        ...(team ? { team: this.teamPartial(team) } : {}),
        hmac_verified: false,
      },
      id: c.id,
      messages: last ? [this.pushMessage(last)] : [],
      account_id: this.id,
      uuid: c.uuid,
      additional_attributes: c.additional_attributes,
      agent_last_seen_at: 0,
      assignee_last_seen_at: 0,
      can_reply: true,
      contact_last_seen_at: 0,
      custom_attributes: c.custom_attributes,
      inbox_id: c.inbox_id,
      labels: c.labels,
      muted: false,
      snoozed_until: c.snoozed_until,
      status: c.status,
      created_at: c.created_at,
      updated_at: c.updated_at,
      timestamp: Math.floor(c.updated_at),
      first_reply_created_at: 0,
      unread_count: 0,
      last_non_activity_message: last ? this.pushMessage(last) : null,
      last_activity_at: Math.floor(c.updated_at),
      priority: c.priority,
      waiting_since: 0,
      sla_policy_id: null,
    };
  }

  // ---- webhook payloads ----

  private pushMessage(m: FakeMessage) {
    return {
      id: m.id,
      content: m.content,
      account_id: this.id,
      inbox_id: this.inbox.id,
      conversation_id: m.conversation_id,
      message_type: MESSAGE_TYPE_INT[m.message_type],
      created_at: Math.floor(m.created_at / 1000),
      private: m.private,
      status: 'sent',
      source_id: null,
      content_type: 'text',
      sender_type: m.sender?.kind === 'user' ? 'User' : m.sender ? 'Contact' : null,
      sender_id: m.sender?.id ?? null,
    };
  }

  private senderPush(sender: NonNullable<FakeMessage['sender']>) {
    if (sender.kind === 'user') {
      const a = this.agents.get(sender.id)!;
      return {
        id: a.id,
        name: a.name,
        available_name: a.name.split(' ')[0],
        avatar_url: '',
        type: 'user',
        availability_status: a.availability,
        thumbnail: '',
      };
    }
    const c = this.contacts.get(sender.id)!;
    return {
      id: c.id,
      name: c.name,
      identifier: c.identifier,
      email: c.email,
      phone_number: c.phone_number,
      thumbnail: '',
      type: 'contact',
    };
  }

  /** `User#webhook_data`, or `Contact#webhook_data` (which has no `type`). */
  senderWebhook(sender: FakeMessage['sender']) {
    if (!sender) return null;
    if (sender.kind === 'user') {
      const a = this.agents.get(sender.id)!;
      return { id: a.id, name: a.name, email: a.email, type: 'user' };
    }
    const c = this.contacts.get(sender.id)!;
    return {
      account: this.accountData(),
      additional_attributes: c.additional_attributes,
      avatar: '',
      custom_attributes: c.custom_attributes,
      email: c.email,
      id: c.id,
      identifier: c.identifier,
      name: c.name,
      phone_number: c.phone_number,
      thumbnail: '',
      blocked: false,
    };
  }

  accountData() {
    return { id: this.id, name: this.name };
  }

  /** `Conversation#webhook_data` (push_data + account). */
  conversationWebhook(c: FakeConversation) {
    const assignee = c.assignee_id !== null ? this.agents.get(c.assignee_id) : undefined;
    const team = c.team_id !== null ? this.teams.get(c.team_id) : undefined;
    const contact = this.contacts.get(c.contact_id)!;
    const ci = this.contactInboxOf(c);
    const last = this.messagesOf(c.id)
      .filter((m) => m.message_type !== 'activity')
      .at(-1);
    return {
      additional_attributes: c.additional_attributes,
      can_reply: true,
      channel: 'Channel::Api',
      contact_inbox: {
        ...ci,
        created_at: new Date(c.created_at * 1000).toISOString(),
        updated_at: new Date(c.created_at * 1000).toISOString(),
        hmac_verified: false,
        pubsub_token: 'pubsub',
      },
      id: c.id,
      inbox_id: c.inbox_id,
      messages: last ? [this.pushMessage(last)] : [],
      labels: c.labels,
      meta: {
        sender: this.senderPush({ kind: 'contact', id: contact.id }),
        assignee: assignee ? this.senderPush({ kind: 'user', id: assignee.id }) : null,
        assignee_type: assignee ? 'User' : null,
        team: team ? { id: team.id, name: team.name } : null,
        hmac_verified: false,
      },
      status: c.status,
      custom_attributes: c.custom_attributes,
      snoozed_until: c.snoozed_until,
      unread_count: 0,
      first_reply_created_at: null,
      priority: c.priority,
      waiting_since: 0,
      agent_last_seen_at: 0,
      contact_last_seen_at: 0,
      last_activity_at: Math.floor(c.updated_at),
      timestamp: Math.floor(c.updated_at),
      created_at: c.created_at,
      updated_at: c.updated_at,
      account: this.accountData(),
    };
  }

  /** `Message#webhook_data`. */
  messageWebhook(m: FakeMessage) {
    const c = this.conversations.get(m.conversation_id)!;
    return {
      account: this.accountData(),
      additional_attributes: {},
      content_attributes: {},
      content_type: 'text',
      content: m.content,
      conversation: this.conversationWebhook(c),
      created_at: new Date(m.created_at).toISOString(),
      id: m.id,
      inbox: { id: this.inbox.id, name: this.inbox.name },
      message_type: m.message_type,
      private: m.private,
      sender: this.senderWebhook(m.sender),
      source_id: null,
      ...(m.attachments.length > 0
        ? {
            attachments: m.attachments.map((a, i) => ({
              id: m.id * 10 + i,
              message_id: m.id,
              file_type: a.file_type,
              account_id: this.id,
              data_url: a.data_url,
              thumb_url: '',
            })),
          }
        : {}),
    };
  }
}
