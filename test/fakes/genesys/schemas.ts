import { z } from 'zod';

/**
 * Request bodies the fake accepts, strict: only the fields Genesys documents
 * (platform SDK 259.0.0 types; enums from the Python SDK models). Anything else is a 400.
 */

const isoTime = z.iso.datetime({ offset: true });

export const openFromSchema = z
  .object({
    id: z.string().min(1),
    idType: z.enum(['Email', 'Phone', 'Opaque']),
    nickname: z.string().optional(),
    firstName: z.string().optional(),
    lastName: z.string().optional(),
    image: z.string().optional(),
    email: z.string().optional(),
  })
  .strict();

/** `ConversationChannelMetadata` (declares `subType`) plus the `customAttributes` map Genesys reads. */
const channelMetadataSchema = z
  .object({
    customAttributes: z.record(z.string(), z.string()).optional(),
    subType: z.enum(['None', 'GoogleBusinessProfile', 'RoadsideAssistance', 'YouTube']).optional(),
  })
  .strict();

const contentAttachmentSchema = z
  .object({
    id: z.string().optional(),
    mediaType: z.enum(['Image', 'Video', 'Audio', 'File', 'Link']),
    url: z.url(),
    mime: z.string().min(1),
    text: z.string().optional(),
    sha256: z.string().optional(),
    filename: z.string().optional(),
  })
  .strict();

/** `OpenInboundNormalizedMessage`. */
export const inboundMessageSchema = z
  .object({
    channel: z
      .object({
        messageId: z.string().min(1).optional(),
        time: isoTime,
        from: openFromSchema,
        metadata: channelMetadataSchema.optional(),
      })
      .strict(),
    text: z.string().optional(),
    content: z.array(z.object({ attachment: contentAttachmentSchema }).strict()).optional(),
    /** Top-level metadata takes string values only (a nested object there is a 400 at Genesys). */
    metadata: z.record(z.string(), z.string()).optional(),
  })
  .strict()
  .refine(
    (m) => (m.text !== undefined && m.text.length > 0) || (m.content?.length ?? 0) > 0,
    'A message needs text or content',
  );
export type InboundMessage = z.infer<typeof inboundMessageSchema>;

/** `MediaParticipantRequest` for PATCH …/participants/{participantId}. */
export const participantPatchSchema = z
  .object({
    state: z.enum(['connected', 'disconnected']).optional(),
    wrapup: z.record(z.string(), z.unknown()).optional(),
    recording: z.boolean().optional(),
    muted: z.boolean().optional(),
    confined: z.boolean().optional(),
    held: z.boolean().optional(),
    wrapupSkipped: z.boolean().optional(),
  })
  .strict();

export const MEMBER_ROUTING_STATUSES = ['OFF_QUEUE', 'IDLE', 'INTERACTING', 'NOT_RESPONDING', 'COMMUNICATING'] as const;
