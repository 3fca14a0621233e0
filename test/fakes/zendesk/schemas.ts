import { z } from 'zod';

/**
 * Request bodies the fake accepts, written from the Sunshine Conversations OpenAPI spec (v17):
 * strict, so a field the real API does not know, or a wrong shape, is a 400 like at Zendesk.
 */

const flatMetadata = z
  .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
  .refine((m) => Buffer.byteLength(JSON.stringify(m)) <= 4096, 'The metadata is limited to 4KB in size');

const profile = z
  .object({
    givenName: z.string().min(1).max(128).nullish(),
    surname: z.string().min(1).max(128).nullish(),
    email: z.email().max(128).nullish(),
    avatarUrl: z.url().max(2048).nullish(),
    locale: z.string().min(1).max(64).nullish(),
  })
  .strict();

export const userCreateBody = z
  .object({
    externalId: z.string().min(1).max(1024).optional(),
    brandId: z.string().min(1).max(24).nullish(),
    signedUpAt: z.string().optional(),
    toBeRetained: z.boolean().optional(),
    profile: profile.optional(),
    metadata: flatMetadata.nullish(),
  })
  .strict();

const participant = z.union([
  z.object({ userId: z.string().min(1), subscribeSDKClient: z.boolean().optional() }).strict(),
  z.object({ userExternalId: z.string().min(1), subscribeSDKClient: z.boolean().optional() }).strict(),
]);

export const conversationCreateBody = z
  .object({
    type: z.enum(['personal', 'sdkGroup']),
    participants: z.array(participant).max(10).optional(),
    displayName: z.string().min(1).max(100).nullish(),
    description: z.string().min(1).max(100).nullish(),
    iconUrl: z.url().nullish(),
    metadata: flatMetadata.nullish(),
  })
  .strict()
  .refine((b) => b.type !== 'personal' || b.participants?.length === 1, {
    message: 'A personal conversation needs exactly one participant',
    path: ['participants'],
  });

const author = z
  .object({
    type: z.enum(['business', 'user']),
    subtypes: z
      .array(z.enum(['AI']))
      .min(1)
      .max(1)
      .optional(),
    userId: z.string().min(1).optional(),
    userExternalId: z.string().min(1).optional(),
    brandId: z.string().min(1).max(24).nullish(),
    displayName: z.string().min(1).max(100).optional(),
    avatarUrl: z.url().max(2048).optional(),
  })
  .strict()
  .refine((a) => a.type === 'user' || (!a.userId && !a.userExternalId), {
    message: 'userId and userExternalId are only supported for user authors',
  })
  .refine((a) => a.type === 'business' || !!a.userId !== !!a.userExternalId, {
    message: 'A user author needs exactly one of userId or userExternalId',
  });

const rich = {
  htmlText: z.string().optional(),
  markdownText: z.string().optional(),
  blockChatInput: z.boolean().optional(),
};
const media = (type: 'image' | 'file') =>
  z
    .object({
      type: z.literal(type),
      mediaUrl: z.url(),
      altText: z.string().max(128).optional(),
      text: z.string().max(4096).optional(),
      attachmentId: z.string().optional(),
      actions: z.array(z.unknown()).optional(),
      ...rich,
    })
    .strict();

const content = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('text'),
      text: z.string().max(4096).optional(),
      actions: z.array(z.unknown()).optional(),
      payload: z.string().optional(),
      ...rich,
    })
    .strict()
    .refine((c) => !!(c.text || c.actions || c.htmlText || c.markdownText), {
      message: 'text is required unless actions, htmlText or markdownText is provided',
    }),
  media('image'),
  media('file'),
]);

export const messagePostBody = z
  .object({
    author,
    content,
    destination: z
      .object({ integrationId: z.string().optional(), integrationType: z.string().optional() })
      .strict()
      .optional(),
    metadata: flatMetadata.nullish(),
    override: z.record(z.string(), z.unknown()).optional(),
    schema: z.string().optional(),
  })
  .strict();

export const passControlBody = z
  .object({ switchboardIntegration: z.string().min(1), metadata: flatMetadata.nullish() })
  .strict();
export const releaseControlBody = z.object({ metadata: flatMetadata.nullish() }).strict();

export type MessagePostBody = z.infer<typeof messagePostBody>;
