import type { Agent, HandoverEvent, HandoverStatus } from 'handover-kit/contract';
import type { GenesysConversation, GenesysParticipant } from './vendor-types';

/**
 * Reading a Genesys message conversation's participants: who the customer is, whether an agent is
 * connected, whether the conversation waits in a queue, whether it ended. Pure functions, so the
 * poller and `doGetStatus` agree and the rules are testable without a server.
 */

const ENDED_STATES = new Set(['disconnected', 'terminated']);
const OFFERED_STATES = new Set(['alerting', 'offering', 'contacting', 'dialing']);

export function hasEnded(p: GenesysParticipant): boolean {
  return ENDED_STATES.has((p.state ?? '').toLowerCase()) || Boolean(p.endTime);
}

const purposeOf = (p: GenesysParticipant) => (p.purpose ?? '').toLowerCase();

export function agentOf(p: GenesysParticipant): Agent {
  const name = p.user?.name ?? p.name ?? undefined;
  return { id: p.user?.id ?? p.id, ...(name ? { name } : {}) };
}

export interface ConversationSummary {
  status: Extract<HandoverStatus, 'queue' | 'active' | 'completed'>;
  customer?: GenesysParticipant;
  /** Agents connected now. */
  connectedAgents: GenesysParticipant[];
  /** An ACD participant still routing, or an agent being offered the conversation. */
  waiting: boolean;
  /** Queue the conversation waits in (from the live ACD participant). */
  queueId?: string;
}

export function summarize(conversation: GenesysConversation): ConversationSummary {
  const participants = conversation.participants;
  const customer = participants.find((p) => purposeOf(p) === 'customer');
  const connectedAgents = participants.filter(
    (p) => purposeOf(p) === 'agent' && (p.state ?? '').toLowerCase() === 'connected' && !p.endTime,
  );
  const acd = participants.filter((p) => purposeOf(p) === 'acd' && !hasEnded(p));
  const offered = participants.some(
    (p) => purposeOf(p) === 'agent' && OFFERED_STATES.has((p.state ?? '').toLowerCase()),
  );
  const ended = customer ? hasEnded(customer) : false;
  const queueId = acd.find((p) => p.queue?.id)?.queue?.id;
  return {
    status: ended ? 'completed' : connectedAgents.length > 0 ? 'active' : 'queue',
    ...(customer ? { customer } : {}),
    connectedAgents,
    waiting: acd.length > 0 || offered,
    ...(queueId ? { queueId } : {}),
  };
}

/** Who ended it, from the customer participant's `disconnectType` (see the docs page for the mapping). */
export function completedBy(disconnectType: string | null | undefined): 'agent' | 'user' | 'timeout' {
  switch ((disconnectType ?? '').toLowerCase()) {
    case 'endpoint':
      return 'user';
    case 'timeout':
    case 'inactivity':
    case 'session.expired':
      return 'timeout';
    default:
      return 'agent';
  }
}

/** What the poller has already reported for one conversation. */
export interface TrackState {
  /** Agent participants reported as joined and not yet as left. */
  joined: Map<string, Agent>;
  /** Agent participants reported as left (never reported again). */
  left: Set<string>;
  ended: boolean;
}

export function newTrackState(): TrackState {
  return { joined: new Map(), left: new Set(), ended: false };
}

function time(iso: string | null | undefined, fallback: number): number {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? t : fallback;
}

/**
 * The events a fresh snapshot implies, given what was reported before; updates `state`. Event ids
 * are built from the conversation and participant ids, so a repeat (another poll, another instance)
 * carries the same id and is dropped by the service.
 */
export function diffSnapshot(
  conversationId: string,
  conversation: GenesysConversation,
  state: TrackState,
  now: number,
): HandoverEvent[] {
  if (state.ended) return [];
  const summary = summarize(conversation);
  const base = (kind: string, at: number) => ({
    conversationId: conversationId,
    eventId: `genesys:${conversationId}:${kind}`,
    occurredAt: at,
  });

  if (summary.status === 'completed') {
    state.ended = true;
    const customer = summary.customer!;
    return [
      {
        ...base('completed', time(customer.endTime, now)),
        type: 'handover-completed',
        by: completedBy(customer.disconnectType),
      },
    ];
  }

  const events: HandoverEvent[] = [];
  const byId = new Map(conversation.participants.map((p) => [p.id, p]));
  for (const [participantId, agent] of state.joined) {
    const p = byId.get(participantId);
    if (p && !hasEnded(p) && (p.state ?? '').toLowerCase() === 'connected') continue;
    state.joined.delete(participantId);
    state.left.add(participantId);
    const others = summary.connectedAgents.some((a) => a.id !== participantId);
    events.push({
      ...base(`left:${participantId}`, time(p?.endTime, now)),
      type: 'agent-left',
      agent,
      requeued: !others && summary.waiting,
    });
  }
  for (const p of summary.connectedAgents) {
    if (state.joined.has(p.id) || state.left.has(p.id)) continue;
    const agent = agentOf(p);
    state.joined.set(p.id, agent);
    events.push({ ...base(`joined:${p.id}`, time(p.connectedTime, now)), type: 'agent-joined', agent });
  }
  return events;
}
