import { isTerminalStatus, transition, type Agent, type HandoverEvent, type HandoverStatus } from '../contract';
import type { DeliveryItem, FlowHandoverInput } from '../delivery';
import type { HandoverRecord } from '../model';
import { renderTemplate } from './templates';
import { assertNever } from '../util/never';

/**
 * Applies one connector event to a handover record: the status machine, and what the user and the
 * flow get to see. Pure — no I/O — so it is cheap and exhaustively testable. Throws
 * `IllegalTransitionError` for an event a terminal handover can no longer take.
 */
export interface ApplyResult {
  record: HandoverRecord;
  deliveries: DeliveryItem[];
  /** True when the event changed nothing (stale queue update, duplicate terminal event). */
  ignored: boolean;
}

export function applyEvent(record: HandoverRecord, event: HandoverEvent, now: number): ApplyResult {
  const out: DeliveryItem[] = [];
  const next: HandoverRecord = { ...record, updatedAt: now };
  const b = record.behaviour;
  const at: Applying = { record, next, out, idBase: `${record.id}:${event.eventId}` };

  switch (event.type) {
    case 'queue-updated': {
      if (next.status !== 'queue') return { record, deliveries: [], ignored: true };
      if (event.position !== undefined) next.queuePosition = event.position;
      if (event.estimatedWaitMs !== undefined) next.estimatedWaitMs = event.estimatedWaitMs;
      break;
    }
    case 'agent-joined':
      if (next.status === 'active')
        next.agent = event.agent; // another agent took over
      else becomeActive(at, event.agent);
      break;
    case 'agent-message':
      if (next.status !== 'active') becomeActive(at, event.agent);
      out.push({
        type: 'message',
        id: at.idBase,
        ...address(record),
        source: 'agent',
        text: event.text,
        ...(event.attachments ? { attachments: event.attachments } : {}),
        ...((event.agent ?? next.agent) ? { agent: event.agent ?? next.agent } : {}),
      });
      break;
    case 'agent-typing':
      if (isTerminalStatus(next.status)) return { record, deliveries: [], ignored: true };
      out.push({
        type: 'typing',
        id: at.idBase,
        ...address(record),
        typing: event.typing,
        ...(event.agent ? { agent: event.agent } : {}),
      });
      return { record, deliveries: out, ignored: false };
    case 'agent-left':
      // Vendors often report the agent leaving after the conversation ended: nothing to do then.
      if (isTerminalStatus(next.status)) return { record, deliveries: [], ignored: true };
      next.agent = undefined;
      if (event.requeued && next.status === 'active') {
        next.status = transition(next.status, 'queue', record.id);
        if (b.sendQueueEvent) pushFlowEvent(at, 'requeued', { status: 'queue', data: { requeued: true } });
      }
      break;
    case 'handover-completed':
      if (!endAs(next, 'completed')) return { record, deliveries: [], ignored: true };
      if (b.sendResolveEvent) pushFlowEvent(at, 'completed', { status: 'completed', data: { by: event.by } });
      break;
    case 'handover-cancelled':
      if (!endAs(next, 'cancelled')) return { record, deliveries: [], ignored: true };
      pushFlowEvent(at, 'cancelled', {
        status: 'cancelled',
        data: { by: event.by, ...(event.reason ? { reason: event.reason } : {}) },
      });
      break;
    case 'handover-error':
      if (!endAs(next, 'error')) return { record, deliveries: [], ignored: true };
      next.error = { reason: 'error', message: event.message, code: event.code };
      pushFlowEvent(at, 'error', {
        status: 'error',
        error: { reason: 'error', message: event.message, code: event.code },
      });
      break;
    case 'provider-event': {
      if (isTerminalStatus(next.status)) return { record, deliveries: [], ignored: true };
      // As Cognigy: a contact-center bot / status message is a `genericHandoverUpdate` (text at
      // `input.data.request.text`); any other forwarded provider event is an `agentInject`.
      const data = {
        name: event.name,
        ...(event.text !== undefined ? { text: event.text } : {}),
        ...(event.data ?? {}),
      };
      if (GENERIC_UPDATES.has(event.name))
        pushFlowEvent(at, 'provider', { status: 'genericHandoverUpdate', eventType: 'genericHandoverUpdate', data });
      else pushFlowEvent(at, 'provider', { status: 'agentInject', data });
      break;
    }
    default:
      return assertNever(event, 'event type');
  }
  return { record: next, deliveries: out, ignored: false };
}

/** One event being applied: the record before, the next version, what it delivers. */
interface Applying {
  record: HandoverRecord;
  next: HandoverRecord;
  out: DeliveryItem[];
  idBase: string;
}

function pushFlowEvent(
  at: Applying,
  suffix: string,
  handover: Omit<FlowHandoverInput, 'handoverId' | 'providerId'>,
): void {
  const { record } = at;
  at.out.push({
    type: 'event',
    id: `${at.idBase}:${suffix}`,
    ...address(record),
    handover: { ...handover, handoverId: record.id, providerId: record.providerId },
  });
}

function becomeActive(at: Applying, agent: Agent | undefined): void {
  const { record, next, out, idBase } = at;
  const b = record.behaviour;
  const wasQueued = next.status === 'queue';
  next.status = transition(next.status, 'active', record.id);
  if (agent) next.agent = agent;
  next.queuePosition = undefined;
  next.estimatedWaitMs = undefined;
  next.assignmentDueAt = undefined; // assigned: the wait is over
  if (!wasQueued) return;
  if (b.sendActiveEvent) pushFlowEvent(at, 'active', { status: 'active', data: agent ? { agent } : {} });
  if (b.agentJoinedText) {
    const text = renderTemplate(b.agentJoinedText, { agentName: agent?.name ?? 'An agent' });
    out.push({ type: 'message', id: `${idBase}:joined`, ...address(record), source: 'system', text });
  }
}

/** Ends the handover; false for a repeat of the same end (nothing new). */
function endAs(next: HandoverRecord, status: HandoverStatus): boolean {
  if (next.status === status && isTerminalStatus(status)) return false;
  next.status = transition(next.status, status, next.id);
  next.inactivity = undefined;
  next.idleDueAt = undefined;
  next.pending = undefined;
  return true;
}

/** Provider events Cognigy delivers as `genericHandoverUpdate` (Genesys bot and status messages). */
const GENERIC_UPDATES = new Set(['genesys-bot-message']);

export function address(record: HandoverRecord) {
  return { handoverId: record.id, providerId: record.providerId, session: record.session };
}

/** Sorts a batch the way it happened: by sequence where known, then by time. */
export function compareEvents(a: HandoverEvent, b: HandoverEvent): number {
  if (a.sequence !== undefined && b.sequence !== undefined && a.conversationId === b.conversationId)
    return a.sequence - b.sequence;
  return a.occurredAt - b.occurredAt;
}
