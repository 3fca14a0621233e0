import { EventEmitter } from 'eventemitter3';
import type { Agent, Attachment, HandoverStatus } from './contract';
import type { SessionAddress } from './model';

/**
 * What the flow sees as `input.handover`, shaped like Cognigy's: `status`, `eventType` (why the
 * flow was re-entered), `data` (queue position and estimatedWaitTime in ms), `error`,
 * `inactivityCount`. Statuses and event types are Cognigy's: `agentInject` (a provider event
 * forwarded to the flow), `genericHandoverUpdate` (a contact-center bot / status message);
 * `handoverAlreadyInProgress` is the kit's name for Cognigy's "Handover Already in Progress" case.
 */
export type FlowHandoverStatus = HandoverStatus | 'handoverAlreadyInProgress' | 'agentInject' | 'genericHandoverUpdate';
export type FlowEventType = 'queueUpdate' | 'handoverInactivity' | 'genericHandoverUpdate';

export interface FlowHandoverInput {
  status: FlowHandoverStatus;
  eventType?: FlowEventType;
  data?: Record<string, unknown>;
  /**
   * As Cognigy's: `reason` is `error` or `unsupported`; `code` tells more (`agents_unavailable`,
   * `vendor_error`, …) and `unavailableReason` why nobody could take it (`outside-business-hours`,
   * `holiday`, `no-agents`, `queue-full`), so a flow can branch without parsing the message.
   */
  error?: { reason: 'error' | 'unsupported'; message: string; code?: string; unavailableReason?: string };
  inactivityCount?: number;
  handoverId: string;
  providerId: string;
}

interface ItemBase {
  /** Unique and stable: a retried delivery carries the same id (Cognigy-side dedupe, outbox keys). */
  id: string;
  handoverId: string;
  providerId: string;
  session: SessionAddress;
}

/** Text straight to the user (Cognigy notify): agent messages and system notices. */
export interface MessageDelivery extends ItemBase {
  type: 'message';
  source: 'agent' | 'system';
  text: string;
  attachments?: Attachment[];
  agent?: Agent;
}

/** A handover event into the flow (Cognigy inject), so the Lookup node routes it. */
export interface EventDelivery extends ItemBase {
  type: 'event';
  handover: FlowHandoverInput;
}

/** Agent typing indicator to the user (notify with data only). */
export interface TypingDelivery extends ItemBase {
  type: 'typing';
  typing: boolean;
  agent?: Agent;
}

export type DeliveryItem = MessageDelivery | EventDelivery | TypingDelivery;

/**
 * Carries updates into the user's session. Implementations: Cognigy inject/notify (gateway),
 * the in-memory recorder below (tests, demo), a browser page (playground).
 * `deliver` resolves once the item is handed off durably; it may throw (the caller keeps it).
 */
export interface Delivery {
  deliver(item: DeliveryItem): Promise<void>;
}

export interface MemoryDeliveryEvents {
  item: [item: DeliveryItem];
}

/** Records everything delivered, per session, in order. */
export class MemoryDelivery extends EventEmitter<MemoryDeliveryEvents> implements Delivery {
  readonly items: DeliveryItem[] = [];

  async deliver(item: DeliveryItem): Promise<void> {
    this.items.push(item);
    this.emit('item', item);
  }

  forSession(session: Pick<SessionAddress, 'userId' | 'sessionId'>): DeliveryItem[] {
    return this.items.filter((i) => i.session.userId === session.userId && i.session.sessionId === session.sessionId);
  }

  /** Texts the user saw, in order. */
  texts(session?: Pick<SessionAddress, 'userId' | 'sessionId'>): string[] {
    return (session ? this.forSession(session) : this.items).flatMap((i) => (i.type === 'message' ? [i.text] : []));
  }

  events(session?: Pick<SessionAddress, 'userId' | 'sessionId'>): FlowHandoverInput[] {
    return (session ? this.forSession(session) : this.items).flatMap((i) => (i.type === 'event' ? [i.handover] : []));
  }

  clear(): void {
    this.items.length = 0;
  }
}

/**
 * Where a handover event sits in the data of a Cognigy inject (and so in the flow's `input.data`):
 * `input.data.handoverKit = { version: 1, handover }`. The nodes read it from there and copy it to
 * `input.handover`, the key Cognigy's own handover uses.
 */
export const FLOW_DATA_KEY = 'handoverKit';

export interface FlowEventData {
  version: 1;
  /**
   * The delivery item's id, the same on every retry of it: delivery toward Cognigy is at-least-once
   * (a call Cognigy accepted but answered too late is sent again), so a flow or webchat that must
   * not show a copy twice drops a `messageId` it has already seen.
   */
  messageId?: string;
  handover: FlowHandoverInput;
}

export function flowEventData(handover: FlowHandoverInput, messageId?: string): Record<string, unknown> {
  const mirrored = handover.eventType === 'queueUpdate' || handover.eventType === 'genericHandoverUpdate';
  return {
    [FLOW_DATA_KEY]: { version: 1, ...(messageId ? { messageId } : {}), handover },
    ...(mirrored && handover.data ? { request: handover.data } : {}),
  };
}

/** Reads a handover event out of a flow input's `data`, if it carries one. */
export function readFlowEvent(data: unknown): FlowHandoverInput | undefined {
  if (!data || typeof data !== 'object') return undefined;
  const payload = (data as Record<string, unknown>)[FLOW_DATA_KEY] as Partial<FlowEventData> | undefined;
  const handover = payload?.handover;
  return handover && typeof handover === 'object' && typeof handover.status === 'string' ? handover : undefined;
}
