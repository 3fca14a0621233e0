import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Attachment, HandoverEvent, Logger } from 'handover-kit/contract';
import { agentAttachment, agentMessageEvent, validItems } from 'handover-kit/connector-utils';
import type { EngageState } from './state';

/** Turns what Engage sends — Channel SDK actions and Webhook API events — into handover events. */

export interface EventContext {
  state: EngageState;
  logger: Logger;
  /** Relay `messaging.queuing_update` (Cognigy's "Get Queue Updates"). */
  queueUpdates: boolean;
}

const time = (value: unknown, fallback: number) => {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : fallback;
};
const digest = (raw: Uint8Array) => createHash('sha256').update(raw).digest('hex').slice(0, 24);
const str = z.string().min(1);

// ---- Channel SDK ------------------------------------------------------------------------------

export const sdkEnvelopeSchema = z.looseObject({
  action: str,
  params: z.record(z.string(), z.unknown()).nullish(),
  time: z.string().nullish(),
});
export type SdkEnvelope = z.infer<typeof sdkEnvelopeSchema>;

const agentContentSchema = z.looseObject({
  content_id: z.union([str, z.number()]).nullish(),
  author_id: z.union([str, z.number()]).nullish(),
  body: z.string().nullish(),
  sender_name: z.string().nullish(),
  thread_id: z.union([str, z.number()]).nullish(),
  recipient_id: z.union([str, z.number()]).nullish(),
  created_at: z.string().nullish(),
  attachments: z
    .array(z.looseObject({ url: z.string().nullish(), type: z.string().nullish(), filename: z.string().nullish() }))
    .nullish(),
});

const queueSchema = z.looseObject({
  estimated_wait_time: z.number().nonnegative().nullish(),
  position: z.number().int().nullish(),
  thread_id: z.union([str, z.number()]).nullish(),
});

function attachmentsOf(list: z.infer<typeof agentContentSchema>['attachments']): Attachment[] {
  return (list ?? []).flatMap((a) => (a.url ? [agentAttachment(a.url, a.type, a.filename)] : []));
}

/** The id we answer a created content with: stable, so Engage's retries of one content get one id. */
export function localContentId(contentId: string): string {
  return `hk-agent-${contentId}`;
}

/** Events of one SDK action. Contents on threads that are not ours are dropped (and logged). */
export async function sdkEvents(
  envelope: SdkEnvelope,
  raw: Uint8Array,
  receivedAt: number,
  ctx: EventContext,
): Promise<HandoverEvent[]> {
  const params = envelope.params ?? {};
  const conversationOf = async (threadId: unknown, recipientId?: unknown) => {
    const byThread = threadId != null ? await ctx.state.conversation(String(threadId)) : undefined;
    if (byThread) return String(threadId);
    return recipientId != null ? ctx.state.conversationOfUser(String(recipientId)) : undefined;
  };
  switch (envelope.action) {
    case 'messages.create':
    case 'private_messages.create': {
      const c = agentContentSchema.safeParse(params);
      if (!c.success) return [];
      const conversationId = await conversationOf(c.data.thread_id, c.data.recipient_id);
      if (!conversationId) {
        ctx.logger.warn('ringcentral: agent content for a thread this provider did not start; dropped', {
          action: envelope.action,
        });
        return [];
      }
      const attachments = attachmentsOf(c.data.attachments);
      const text = c.data.body ?? '';
      if (!text && attachments.length === 0) return [];
      const agentId = c.data.author_id != null ? String(c.data.author_id) : undefined;
      const eventBase = {
        conversationId,
        eventId: `ringcentral:content:${c.data.content_id ?? digest(raw)}`,
        occurredAt: time(c.data.created_at, time(envelope.time, receivedAt)),
      };
      const agent = agentId ? { id: agentId, ...(c.data.sender_name ? { name: c.data.sender_name } : {}) } : undefined;
      return [agentMessageEvent(eventBase, text, attachments, agent)];
    }
    case 'messaging.queuing_update': {
      const q = queueSchema.safeParse(params);
      if (!ctx.queueUpdates || !q.success) return [];
      const conversationId = await conversationOf(q.data.thread_id);
      if (!conversationId) return [];
      const position = q.data.position != null && q.data.position > 0 ? q.data.position : undefined;
      // Engage gives seconds; the kit (and Cognigy's input.data.handover) counts milliseconds.
      const estimatedWaitMs = q.data.estimated_wait_time != null ? q.data.estimated_wait_time * 1000 : undefined;
      await ctx.state.setQueue(conversationId, { position, estimatedWaitMs });
      return [
        {
          type: 'queue-updated',
          conversationId,
          // No id in the action: the body's digest, so a redelivery is a repeat and a new update is new.
          eventId: `ringcentral:queue:${digest(raw)}`,
          occurredAt: time(envelope.time, receivedAt),
          ...(position !== undefined ? { position } : {}),
          ...(estimatedWaitMs !== undefined ? { estimatedWaitMs } : {}),
        },
      ];
    }
    case 'typing.start':
    case 'typing.stop': {
      const conversationId = await conversationOf(params.thread_id);
      if (!conversationId) return [];
      return [
        {
          type: 'agent-typing',
          conversationId,
          eventId: `ringcentral:typing:${digest(raw)}`,
          occurredAt: time(envelope.time, receivedAt),
          typing: envelope.action === 'typing.start',
        },
      ];
    }
    default:
      return [];
  }
}

// ---- Webhook API ------------------------------------------------------------------------------

const webhookEventSchema = z.looseObject({
  type: str,
  id: str,
  issued_at: z.string().nullish(),
  user_id: z.string().nullish(),
  action: z.string().nullish(),
  resource: z.looseObject({
    type: z.string().nullish(),
    id: z.union([z.string(), z.number()]).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  }),
});
export const webhookEnvelopeSchema = z.looseObject({
  id: z.string().nullish(),
  domain_id: z.string().nullish(),
  events: z.array(z.unknown()),
});
type WebhookEvent = z.infer<typeof webhookEventSchema>;

/** Engage's thread id an event is about. */
function threadIdOf(e: WebhookEvent): string | undefined {
  const meta = e.resource.metadata ?? {};
  const id =
    meta.thread_id ?? meta.content_thread_id ?? (/thread/i.test(e.resource.type ?? '') ? e.resource.id : undefined);
  return id != null ? String(id) : undefined;
}

function agentOf(e: WebhookEvent) {
  const meta = e.resource.metadata ?? {};
  const id = e.user_id ?? (typeof meta.user_id === 'string' ? meta.user_id : undefined);
  return id ? { id } : undefined;
}

type Mapper = (
  e: WebhookEvent,
  base: { conversationId: string; eventId: string; occurredAt: number },
) => HandoverEvent | undefined;

const joined: Mapper = (e, base) => {
  const agent = agentOf(e);
  return agent ? { ...base, type: 'agent-joined', agent } : undefined;
};

/** Webhook event types and what they mean for a handover; the rest are not about the handover. */
const WEBHOOK_MAPPERS: Record<string, Mapper> = {
  'intervention.opened': joined,
  'intervention.assigned': joined,
  'intervention.user_updated': joined,
  'intervention.reopened': joined,
  'task.taken': joined,
  'intervention.closed': (_e, base) => ({ ...base, type: 'handover-completed', by: 'agent' }),
  'content.thread_closed': (_e, base) => ({ ...base, type: 'handover-completed', by: 'agent' }),
  'content.thread_auto_closed': (_e, base) => ({ ...base, type: 'handover-completed', by: 'timeout' }),
  // The agent dropped the intervention without closing it: the thread stays in the agents' category.
  'intervention.canceled': (e, base) => ({
    ...base,
    type: 'agent-left',
    requeued: true,
    ...(agentOf(e) ? { agent: agentOf(e)! } : {}),
  }),
  'task.expired_from_workbin': (_e, base) => ({ ...base, type: 'agent-left', requeued: true }),
  'intervention.deferred': (_e, base) => ({ ...base, type: 'provider-event', name: 'intervention.deferred' }),
  'task.transferred': (_e, base) => ({ ...base, type: 'provider-event', name: 'task.transferred' }),
};

/**
 * Events of one webhook delivery. Engage delivers at least once and in any order: each event keeps
 * Engage's own event id (the service drops repeats) and its `issued_at` (the service orders by it).
 * Engage has no gap-free counter, so no `sequence` is set.
 */
export async function webhookEvents(
  body: z.infer<typeof webhookEnvelopeSchema>,
  receivedAt: number,
  ctx: EventContext,
): Promise<HandoverEvent[]> {
  const out: HandoverEvent[] = [];
  for (const e of validItems(webhookEventSchema, body.events)) {
    const mapper = WEBHOOK_MAPPERS[e.type];
    if (!mapper) {
      ctx.logger.debug('ringcentral webhook event not relayed', { type: e.type, eventId: e.id });
      continue;
    }
    const threadId = threadIdOf(e);
    const conversationId = threadId ? await ctx.state.conversationOfThread(threadId) : undefined;
    if (!conversationId) {
      ctx.logger.debug('ringcentral webhook event for a thread this provider did not start; dropped', {
        type: e.type,
        eventId: e.id,
      });
      continue;
    }
    const event = mapper(e, {
      conversationId,
      eventId: `ringcentral:event:${e.id}`,
      occurredAt: time(e.issued_at, receivedAt),
    });
    if (event) out.push(event);
  }
  return out;
}
