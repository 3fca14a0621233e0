import { z } from 'zod';
import { personFields } from '../vendor';

/**
 * Chatwoot webhook bodies, reduced to the fields the connector reads (lenient: unknown fields pass,
 * most fields may be missing or null). Shapes as of Chatwoot 4.x; older builds send a subset.
 */

const id = z.union([z.number(), z.string().min(1)]);
const ref = z.looseObject({ id }).nullish();

/** A user, agent bot or contact. Contacts have no `type` in message senders. */
export const actorSchema = z.looseObject({ id, ...personFields });

export const conversationPayloadSchema = z.looseObject({
  id,
  inbox_id: id.nullish(),
  status: z.string().nullish(),
  snoozed_until: z.union([z.string(), z.number()]).nullish(),
  updated_at: z.number().nullish(),
  account: ref,
  meta: z
    .looseObject({
      assignee: actorSchema.nullish(),
      assignee_type: z.string().nullish(),
    })
    .nullish(),
  // An array of single-key objects ({assignee_id:{previous_value,current_value}}); tolerate a plain object too.
  changed_attributes: z
    .union([z.array(z.record(z.string(), z.unknown())), z.record(z.string(), z.unknown())])
    .nullish(),
});
export type ConversationPayload = z.infer<typeof conversationPayloadSchema>;

export const attachmentPayloadSchema = z.looseObject({
  file_type: z.string().nullish(),
  data_url: z.string().nullish(),
  fallback_title: z.string().nullish(),
});

export const messagePayloadSchema = z.looseObject({
  id,
  content: z.string().nullish(),
  // A string ("incoming" | "outgoing" | "template") in webhooks; tolerate the integer of REST payloads.
  message_type: z.union([z.string(), z.number()]).nullish(),
  private: z.boolean().nullish(),
  created_at: z.union([z.string(), z.number()]).nullish(),
  sender: actorSchema.nullish(),
  account: ref,
  inbox: ref,
  conversation: conversationPayloadSchema,
  attachments: z.array(attachmentPayloadSchema).nullish(),
});
export type MessagePayload = z.infer<typeof messagePayloadSchema>;

export const typingPayloadSchema = z.looseObject({
  user: actorSchema.nullish(),
  conversation: conversationPayloadSchema,
  is_private: z.boolean().nullish(),
});
export type TypingPayload = z.infer<typeof typingPayloadSchema>;

export const envelopeSchema = z.looseObject({ event: z.string().min(1) });
