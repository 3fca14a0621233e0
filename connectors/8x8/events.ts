import { z } from 'zod';
import type { Agent, Attachment, ConnectorStateV1, HandoverEvent, Logger } from 'handover-kit/contract';
import { agentAttachment, agentMessageEvent } from 'handover-kit/connector-utils';

/**
 * Chat Gateway v1 webhook events → handover events. Only the current event names are read
 * (`CONVERSATION_UPDATE`, `QUEUED`, `MEMBERS_CHANGED`, `TRANSFER`, `MESSAGE`, `ACTIVITY`); the retired
 * Chat API v2 names (`AGENT_JOINED`, `AGENT_LEFT`, `TEXT`) are dropped with a warning.
 */

const envelopeSchema = z.looseObject({
  eventType: z.string().min(1),
  conversationId: z.string().min(1).optional(),
  timestamp: z.number().optional(),
  data: z.unknown().optional(),
});
export type EightByEightEnvelope = z.infer<typeof envelopeSchema>;
export { envelopeSchema };

const messageData = z.looseObject({
  isEcho: z.boolean().optional(),
  sender: z.looseObject({ id: z.string().optional(), type: z.string().optional() }).optional(),
  text: z.string().nullish(),
  attachments: z
    .array(
      z.looseObject({
        id: z.string().optional(),
        type: z.string().optional(),
        preSignedUrl: z.string().optional(),
        fileName: z.string().optional(),
      }),
    )
    .nullish(),
  cards: z.array(z.unknown()).nullish(),
});
const membersData = z.looseObject({ memberType: z.string(), change: z.string(), id: z.string().optional() });
const queuedData = z.looseObject({ queueId: z.string().optional(), queueName: z.string().optional() });
const updateData = z.looseObject({
  state: z.string().optional(),
  assignment: z.looseObject({ type: z.string().optional(), id: z.string().optional() }).nullish(),
});
const activityData = z.looseObject({ name: z.string(), value: z.unknown().optional() });
const typingValue = z.looseObject({
  users: z.array(z.looseObject({ id: z.string().optional(), type: z.string().optional() })),
});

export const RETIRED_EVENT_TYPES = new Set([
  'AGENT_JOINED',
  'AGENT_LEFT',
  'TEXT',
  'AGENT_MESSAGE',
  'CONVERSATION_ENDED',
]);

/** Keys in the provider's shared state (a webhook may land on any gateway instance). */
export const stateKey = {
  transfer: (c: string) => `transfer:${c}`,
  closedByBot: (c: string) => `closed:${c}`,
  ended: (c: string) => `ended:${c}`,
  start: (idempotencyKey: string) => `start:${idempotencyKey}`,
};
export const STATE_TTL_MS = 7 * 24 * 3_600_000;

export interface EventContext {
  state: ConnectorStateV1;
  logger: Logger;
  /** Best-effort wait estimate for a queue (undefined when metrics are off or fail). */
  estimateWaitMs(queueId: string | undefined): Promise<number | undefined>;
}

function attachmentsOf(list: z.infer<typeof messageData>['attachments']): Attachment[] {
  return (list ?? []).flatMap((a) => (a.preSignedUrl ? [agentAttachment(a.preSignedUrl, a.type, a.fileName)] : []));
}

const agentOf = (id: string | undefined): Agent | undefined => (id ? { id } : undefined);

/**
 * Turns one verified webhook body into events. `eventId` is 8x8's x-8x8-event-id (the same on every
 * retry); the end of a handover gets an id of its own per conversation, so the several signals of
 * one end (agent left, conversation idle) are delivered once.
 */
export async function toEvents(
  envelope: EightByEightEnvelope,
  eventId: string,
  receivedAt: number,
  ctx: EventContext,
): Promise<HandoverEvent[]> {
  const { eventType, conversationId } = envelope;
  if (!conversationId) {
    if (eventType !== 'WEB_HOOK_VERIFY')
      ctx.logger.debug('8x8 webhook without a conversation id dropped', { eventType });
    return [];
  }
  const base = { conversationId, eventId: `8x8:${eventId}`, occurredAt: envelope.timestamp ?? receivedAt };
  const endId = `8x8:${conversationId}:end`;

  /** The handover ended at 8x8; nothing to report when the bot closed it itself. */
  const ended = async (by: 'agent' | 'user'): Promise<HandoverEvent[]> => {
    if (await ctx.state.get(stateKey.closedByBot(conversationId))) return [];
    // Reported once (agent left and the conversation going idle both mean it); the shared id also lets
    // the service drop a repeat that two gateway instances might race to.
    if (await ctx.state.get(stateKey.ended(conversationId))) return [];
    await ctx.state.set(stateKey.ended(conversationId), by, { ttlMs: STATE_TTL_MS });
    if (by === 'user')
      return [
        {
          ...base,
          eventId: endId,
          type: 'handover-cancelled',
          by: 'user',
          reason: 'The user left the 8x8 conversation',
        },
      ];
    return [{ ...base, eventId: endId, type: 'handover-completed', by: 'agent' }];
  };

  switch (eventType) {
    case 'MESSAGE': {
      const data = messageData.safeParse(envelope.data);
      if (!data.success || data.data.isEcho === true) return []; // echoes are the bot's own messages
      const sender = (data.data.sender?.type ?? '').toLowerCase();
      const text = data.data.text ?? '';
      const attachments = attachmentsOf(data.data.attachments);
      const cards = data.data.cards ?? [];
      if (sender === 'agent') {
        if (!text && attachments.length === 0) {
          if (cards.length === 0) return [];
          return [{ ...base, type: 'provider-event', name: '8x8-cards', data: { cards } }];
        }
        const agent = agentOf(data.data.sender?.id);
        return [agentMessageEvent(base, text, attachments, agent)];
      }
      if (sender === 'system' && text) return [{ ...base, type: 'provider-event', name: '8x8-system-message', text }];
      return []; // the user's own and the bot's messages are not agent activity
    }
    case 'MEMBERS_CHANGED': {
      const data = membersData.safeParse(envelope.data);
      if (!data.success) return [];
      const { memberType, change, id } = data.data;
      if (memberType === 'agent' && change === 'joined')
        return [{ ...base, type: 'agent-joined', agent: agentOf(id) ?? { id: 'agent' } }];
      if (memberType === 'agent' && change === 'left') {
        const agent = agentOf(id);
        if (await ctx.state.get(stateKey.transfer(conversationId))) {
          // After TRANSFER the agent's leaving is not the end: another agent will join.
          await ctx.state.delete(stateKey.transfer(conversationId));
          return [{ ...base, type: 'agent-left', requeued: true, ...(agent ? { agent } : {}) }];
        }
        return [
          { ...base, type: 'agent-left', requeued: false, ...(agent ? { agent } : {}) },
          ...(await ended('agent')),
        ];
      }
      if (memberType === 'user' && change === 'left') return ended('user');
      return [];
    }
    case 'TRANSFER':
      await ctx.state.set(stateKey.transfer(conversationId), '1', { ttlMs: STATE_TTL_MS });
      return [];
    case 'QUEUED': {
      const data = queuedData.safeParse(envelope.data);
      const wait = await ctx.estimateWaitMs(data.success ? data.data.queueId : undefined);
      return [{ ...base, type: 'queue-updated', ...(wait !== undefined ? { estimatedWaitMs: wait } : {}) }];
    }
    case 'CONVERSATION_UPDATE': {
      const data = updateData.safeParse(envelope.data);
      // "idle": the interaction is over (the conversation itself stays, for a later post-agent bot).
      if (data.success && data.data.state === 'idle') return ended('agent');
      return [];
    }
    case 'ACTIVITY': {
      const data = activityData.safeParse(envelope.data);
      if (!data.success || data.data.name !== 'typing') return [];
      const typing = typingValue.safeParse(data.data.value);
      if (!typing.success) return [];
      if (typing.data.users.length === 0) return [{ ...base, type: 'agent-typing', typing: false }];
      const agent = typing.data.users.find((u) => (u.type ?? '').toLowerCase() === 'agent');
      if (!agent) return [];
      return [{ ...base, type: 'agent-typing', typing: true, ...(agent.id ? { agent: { id: agent.id } } : {}) }];
    }
    default:
      if (RETIRED_EVENT_TYPES.has(eventType)) {
        ctx.logger.warn('8x8 webhook uses a retired Chat API v2 event name; set the webhook to "Chat Gateway v1.0"', {
          eventType,
        });
      } else {
        ctx.logger.debug('8x8 webhook event not relayed', { eventType });
      }
      return [];
  }
}
