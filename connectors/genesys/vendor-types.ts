import { z } from 'zod';

/**
 * The parts of Genesys responses the connector reads. Lenient on purpose: only the fields we use,
 * all nullish, unknown fields stripped — Genesys adding a field never breaks a handover.
 */

const ref = z.object({ id: z.string(), name: z.string().nullish() });

export const participantSchema = z.object({
  id: z.string(),
  purpose: z.string().nullish(),
  state: z.string().nullish(),
  disconnectType: z.string().nullish(),
  connectedTime: z.string().nullish(),
  endTime: z.string().nullish(),
  name: z.string().nullish(),
  user: ref.nullish(),
  queue: ref.nullish(),
});
export type GenesysParticipant = z.infer<typeof participantSchema>;

/** `MessageConversation` from GET /api/v2/conversations/messages/{conversationId}. */
export const conversationSchema = z.object({
  id: z.string(),
  participants: z
    .array(participantSchema)
    .nullish()
    .transform((p) => p ?? []),
});
export type GenesysConversation = z.infer<typeof conversationSchema>;

/** `OpenMessageNormalizedMessage`, the answer to an inbound open message. */
export const inboundResponseSchema = z.object({
  id: z.string().nullish(),
  conversationId: z.string().nullish(),
});

/** `MessageData` from GET /api/v2/conversations/messages/{messageId}/details. */
export const messageDetailsSchema = z.object({ conversationId: z.string().nullish() });

/** `EstimatedWaitTimePredictions`. */
export const estimatedWaitSchema = z.object({
  results: z
    .array(
      z.object({
        formula: z.string().nullish(),
        intent: z.string().nullish(),
        estimatedWaitTimeSeconds: z.number().nullish(),
      }),
    )
    .nullish(),
});

/** `QueueMemberEntityListing` (no totals: one page of up to 100 members). */
export const queueMembersSchema = z.object({
  entities: z
    .array(
      z.object({
        id: z.string(),
        joined: z.boolean().nullish(),
        routingStatus: z.object({ status: z.string().nullish() }).nullish(),
      }),
    )
    .nullish(),
  nextUri: z.string().nullish(),
});

/** Platform `ErrorBody`, and the OAuth server's `{error, error_description}`. */
export const errorBodySchema = z.object({
  message: z.string().nullish(),
  code: z.string().nullish(),
  error: z.string().nullish(),
  error_description: z.string().nullish(),
  description: z.string().nullish(),
});
