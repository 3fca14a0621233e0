import { z } from 'zod';

/**
 * The parts of Chatwoot's REST responses the connector reads. Lenient on purpose: unknown fields
 * pass, optional ones may be null, so a newer (or older) Chatwoot build never breaks parsing.
 * Conversation `id`s are display ids (per-account numbers), which is what every URL takes.
 */

const id = z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]);

/** How Chatwoot shows a user, agent bot or contact, in REST answers and webhooks alike. */
export const personFields = {
  name: z.string().nullish(),
  available_name: z.string().nullish(),
  thumbnail: z.string().nullish(),
  avatar_url: z.string().nullish(),
  type: z.string().nullish(),
};

export const agentSchema = z.looseObject({ id, ...personFields, availability_status: z.string().nullish() });
export type VendorAgent = z.infer<typeof agentSchema>;

export const contactSchema = z.looseObject({ id, identifier: z.string().nullish(), email: z.string().nullish() });
export type VendorContact = z.infer<typeof contactSchema>;

/** `POST contacts` answers `{payload:{contact, contact_inbox}}`. */
export const createContactResponseSchema = z.looseObject({ payload: z.looseObject({ contact: contactSchema }) });
export const contactSearchResponseSchema = z.looseObject({ payload: z.array(contactSchema) });

export const conversationSchema = z.looseObject({
  id,
  inbox_id: id.nullish(),
  status: z.string(),
  priority: z.string().nullish(),
  labels: z.array(z.string()).nullish(),
  custom_attributes: z.record(z.string(), z.unknown()).nullish(),
  additional_attributes: z.record(z.string(), z.unknown()).nullish(),
  meta: z
    .looseObject({
      assignee: agentSchema.nullish(),
      assignee_type: z.string().nullish(),
      team: z.looseObject({ id, name: z.string().nullish() }).nullish(),
    })
    .nullish(),
});
export type VendorConversation = z.infer<typeof conversationSchema>;

export const conversationListResponseSchema = z.looseObject({
  data: z.looseObject({ payload: z.array(conversationSchema) }),
});
export const conversationMetaResponseSchema = z.looseObject({
  meta: z.looseObject({
    unassigned_count: z.number().int().nonnegative(),
    all_count: z.number().int().nonnegative().nullish(),
  }),
});
export const toggleStatusResponseSchema = z.looseObject({
  payload: z.looseObject({ current_status: z.string().nullish() }),
});
export const messageResponseSchema = z.looseObject({ id });
export const inboxMembersResponseSchema = z.looseObject({ payload: z.array(agentSchema) });
export const agentListSchema = z.array(agentSchema);
export const teamListSchema = z.array(z.looseObject({ id, name: z.string().nullish() }));

export const CONVERSATION_STATUSES = ['open', 'resolved', 'pending', 'snoozed'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];
export type VendorPriority = 'low' | 'medium' | 'high' | 'urgent' | null;

/** Body of `POST conversations` (the fields the connector sends). */
export interface CreateConversationBody {
  source_id: string;
  inbox_id: number;
  contact_id: number;
  status: 'open';
  team_id?: number;
  assignee_id?: number;
  custom_attributes: Record<string, string | number | boolean>;
  additional_attributes: Record<string, unknown>;
}

export interface CreateContactBody {
  name?: string;
  identifier: string;
  email?: string;
  phone_number?: string;
}

export interface CreateMessageBody {
  content: string;
  message_type: 'incoming' | 'outgoing';
  private: boolean;
}

/** Pulls Chatwoot's message (and, for validation errors, the offending attributes) from an error body. */
export function chatwootErrorDetails(body: unknown): { message?: string; code?: string } {
  if (typeof body === 'string') return { message: body.trim().slice(0, 200) || undefined };
  if (!body || typeof body !== 'object') return {};
  const b = body as Record<string, unknown>;
  const errors = Array.isArray(b.errors)
    ? b.errors.filter((e): e is string => typeof e === 'string').join('; ')
    : undefined;
  const message = [b.error, b.message, errors].find((v): v is string => typeof v === 'string' && v.length > 0);
  // Validation failures (422) list the attributes at fault, e.g. ["identifier"]: keep them as the code.
  const attributes = Array.isArray(b.attributes) ? b.attributes.filter((a): a is string => typeof a === 'string') : [];
  return { message, ...(attributes.length > 0 ? { code: attributes.join(',') } : {}) };
}
