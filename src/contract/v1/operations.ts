import { z } from 'zod';
import { UNAVAILABLE_REASONS } from '../errors';
import { handoverStatusSchema } from '../status';
import { PRIORITIES } from './priorities';

/**
 * Requests and results of the five connector operations. The zod schemas are the single source:
 * the types are inferred from them, and the contract suite validates every connector result with them.
 * Connectors receive requests the service has already validated.
 */

export { PRIORITIES };
export const prioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof prioritySchema>;

export const routingSchema = z
  .object({
    /** Queue, inbox or deployment-level target at the contact center. */
    queue: z.string().min(1).optional(),
    skills: z.array(z.string().min(1)).optional(),
    languages: z.array(z.string().min(1)).optional(),
    priority: prioritySchema.optional(),
  })
  .strict();
export type Routing = z.infer<typeof routingSchema>;

export const unavailableReasonSchema = z.enum(UNAVAILABLE_REASONS);

/** A feature the vendor lacks degrades to a warning, never a thrown error. */
export const connectorWarningSchema = z.object({
  type: z.enum(['unsupported', 'other']),
  feature: z.string().optional(),
  message: z.string(),
});
export type ConnectorWarning = z.infer<typeof connectorWarningSchema>;

export const checkAvailabilityRequestSchema = z.object({ routing: routingSchema });
export type CheckAvailabilityRequest = z.infer<typeof checkAvailabilityRequestSchema>;

export const availabilityResultSchema = z.object({
  available: z.boolean(),
  /** Why nobody is available; absent when `available`. */
  reason: unavailableReasonSchema.optional(),
  /** Agents who could take a conversation now; absent when the vendor cannot tell. */
  agentsAvailable: z.number().int().nonnegative().optional(),
  /** Conversations already waiting. */
  queueLength: z.number().int().nonnegative().optional(),
  estimatedWaitMs: z.number().nonnegative().optional(),
  /** When the contact center opens next (epoch ms), if it is closed. */
  nextOpenAt: z.number().optional(),
  warnings: z.array(connectorWarningSchema).optional(),
});
export type AvailabilityResult = z.infer<typeof availabilityResultSchema>;

export const handoverUserSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
});
export type HandoverUser = z.infer<typeof handoverUserSchema>;

export const transcriptEntrySchema = z.object({
  role: z.enum(['user', 'bot', 'agent', 'system']),
  text: z.string(),
  at: z.number().optional(),
});
export type TranscriptEntry = z.infer<typeof transcriptEntrySchema>;

export const attributeValueSchema = z.union([z.string(), z.number(), z.boolean()]);
export const customAttributesSchema = z.record(z.string(), attributeValueSchema);
export type CustomAttributes = z.infer<typeof customAttributesSchema>;

export const attachmentSchema = z.object({
  url: z.string(),
  type: z.enum(['image', 'video', 'audio', 'file']),
  name: z.string().optional(),
});
export type Attachment = z.infer<typeof attachmentSchema>;

export const startHandoverRequestSchema = z.object({
  /**
   * Same key → same conversation at the vendor, so a repeated call never opens a second one. The
   * service uses one key per handover and provider (a session has one live handover at a time).
   */
  idempotencyKey: z.string().min(1),
  user: handoverUserSchema,
  routing: routingSchema,
  transcript: z.array(transcriptEntrySchema),
  customAttributes: customAttributesSchema,
  locale: z.string().optional(),
  /** Vendor-only options, keyed by connector type: only that connector reads its own key. */
  connectorOptions: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
});
export type StartHandoverRequest = z.infer<typeof startHandoverRequestSchema>;

export const agentSchema = z.object({
  id: z.string(),
  name: z.string().optional(),
  avatarUrl: z.string().optional(),
});
export type Agent = z.infer<typeof agentSchema>;

export const startHandoverResultSchema = z.object({
  /** The vendor's id for this conversation. Every later request and every event carries it. */
  conversationId: z.string().min(1),
  status: z.enum(['queue', 'active']),
  queuePosition: z.number().int().positive().optional(),
  estimatedWaitMs: z.number().nonnegative().optional(),
  agent: agentSchema.optional(),
  warnings: z.array(connectorWarningSchema).optional(),
});
export type StartHandoverResult = z.infer<typeof startHandoverResultSchema>;

export const sendMessageRequestSchema = z.object({
  conversationId: z.string().min(1),
  /** Unique per user message; a repeat with the same id is not sent twice. */
  messageId: z.string().min(1),
  user: handoverUserSchema,
  text: z.string(),
  attachments: z.array(attachmentSchema).optional(),
  /** `system` notices (user joined / left the chat) are shown to the agent as such where the vendor can. */
  kind: z.enum(['user', 'system']).optional(),
});
export type SendMessageRequest = z.infer<typeof sendMessageRequestSchema>;

export const sendMessageResultSchema = z.object({
  vendorMessageId: z.string().optional(),
  /** True when the message id had been sent before and nothing was sent again. */
  duplicate: z.boolean(),
  warnings: z.array(connectorWarningSchema).optional(),
});
export type SendMessageResult = z.infer<typeof sendMessageResultSchema>;

export const getStatusRequestSchema = z.object({ conversationId: z.string().min(1) });
export type GetStatusRequest = z.infer<typeof getStatusRequestSchema>;

export const statusResultSchema = z.object({
  status: handoverStatusSchema,
  queuePosition: z.number().int().positive().optional(),
  estimatedWaitMs: z.number().nonnegative().optional(),
  agent: agentSchema.optional(),
  warnings: z.array(connectorWarningSchema).optional(),
});
export type StatusResult = z.infer<typeof statusResultSchema>;

export const CLOSE_REASONS = ['user-cancelled', 'bot-closed', 'inactivity', 'timeout'] as const;
export const closeReasonSchema = z.enum(CLOSE_REASONS);
export type CloseReason = z.infer<typeof closeReasonSchema>;

export const closeHandoverRequestSchema = z.object({
  conversationId: z.string().min(1),
  reason: closeReasonSchema,
  /** Optional note for the agent. */
  message: z.string().optional(),
});
export type CloseHandoverRequest = z.infer<typeof closeHandoverRequestSchema>;

export const closeHandoverResultSchema = z.object({
  /** True when the vendor had already closed it: closing is idempotent. */
  alreadyClosed: z.boolean(),
  warnings: z.array(connectorWarningSchema).optional(),
});
export type CloseHandoverResult = z.infer<typeof closeHandoverResultSchema>;

export interface ConnectorCallOptions {
  /** Aborts the vendor call (the service passes its deadline here). */
  signal?: AbortSignal;
}
