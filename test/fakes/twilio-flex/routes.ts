import type { ServerResponse } from 'node:http';
import {
  compareTasks,
  conversationJson,
  iso,
  newSid,
  participantJson,
  taskJson,
  type FakeConversation,
  type FakeInteraction,
} from './model';
import { FAKE_TWILIO, type FakeTwilio, type RecordedRequest } from './server';

/** The fake's routes: the Twilio paths the connector may call, validated as Twilio validates them. */

export type FakeOperation =
  | 'createConversation'
  | 'fetchConversation'
  | 'updateConversation'
  | 'createParticipant'
  | 'listParticipants'
  | 'createMessage'
  | 'createScopedWebhook'
  | 'createInteraction'
  | 'listInteractionChannels'
  | 'updateInteractionChannel'
  | 'listTasks'
  | 'realTimeStatistics'
  | 'cumulativeStatistics';

export interface Route {
  method: string;
  pattern: RegExp;
  operation: FakeOperation;
  handle(ctx: { params: string[]; rec: RecordedRequest; res: ServerResponse }): void;
}

const CHANNEL_TYPES = ['voice', 'sms', 'email', 'web', 'whatsapp', 'chat', 'messenger', 'gbm'];
const FILTERS = [
  'onMessageAdded',
  'onMessageUpdated',
  'onMessageRemoved',
  'onParticipantAdded',
  'onParticipantUpdated',
  'onParticipantRemoved',
  'onConversationUpdated',
  'onConversationRemoved',
  'onConversationStateUpdated',
  'onDeliveryUpdated',
];

function jsonParam(value: string | null): Record<string, unknown> | undefined {
  if (!value) return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function buildRoutes(fake: FakeTwilio): Route[] {
  const sid = (prefix: string) => `(${prefix}[0-9a-f]{32})`;
  const r = (method: string, path: string, operation: FakeOperation, handle: Route['handle']): Route => ({
    method,
    pattern: new RegExp(`^${path}$`),
    operation,
    handle,
  });
  const bad = (res: ServerResponse, message: string) => fake.error(res, 400, 20001, message);
  const notFound = (res: ServerResponse) => fake.error(res, 404, 20404, 'The requested resource was not found');
  const acct = FAKE_TWILIO.accountSid;
  const ws = FAKE_TWILIO.workspaceSid;
  const conv = (id: string, res: ServerResponse) => {
    const c = fake.conversations.get(id);
    if (!c) notFound(res);
    return c;
  };

  return [
    r('POST', '/v1/Conversations', 'createConversation', ({ rec, res }) => {
      const f = rec.form;
      if (f.has('Attributes') && !jsonParam(f.get('Attributes'))) return bad(res, 'Attributes must be valid JSON');
      const timers: Record<string, string> = f.get('Timers.Closed') ? { date_closed: f.get('Timers.Closed')! } : {};
      const c: FakeConversation = {
        sid: newSid('CH'),
        friendlyName: f.get('FriendlyName') ?? '',
        attributes: f.get('Attributes') ?? '{}',
        state: 'active',
        timers,
        participants: [],
        messages: [],
        webhooks: [],
        dateCreated: iso(fake.now()),
      };
      fake.conversations.set(c.sid, c);
      fake.json(res, 201, conversationJson(acct, c));
    }),
    r('GET', `/v1/Conversations/${sid('CH')}`, 'fetchConversation', ({ params, res }) => {
      const c = conv(params[0]!, res);
      if (c) fake.json(res, 200, conversationJson(acct, c));
    }),
    r('POST', `/v1/Conversations/${sid('CH')}`, 'updateConversation', ({ params, rec, res }) => {
      const c = conv(params[0]!, res);
      if (!c) return;
      const state = rec.form.get('State');
      if (state && !['active', 'inactive', 'closed'].includes(state)) return bad(res, `Invalid State ${state}`);
      if (c.state === 'closed' && state && state !== 'closed')
        return fake.error(res, 400, 50446, 'A closed conversation cannot be reopened');
      if (state) void fake.setState(c.sid, state as 'active', rec.headers['x-twilio-webhook-enabled'] === 'true');
      fake.json(res, 200, conversationJson(acct, c));
    }),
    r('POST', `/v1/Conversations/${sid('CH')}/Participants`, 'createParticipant', ({ params, rec, res }) => {
      const c = conv(params[0]!, res);
      if (!c) return;
      const identity = rec.form.get('Identity');
      if (!identity) return bad(res, 'A participant needs an Identity or a MessagingBinding.Address');
      if (c.participants.some((p) => p.identity === identity))
        return fake.error(res, 409, 50433, 'Participant already exists');
      const p = {
        sid: newSid('MB'),
        identity,
        attributes: rec.form.get('Attributes') ?? '{}',
        dateCreated: iso(fake.now()),
      };
      c.participants.push(p);
      fake.json(res, 201, participantJson(acct, c.sid, p));
    }),
    r('GET', `/v1/Conversations/${sid('CH')}/Participants`, 'listParticipants', ({ params, res }) => {
      const c = conv(params[0]!, res);
      if (!c) return;
      const url = `https://conversations.twilio.com/v1/Conversations/${c.sid}/Participants?PageSize=100&Page=0`;
      fake.json(res, 200, {
        participants: c.participants.map((p) => participantJson(acct, c.sid, p)),
        meta: {
          page: 0,
          page_size: 100,
          first_page_url: url,
          previous_page_url: null,
          url,
          next_page_url: null,
          key: 'participants',
        },
      });
    }),
    r('POST', `/v1/Conversations/${sid('CH')}/Messages`, 'createMessage', ({ params, rec, res }) => {
      const c = conv(params[0]!, res);
      if (!c) return;
      if (c.state === 'closed') return fake.error(res, 400, 50407, 'Conversation is closed');
      const hook = rec.headers['x-twilio-webhook-enabled'];
      if (hook !== undefined && hook !== 'true' && hook !== 'false')
        return bad(res, 'X-Twilio-Webhook-Enabled must be true or false');
      const body = rec.form.get('Body') ?? '';
      if (body.length > 1600) return fake.error(res, 400, 50006, 'Body is longer than 1600 characters');
      const author = rec.form.get('Author') ?? 'system';
      const m = fake.addMessage(c.sid, author, body, rec.form.get('Attributes') ?? '{}', hook === 'true');
      fake.json(res, 201, {
        sid: m.sid,
        account_sid: acct,
        conversation_sid: c.sid,
        index: m.index,
        author,
        body,
        attributes: m.attributes,
        date_created: m.dateCreated,
      });
      if (hook === 'true') {
        const participant = c.participants.find((p) => p.identity === author);
        void fake.fire(c.sid, 'onMessageAdded', {
          MessageSid: m.sid,
          Index: String(m.index),
          Author: author,
          Body: body,
          Attributes: m.attributes,
          DateCreated: m.dateCreated,
          Source: 'API',
          ParticipantSid: participant?.sid ?? '',
        });
      }
    }),
    r('POST', `/v1/Conversations/${sid('CH')}/Webhooks`, 'createScopedWebhook', ({ params, rec, res }) => {
      const c = conv(params[0]!, res);
      if (!c) return;
      const f = rec.form;
      const target = f.get('Target');
      if (target !== 'webhook') return bad(res, `Target ${target ?? '(missing)'} is not handled by this fake`);
      const url = f.get('Configuration.Url');
      if (!url || !/^https?:\/\//.test(url)) return bad(res, 'Configuration.Url must be an absolute URL');
      const method = (f.get('Configuration.Method') ?? 'post').toLowerCase();
      const filters = f.getAll('Configuration.Filters');
      if (filters.length === 0) return fake.error(res, 400, 50370, 'Conversation webhook filter not provided');
      if (filters.some((x) => !FILTERS.includes(x)))
        return bad(res, `Invalid Configuration.Filters ${filters.join(',')}`);
      if (c.webhooks.length >= 5) return fake.error(res, 400, 50350, 'At most 5 scoped webhooks per conversation');
      const w = { sid: newSid('WH'), target, url, method, filters };
      c.webhooks.push(w);
      fake.json(res, 201, {
        sid: w.sid,
        account_sid: acct,
        conversation_sid: c.sid,
        target,
        configuration: { url, method, filters },
      });
    }),
    r('POST', '/v1/Interactions', 'createInteraction', ({ rec, res }) => {
      const channel = jsonParam(rec.form.get('Channel'));
      const routing = jsonParam(rec.form.get('Routing'));
      if (!channel) return bad(res, 'Channel is required and must be a JSON object');
      if (!CHANNEL_TYPES.includes(String(channel.type)))
        return bad(res, `Invalid channel type ${String(channel.type)}`);
      const media = (channel.properties as Record<string, unknown> | undefined)?.media_channel_sid;
      if (typeof media !== 'string' || !fake.conversations.has(media))
        return bad(res, 'properties.media_channel_sid must name an existing conversation');
      const props = routing?.properties as Record<string, unknown> | undefined;
      if (!props || props.workspace_sid !== ws)
        return bad(res, 'Routing.properties.workspace_sid must be the Flex workspace');
      if (props.workflow_sid !== FAKE_TWILIO.workflowSid) return bad(res, 'Unknown workflow_sid');
      const i: FakeInteraction = { sid: newSid('KD'), channel, routing: routing!, channels: [] };
      fake.interactions.set(i.sid, i);
      if (fake.failInteractions) i.channels.push({ sid: newSid('UO'), type: String(channel.type), status: 'failed' });
      else if (!fake.deferInteractions) fake.route(i);
      fake.json(res, 200, {
        sid: i.sid,
        channel,
        routing,
        url: `https://flex-api.twilio.com/v1/Interactions/${i.sid}`,
        links: { channels: `https://flex-api.twilio.com/v1/Interactions/${i.sid}/Channels` },
        interaction_context_sid: null,
        webhook_ttid: null,
      });
    }),
    r('GET', `/v1/Interactions/${sid('KD')}/Channels`, 'listInteractionChannels', ({ params, res }) => {
      const i = fake.interactions.get(params[0]!);
      if (!i) return notFound(res);
      const channels = i.channels.map((ch) => ({
        sid: ch.sid,
        interaction_sid: i.sid,
        type: ch.type,
        status: ch.status,
        error_code: ch.status === 'failed' ? 19025 : null,
        error_message: ch.status === 'failed' ? 'Channel validation error' : null,
      }));
      fake.json(res, 200, { channels, meta: { page: 0, page_size: 50, key: 'channels', next_page_url: null } });
    }),
    r(
      'POST',
      `/v1/Interactions/${sid('KD')}/Channels/${sid('UO')}`,
      'updateInteractionChannel',
      ({ params, rec, res }) => {
        const ch = fake.interactions.get(params[0]!)?.channels.find((c) => c.sid === params[1]);
        if (!ch) return notFound(res);
        const status = rec.form.get('Status');
        if (status !== 'closed' && status !== 'inactive') return bad(res, 'Status must be closed or inactive');
        const routing = jsonParam(rec.form.get('Routing'));
        if (status === 'inactive' && routing?.status !== 'closed')
          return bad(res, 'Routing {"status":"closed"} is required with Status inactive');
        ch.status = status;
        const task = [...fake.tasks.values()].find((t) => t.attributes.flexInteractionChannelSid === ch.sid);
        // Without routing closed, Flex leaves the task wrapping for the agent.
        if (task && !['completed', 'canceled'].includes(task.status))
          task.status =
            routing?.status === 'closed' ? (task.status === 'pending' ? 'canceled' : 'completed') : 'wrapping';
        fake.json(res, 200, {
          sid: ch.sid,
          interaction_sid: params[0],
          type: ch.type,
          status: ch.status,
          error_code: null,
          error_message: null,
        });
      },
    ),
    r('GET', `/v1/Workspaces/${sid('WS')}/Tasks`, 'listTasks', ({ params, rec, res }) => {
      if (params[0] !== ws) return notFound(res);
      const q = rec.query;
      const size = Number(q.get('PageSize') ?? 50);
      if (!Number.isInteger(size) || size < 1 || size > 1000) return bad(res, 'PageSize must be 1..1000');
      const expr = q.get('EvaluateTaskAttributes');
      const match = expr ? /^(\w+)\s*==\s*"([^"]*)"$/.exec(expr) : null;
      if (expr && !match) return bad(res, `Unsupported expression ${expr}`);
      const statuses = q.getAll('AssignmentStatus');
      const list = [...fake.tasks.values()]
        .filter((t) => !match || t.attributes[match[1]!] === match[2])
        .filter((t) => !q.get('TaskQueueSid') || t.queueSid === q.get('TaskQueueSid'))
        .filter((t) => statuses.length === 0 || statuses.includes(t.status))
        .sort(compareTasks(q.get('Ordering') ?? undefined));
      const page = list.slice(0, size).map((t) => taskJson(acct, ws, t, fake.now()));
      const next =
        list.length > size ? `https://taskrouter.twilio.com/v1/Workspaces/${ws}/Tasks?PageSize=${size}&Page=1` : null;
      fake.json(res, 200, { tasks: page, meta: { page: 0, page_size: size, key: 'tasks', next_page_url: next } });
    }),
    r(
      'GET',
      `/v1/Workspaces/${sid('WS')}/TaskQueues/${sid('WQ')}/RealTimeStatistics`,
      'realTimeStatistics',
      ({ params, res }) => {
        if (params[0] !== ws) return notFound(res);
        const inQueue = [...fake.tasks.values()].filter((t) => t.queueSid === params[1]);
        const count = (s: string) => inQueue.filter((t) => t.status === s).length;
        const tasks_by_status = {
          pending: count('pending'),
          reserved: count('reserved'),
          assigned: count('assigned'),
          wrapping: count('wrapping'),
        };
        fake.json(res, 200, {
          account_sid: acct,
          workspace_sid: ws,
          task_queue_sid: params[1],
          tasks_by_status,
          total_tasks: inQueue.length,
          total_available_workers: fake.availableWorkers,
          total_eligible_workers: fake.availableWorkers + 1,
          longest_task_waiting_age: 0,
          activity_statistics: [],
        });
      },
    ),
    r(
      'GET',
      `/v1/Workspaces/${sid('WS')}/TaskQueues/${sid('WQ')}/CumulativeStatistics`,
      'cumulativeStatistics',
      ({ params, res }) => {
        if (params[0] !== ws) return notFound(res);
        const avg = fake.averageWaitSeconds;
        fake.json(res, 200, {
          account_sid: acct,
          workspace_sid: ws,
          task_queue_sid: params[1],
          avg_task_acceptance_time: avg,
          wait_duration_in_queue_until_accepted: { avg, min: 0, max: avg * 2, total: avg * 10 },
          tasks_entered: 10,
        });
      },
    ),
  ];
}
