import { randomBytes } from 'node:crypto';

/** The fake Twilio's resources, with Twilio's SID formats (two letters + 32 hex digits). */

export const newSid = (prefix: string) => `${prefix}${randomBytes(16).toString('hex')}`;

export interface FakeParticipant {
  sid: string;
  identity: string;
  attributes: string;
  dateCreated: string;
}

export interface FakeMessage {
  sid: string;
  index: number;
  author: string;
  body: string;
  attributes: string;
  webhookEnabled: boolean;
  dateCreated: string;
}

export interface FakeScopedWebhook {
  sid: string;
  target: string;
  url: string;
  method: string;
  filters: string[];
}

export interface FakeConversation {
  sid: string;
  friendlyName: string;
  attributes: string;
  state: 'active' | 'inactive' | 'closed';
  timers: Record<string, string>;
  participants: FakeParticipant[];
  messages: FakeMessage[];
  webhooks: FakeScopedWebhook[];
  dateCreated: string;
}

export interface FakeChannel {
  sid: string;
  type: string;
  status: 'setup' | 'active' | 'failed' | 'closed' | 'inactive';
}

export interface FakeInteraction {
  sid: string;
  channel: Record<string, unknown>;
  routing: Record<string, unknown>;
  channels: FakeChannel[];
}

export type TaskStatus = 'pending' | 'reserved' | 'assigned' | 'wrapping' | 'completed' | 'canceled';

export interface FakeTask {
  sid: string;
  queueSid: string;
  workflowSid: string;
  status: TaskStatus;
  priority: number;
  attributes: Record<string, unknown>;
  createdAt: number;
  channel: string;
  reason?: string;
}

export const iso = (ms: number) => new Date(ms).toISOString();

export function conversationJson(accountSid: string, c: FakeConversation) {
  const url = `https://conversations.twilio.com/v1/Conversations/${c.sid}`;
  return {
    sid: c.sid,
    account_sid: accountSid,
    chat_service_sid: 'IS00000000000000000000000000000001',
    messaging_service_sid: 'MG00000000000000000000000000000001',
    friendly_name: c.friendlyName,
    unique_name: null,
    attributes: c.attributes,
    state: c.state,
    date_created: c.dateCreated,
    date_updated: c.dateCreated,
    timers: c.timers,
    url,
    links: { participants: `${url}/Participants`, messages: `${url}/Messages`, webhooks: `${url}/Webhooks` },
    bindings: null,
  };
}

export function participantJson(accountSid: string, conversationSid: string, p: FakeParticipant) {
  return {
    account_sid: accountSid,
    conversation_sid: conversationSid,
    sid: p.sid,
    identity: p.identity,
    attributes: p.attributes,
    messaging_binding: null,
    role_sid: 'RL00000000000000000000000000000001',
    date_created: p.dateCreated,
    date_updated: p.dateCreated,
    url: `https://conversations.twilio.com/v1/Conversations/${conversationSid}/Participants/${p.sid}`,
  };
}

export function taskJson(accountSid: string, workspaceSid: string, t: FakeTask, now: number) {
  return {
    account_sid: accountSid,
    workspace_sid: workspaceSid,
    workflow_sid: t.workflowSid,
    sid: t.sid,
    age: Math.floor((now - t.createdAt) / 1000),
    assignment_status: t.status,
    attributes: JSON.stringify(t.attributes),
    priority: t.priority,
    reason: t.reason ?? null,
    task_queue_sid: t.queueSid,
    task_channel_unique_name: t.channel,
    date_created: new Date(t.createdAt).toUTCString(),
    date_updated: new Date(t.createdAt).toUTCString(),
    timeout: 86400,
    url: `https://taskrouter.twilio.com/v1/Workspaces/${workspaceSid}/Tasks/${t.sid}`,
  };
}

/** TaskRouter `Ordering`: `Field:dir[,Field:dir]` over DateCreated and Priority. */
export function compareTasks(ordering: string | undefined) {
  const keys = (ordering ?? 'DateCreated:asc').split(',').map((part) => {
    const [field, dir] = part.split(':');
    return { field, sign: dir === 'desc' ? -1 : 1 };
  });
  return (a: FakeTask, b: FakeTask) => {
    for (const { field, sign } of keys) {
      const d = field === 'Priority' ? a.priority - b.priority : a.createdAt - b.createdAt;
      if (d !== 0) return d * sign;
    }
    return 0;
  };
}
