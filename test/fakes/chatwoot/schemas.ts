import { z } from 'zod';

/**
 * Request bodies the fake accepts: Chatwoot's documented fields (swagger `definitions/request/**` and
 * the controllers' permitted params), strictly. A field Chatwoot does not know is a connector bug,
 * so it fails here (Chatwoot itself would silently drop it).
 */

const int = z.number().int().positive();
const attributes = z.record(z.string(), z.unknown());

export const createContactBody = z.strictObject({
  name: z.string().optional(),
  identifier: z.string().min(1).optional(),
  email: z.string().optional(),
  phone_number: z.string().optional(),
  avatar_url: z.string().optional(),
  blocked: z.boolean().optional(),
  additional_attributes: attributes.optional(),
  custom_attributes: attributes.optional(),
  inbox_id: int.optional(),
  source_id: z.string().optional(),
});

export const createConversationBody = z.strictObject({
  source_id: z.string().min(1),
  inbox_id: int,
  contact_id: int,
  status: z.enum(['open', 'resolved', 'pending', 'snoozed']).optional(),
  assignee_id: int.optional(),
  team_id: int.optional(),
  snoozed_until: z.union([z.string(), z.number()]).optional(),
  additional_attributes: attributes.optional(),
  custom_attributes: attributes.optional(),
  message: z.strictObject({ content: z.string(), template_params: attributes.optional() }).optional(),
});

/** Any string is accepted here: an unknown status is Chatwoot's unhandled ArgumentError (500). */
export const toggleStatusBody = z.strictObject({
  status: z.string().optional(),
  snoozed_until: z.union([z.string(), z.number()]).optional(),
});

/** Same for priority: "none" or any unknown value raises ArgumentError (500); null or blank clears. */
export const togglePriorityBody = z.strictObject({ priority: z.string().nullable() });

export const labelsBody = z.strictObject({ labels: z.array(z.string()) });

export const customAttributesBody = z.strictObject({ custom_attributes: attributes });

export const assignmentBody = z.strictObject({
  assignee_id: int.nullable().optional(),
  assignee_type: z.enum(['User', 'AgentBot']).optional(),
  team_id: int.nullable().optional(),
});

export const createMessageBody = z.strictObject({
  content: z.string(),
  message_type: z.enum(['outgoing', 'incoming']).optional(),
  private: z.boolean().optional(),
  content_type: z.enum(['text', 'input_email', 'cards', 'input_select', 'form', 'article']).optional(),
  content_attributes: attributes.optional(),
  campaign_id: int.optional(),
  template_params: attributes.optional(),
  echo_id: z.string().optional(),
});

export const STATUSES = ['open', 'resolved', 'pending', 'snoozed'] as const;
export const PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;
