import type { Agent, HandoverEvent, HandoverStatus } from 'handover-kit/contract';
import type { CxoneContact } from './api';
import type { ThreadRecord } from './threads';

/** DFO contact statuses after which nobody answers any more. */
export const ENDED_STATUSES: ReadonlySet<string> = new Set(['resolved', 'closed', 'trashed']);

export function agentOf(contact: CxoneContact): Agent | undefined {
  const user = contact.inboxAssigneeUser;
  if (!user) return undefined;
  const name = [user.firstName, user.surname].filter(Boolean).join(' ') || user.nickname || undefined;
  return { id: user.id, ...(name ? { name } : {}), ...(user.imageUrl ? { avatarUrl: user.imageUrl } : {}) };
}

export function isEnded(contact: CxoneContact): boolean {
  return ENDED_STATUSES.has((contact.status ?? '').toLowerCase());
}

/** The handover status a contact stands for. */
export function statusOf(contact: CxoneContact): HandoverStatus {
  if (isEnded(contact)) return 'completed';
  return contact.inboxAssigneeUser ? 'active' : 'queue';
}

/**
 * BYOC has no callback for "assigned" or "closed": the poller compares each contact read with the
 * last one it reported. An assignee appearing is "agent joined", disappearing (the contact went
 * back to the queue) "agent left, requeued", another assignee a transfer; resolved / closed /
 * trashed ends the handover (completed by the agent, or cancelled when no agent ever took it).
 */
export function diffContact(
  threadId: string,
  record: ThreadRecord,
  contact: CxoneContact,
  now: number,
): { events: HandoverEvent[]; record: ThreadRecord } {
  if (record.phase === 'ended') return { events: [], record };
  const events: HandoverEvent[] = [];
  let changes = record.changes;
  const base = (kind: string) => ({
    conversationId: threadId,
    eventId: `cxone:${threadId}:${++changes}:${kind}`,
    occurredAt: now,
  });
  const agent = agentOf(contact);
  const previous = record.agent;
  if (isEnded(contact)) {
    const status = (contact.status ?? '').toLowerCase();
    if (previous || record.phase === 'active')
      events.push({ ...base('completed'), type: 'handover-completed', by: 'agent' });
    else
      events.push({
        ...base('cancelled'),
        type: 'handover-cancelled',
        by: 'agent',
        reason: `The contact was ${status} before an agent took it`,
      });
    return { events, record: { ...record, phase: 'ended', changes } };
  }
  if (agent && agent.id !== previous?.id) {
    if (previous) events.push({ ...base('left'), type: 'agent-left', agent: previous, requeued: false });
    events.push({ ...base('joined'), type: 'agent-joined', agent });
  } else if (!agent && previous) {
    events.push({ ...base('left'), type: 'agent-left', agent: previous, requeued: true });
  }
  if (events.length === 0) return { events, record };
  const next: ThreadRecord = { ...record, phase: agent ? 'active' : 'queue', changes };
  if (agent) next.agent = agent;
  else delete next.agent;
  return { events, record: next };
}
