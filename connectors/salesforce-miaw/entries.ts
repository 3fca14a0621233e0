import { z } from 'zod';
import type { Agent, Attachment, HandoverEvent } from 'handover-kit/contract';
import { agentAttachment, agentMessageEvent } from 'handover-kit/connector-utils';

/**
 * Turns one server-sent event of the MIAW stream into handover events. The event NAMES differ
 * between Salesforce's web sample app (`CONVERSATION_TYPING_STARTED_INDICATOR`, `…_CLOSE_CONVERSATION`)
 * and its mobile SDK (`CONVERSATION_TYPING_INDICATOR`, `CONVERSATION_ROUTING_WORK_RESULT`, `ping`, no
 * close event), so the entry's own `entryType` decides where there is one and the name is the
 * fallback. Unknown names are ignored. `entryPayload` is a JSON string inside the JSON data.
 */

/** What the stream owner remembers per conversation (in the shared state; never a secret). */
export interface ConversationView {
  agents: Agent[];
  /** An agent was connected at some point (a later routing result then means a transfer). */
  hadAgent: boolean;
  /** A transfer routing result arrived: the next agent leaving re-queues the handover. */
  transferring: boolean;
  ended: boolean;
  /** Identifiers of the last entries handled, so a replay or a catch-up never reports one twice. */
  recentIds: string[];
  /** The newest server (transcripted) time of an entry handled: a catch-up skips older entries. */
  lastEntryAt?: number;
  /** How it ended: a routing failure is an error, anything else completed. */
  outcome?: 'completed' | 'error';
  estimatedWaitMs?: number;
}

export const emptyView = (): ConversationView => ({
  agents: [],
  hadAgent: false,
  transferring: false,
  ended: false,
  recentIds: [],
});

/** How many handled entry ids the view remembers (a catch-up reads the newest 50 entries). */
export const RECENT_IDS = 60;

export interface MapOptions {
  forwardEvents: boolean;
  endChatWhenAgentLeaves: boolean;
  now: number;
  /** The entry comes from listing the conversation's entries after a reconnect, not from the stream. */
  catchUp?: boolean;
}

export interface StreamMessage {
  event?: string | undefined;
  id?: string | undefined;
  data: string;
}

type Kind =
  | 'Message'
  | 'ParticipantChanged'
  | 'RoutingResult'
  | 'RoutingWorkResult'
  | 'TypingStartedIndicator'
  | 'TypingStoppedIndicator'
  | 'TypingIndicator'
  | 'CloseConversation'
  | 'SessionStatusChanged'
  | 'Ignored'
  | 'Ping';

/** Sample-app names, then the SDK's extra ones. */
export const EVENT_NAMES: Readonly<Record<string, Kind>> = {
  CONVERSATION_MESSAGE: 'Message',
  CONVERSATION_PARTICIPANT_CHANGED: 'ParticipantChanged',
  CONVERSATION_ROUTING_RESULT: 'RoutingResult',
  CONVERSATION_TYPING_STARTED_INDICATOR: 'TypingStartedIndicator',
  CONVERSATION_TYPING_STOPPED_INDICATOR: 'TypingStoppedIndicator',
  CONVERSATION_DELIVERY_ACKNOWLEDGEMENT: 'Ignored',
  CONVERSATION_READ_ACKNOWLEDGEMENT: 'Ignored',
  CONVERSATION_CLOSE_CONVERSATION: 'CloseConversation',
  ping: 'Ping',
  CHOICES_RESPONSE_MESSAGE: 'Message',
  CONVERSATION_TYPING_INDICATOR: 'TypingIndicator',
  CONVERSATION_ROUTING_WORK_RESULT: 'RoutingWorkResult',
  CONVERSATION_PROGRESS_INDICATOR: 'Ignored',
  CONVERSATION_STREAMING_TOKEN: 'Ignored',
  CONVERSATION_SESSION_STATUS_CHANGED: 'SessionStatusChanged',
};

const ENTRY_TYPES: ReadonlySet<string> = new Set([
  'Message',
  'ParticipantChanged',
  'RoutingResult',
  'RoutingWorkResult',
  'TypingStartedIndicator',
  'TypingStoppedIndicator',
  'CloseConversation',
]);

const senderSchema = z.looseObject({ role: z.string().optional(), subject: z.string().optional() });
const dataSchema = z.looseObject({
  conversationId: z.string().optional(),
  conversationEntry: z
    .looseObject({
      identifier: z.string().optional(),
      entryType: z.string().optional(),
      sender: senderSchema.optional(),
      senderDisplayName: z.string().nullish(),
      transcriptedTimestamp: z.number().optional(),
      clientTimestamp: z.number().optional(),
      entryPayload: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    })
    .optional(),
});

type Payload = Record<string, unknown>;
const AGENT_ROLES = new Set(['Agent', 'Chatbot']);

/** True for a keep-alive (`ping` or an event without data): it only proves the stream is alive. */
export function isKeepAlive(message: StreamMessage): boolean {
  return message.event === 'ping' || message.data.trim() === '';
}

/**
 * Maps one stream message. Returns the events and the next view; `null` when the message is not for
 * `conversationId` or not something a handover cares about.
 */
export function mapStreamMessage(
  message: StreamMessage,
  conversationId: string,
  view: ConversationView,
  options: MapOptions,
): { events: HandoverEvent[]; view: ConversationView } | null {
  if (isKeepAlive(message)) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(message.data);
  } catch {
    return null;
  }
  const parsed = dataSchema.safeParse(raw);
  if (!parsed.success || !parsed.data.conversationEntry) return null;
  const data = parsed.data;
  if (data.conversationId && data.conversationId.toLowerCase() !== conversationId.toLowerCase()) return null;
  const entry = data.conversationEntry!;
  const payload = payloadOf(entry.entryPayload);
  const named = message.event ? EVENT_NAMES[message.event] : undefined;
  const typed = entry.entryType ?? (typeof payload.entryType === 'string' ? payload.entryType : undefined);
  const kind: Kind | undefined = typed && ENTRY_TYPES.has(typed) ? (typed as Kind) : named;
  if (!kind || kind === 'Ignored' || kind === 'Ping') return null;

  const id = entry.identifier ?? message.id;
  if (!id) return null;
  const base = { conversationId, occurredAt: entry.transcriptedTimestamp ?? entry.clientTimestamp ?? options.now };
  const ev = (suffix: string) => ({ ...base, eventId: suffix ? `miaw:${id}:${suffix}` : `miaw:${id}` });
  const role = entry.sender?.role;
  const next: ConversationView = { ...view, agents: [...view.agents] };
  const events: HandoverEvent[] = [];
  const provider = (name: string, extra: Payload = {}) => {
    if (options.forwardEvents)
      events.push({ ...ev('provider'), type: 'provider-event', name, data: { entryType: typed ?? kind, ...extra } });
  };
  if (view.ended) return null; // nothing after the end counts (a repeated close, a late message)
  if (view.recentIds.includes(id)) return null; // handled already (a replay, or seen by the catch-up)
  const at = entry.transcriptedTimestamp;
  if (options.catchUp && at !== undefined && view.lastEntryAt !== undefined && at < view.lastEntryAt) return null;
  if (!kind.startsWith('Typing')) {
    next.recentIds = [...view.recentIds, id].slice(-RECENT_IDS);
    if (at !== undefined) next.lastEntryAt = Math.max(view.lastEntryAt ?? at, at);
  }

  switch (kind) {
    case 'Message': {
      if (role === 'EndUser') break; // our own messages, echoed back
      const content = messageContent(payload);
      if (!role || !AGENT_ROLES.has(role)) {
        provider('system-message', content.text ? { text: content.text } : {});
        break;
      }
      if (!content.text && content.attachments.length === 0) break;
      const agent = agentOf(entry.sender?.subject, entry.senderDisplayName ?? undefined, role);
      events.push(agentMessageEvent(ev(''), content.text, content.attachments, agent));
      break;
    }
    case 'ParticipantChanged':
      participantChanges(payload, next, events, ev, options);
      break;
    case 'RoutingResult':
      routingResult(payload, next, events, ev);
      break;
    case 'RoutingWorkResult': {
      const work = str(payload.workType) ?? str(payload.routingWorkType);
      if (work === 'Transferred') next.transferring = true;
      if (work === 'Closed') {
        next.ended = true;
        events.push({ ...ev('closed'), type: 'handover-completed', by: 'agent' });
      } else provider('routing-work-result', work ? { workType: work } : {});
      break;
    }
    case 'TypingStartedIndicator':
    case 'TypingStoppedIndicator':
    case 'TypingIndicator': {
      if (!role || !AGENT_ROLES.has(role)) break;
      const typing = kind === 'TypingIndicator' ? typingOf(payload) : kind === 'TypingStartedIndicator';
      events.push({
        ...ev(''),
        type: 'agent-typing',
        typing,
        agent: agentOf(entry.sender?.subject, entry.senderDisplayName ?? undefined, role),
      });
      break;
    }
    case 'CloseConversation':
      next.ended = true;
      events.push({ ...ev(''), type: 'handover-completed', by: 'agent' });
      break;
    case 'SessionStatusChanged':
      provider(
        'session-status-changed',
        str(payload.sessionStatus) ? { sessionStatus: str(payload.sessionStatus) } : {},
      );
      break;
  }
  return events.length > 0 || JSON.stringify(next) !== JSON.stringify(view) ? { events, view: next } : null;
}

type Ev = (suffix: string) => { conversationId: string; occurredAt: number; eventId: string };

function participantChanges(
  payload: Payload,
  view: ConversationView,
  events: HandoverEvent[],
  ev: Ev,
  options: MapOptions,
): void {
  const entries = Array.isArray(payload.entries) ? (payload.entries as Payload[]) : [];
  entries.forEach((change, i) => {
    const participant = (change.participant ?? {}) as Payload;
    if (str(participant.role) !== 'Agent') return;
    const agent = agentOf(str(participant.subject), str(change.displayName), 'Agent');
    const known = view.agents.findIndex((a) => a.id === agent.id);
    if (str(change.operation) === 'add') {
      if (known >= 0) return;
      view.agents.push(agent);
      view.hadAgent = true;
      view.transferring = false;
      events.push({ ...ev(`join:${i}`), type: 'agent-joined', agent });
    } else if (str(change.operation) === 'remove') {
      if (known >= 0) view.agents.splice(known, 1);
      const requeued = view.transferring && view.agents.length === 0;
      events.push({ ...ev(`left:${i}`), type: 'agent-left', agent, requeued });
      if (options.endChatWhenAgentLeaves && !view.transferring && view.agents.length === 0) {
        view.ended = true;
        events.push({ ...ev(`end:${i}`), type: 'handover-completed', by: 'agent' });
      }
    }
  });
}

function routingResult(payload: Payload, view: ConversationView, events: HandoverEvent[], ev: Ev): void {
  const failure = str(payload.failureType);
  if (failure && failure !== 'None') {
    const errors = Array.isArray(payload.errorMessages)
      ? payload.errorMessages.filter((m): m is string => typeof m === 'string')
      : [];
    view.ended = true;
    view.outcome = 'error';
    const message = str(payload.failureReason) ?? (errors.join('; ') || 'Salesforce could not route the conversation');
    events.push({ ...ev(''), type: 'handover-error', code: `routing-${failure}`, message });
    return;
  }
  if (str(payload.routingType) === 'Transfer') {
    view.transferring = true;
    // The agent already left: the conversation is waiting in a queue again.
    if (view.hadAgent && view.agents.length === 0)
      events.push({ ...ev('requeued'), type: 'agent-left', requeued: true });
  }
  const ewt = (payload.estimatedWaitTime ?? {}) as Payload;
  const seconds = ewt.estimatedWaitTimeInSeconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds >= 0) {
    view.estimatedWaitMs = seconds * 1000;
    // MIAW gives no queue position: the event carries the wait only.
    if (view.agents.length === 0)
      events.push({ ...ev('wait'), type: 'queue-updated', estimatedWaitMs: seconds * 1000 });
  }
}

function messageContent(payload: Payload): { text: string; attachments: Attachment[] } {
  const message = (payload.abstractMessage ?? {}) as Payload;
  const staticContent = (message.staticContent ?? {}) as Payload;
  const choices = (message.choices ?? {}) as Payload;
  const text = str(staticContent.text) ?? str(choices.text) ?? '';
  const list = Array.isArray(staticContent.attachments) ? (staticContent.attachments as Payload[]) : [];
  const attachments: Attachment[] = [];
  for (const a of list) {
    const url = str(a.url);
    if (!url) continue;
    const name = str(a.name);
    attachments.push(agentAttachment(url, str(a.mimeType), name));
  }
  return { text, attachments };
}

/** The SDK's single typing event: an explicit flag where present, otherwise "started". */
function typingOf(payload: Payload): boolean {
  if (typeof payload.isTyping === 'boolean') return payload.isTyping;
  const status = str(payload.typingIndicatorStatus) ?? str(payload.status) ?? '';
  return !/stop/i.test(status);
}

function agentOf(subject: string | undefined, name: string | undefined, role: string): Agent {
  const id = subject ?? name ?? role;
  return { id, ...(name ? { name } : {}) };
}

function payloadOf(value: unknown): Payload {
  if (value && typeof value === 'object') return value as Payload;
  if (typeof value !== 'string') return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' ? (parsed as Payload) : {};
  } catch {
    return {};
  }
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}
