import { z } from 'zod';
import { agentSchema, attachmentSchema } from './operations';

/**
 * What a contact center tells us about a handover. Every event names the vendor's `conversationId`
 * (the id `doStartHandover` returned), a unique `eventId` (the service drops repeats) and when it
 * happened. `sequence`, when the vendor has one, is a gap-free counter per handover starting at 1:
 * the service uses it to put shuffled deliveries back in order.
 */
const base = {
  conversationId: z.string().min(1),
  eventId: z.string().min(1),
  /** Epoch milliseconds. */
  occurredAt: z.number(),
  sequence: z.number().int().positive().optional(),
};

/** An event's schema: the fields every event has, its `type`, then its own fields. */
function eventSchema<T extends string, F extends z.ZodRawShape>(type: T, fields: F) {
  return z.object({ ...base, type: z.literal(type), ...fields });
}

export const queueUpdatedEventSchema = eventSchema('queue-updated', {
  position: z.number().int().positive().optional(),
  estimatedWaitMs: z.number().nonnegative().optional(),
});

export const agentJoinedEventSchema = eventSchema('agent-joined', { agent: agentSchema });

export const agentMessageEventSchema = eventSchema('agent-message', {
  text: z.string(),
  attachments: z.array(attachmentSchema).optional(),
  agent: agentSchema.optional(),
});

export const agentTypingEventSchema = eventSchema('agent-typing', {
  typing: z.boolean(),
  agent: agentSchema.optional(),
});

export const agentLeftEventSchema = eventSchema('agent-left', {
  agent: agentSchema.optional(),
  /** The conversation went back to a queue (a transfer), so the handover is waiting again. */
  requeued: z.boolean(),
});

export const COMPLETED_BY = ['agent', 'user', 'bot', 'timeout'] as const;
export const handoverCompletedEventSchema = eventSchema('handover-completed', {
  by: z.enum(COMPLETED_BY),
});

export const handoverCancelledEventSchema = eventSchema('handover-cancelled', {
  by: z.enum(['user', 'bot', 'agent', 'system']),
  reason: z.string().optional(),
});

export const handoverErrorEventSchema = eventSchema('handover-error', {
  code: z.string(),
  message: z.string(),
});

/** Anything else the vendor wants the flow to see (Cognigy's "Events" Lookup case). */
export const providerEventSchema = eventSchema('provider-event', {
  name: z.string(),
  data: z.record(z.string(), z.unknown()).optional(),
  text: z.string().optional(),
});

export const handoverEventSchema = z.discriminatedUnion('type', [
  queueUpdatedEventSchema,
  agentJoinedEventSchema,
  agentMessageEventSchema,
  agentTypingEventSchema,
  agentLeftEventSchema,
  handoverCompletedEventSchema,
  handoverCancelledEventSchema,
  handoverErrorEventSchema,
  providerEventSchema,
]);

export type HandoverEvent = z.infer<typeof handoverEventSchema>;
export type HandoverEventType = HandoverEvent['type'];
export type HandoverEventOf<T extends HandoverEventType> = Extract<HandoverEvent, { type: T }>;
export const HANDOVER_EVENT_TYPES = handoverEventSchema.options.map((o) => o.shape.type.value) as HandoverEventType[];

/** The typed `eventemitter3` map for connectors that push events in-process. */
export interface ConnectorEventMap {
  event: [event: HandoverEvent];
}
