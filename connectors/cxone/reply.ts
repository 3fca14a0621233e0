import { z } from 'zod';
import { BadRequestError, type Agent, type Attachment } from 'handover-kit/contract';
import { agentAttachment, validItems } from 'handover-kit/connector-utils';

/**
 * What we read out of a reply CXone posts to the integration box. Public material shows two shapes
 * and neither in full: the sample's `1.0/posts/{thread}/messages` (body not validated there) and
 * the "DFO 3.0 outbound" shape (`thread`, `messageContent`, `attachments`, …). So the reader is
 * lenient: the first text found in the known places wins; the thread comes from the path when the
 * reply path names it, else from the body.
 */
const idSchema = z.union([z.string().min(1), z.number()]).transform(String);
const contentSchema = z.looseObject({ payload: z.looseObject({ text: z.string().nullish() }).nullish() });
const userSchema = z.looseObject({
  id: idSchema,
  firstName: z.string().nullish(),
  surname: z.string().nullish(),
  lastName: z.string().nullish(),
  nickname: z.string().nullish(),
});
const attachmentSchema = z.looseObject({
  url: z.string().min(1),
  friendlyName: z.string().nullish(),
  mimeType: z.string().nullish(),
});
const messageSchema = z.looseObject({
  id: idSchema.nullish(),
  idOnExternalPlatform: z.string().nullish(),
  direction: z.string().nullish(),
  thread: z.looseObject({ idOnExternalPlatform: z.string().min(1) }).nullish(),
  messageContent: contentSchema.nullish(),
  text: z.string().nullish(),
  content: z.string().nullish(),
  authorUser: userSchema.nullish(),
  attachments: z.array(z.unknown()).nullish(),
});
const replySchema = messageSchema.extend({ message: z.union([z.string(), messageSchema]).nullish() });

export interface ParsedReply {
  threadId?: string;
  /** CXone's id of the message, when the body carries one. */
  vendorMessageId?: string;
  text: string;
  attachments: Attachment[];
  agent?: Agent;
  /** True for a message that is not an agent's (an inbound echo). */
  notFromAgent: boolean;
}

function attachmentsOf(list: readonly unknown[] | null | undefined): Attachment[] {
  return validItems(attachmentSchema, list).map(({ url, friendlyName, mimeType }) =>
    agentAttachment(url, mimeType ?? friendlyName ?? url, friendlyName),
  );
}

function agentOf(user: z.infer<typeof userSchema> | null | undefined): Agent | undefined {
  if (!user) return undefined;
  const name = [user.firstName, user.surname ?? user.lastName].filter(Boolean).join(' ') || user.nickname || undefined;
  return { id: user.id, ...(name ? { name } : {}) };
}

/** Reads a reply body (already JSON-parsed); `pathThreadId` from the reply path wins over the body. */
export function readReply(body: unknown, pathThreadId?: string): ParsedReply {
  const parsed = replySchema.safeParse(body);
  if (!parsed.success) throw new BadRequestError('Reply body is not a CXone message (expected a JSON object)');
  const outer = parsed.data;
  const inner = typeof outer.message === 'object' && outer.message ? outer.message : undefined;
  const layers = [outer, ...(inner ? [inner] : [])];
  const first = <T>(pick: (m: z.infer<typeof messageSchema>) => T | null | undefined) =>
    layers.map(pick).find((v) => v !== undefined && v !== null) ?? undefined;
  const text =
    first((m) => m.messageContent?.payload?.text) ??
    (typeof outer.message === 'string' ? outer.message : undefined) ??
    first((m) => m.text) ??
    first((m) => m.content) ??
    '';
  const agent = agentOf(first((m) => m.authorUser));
  const vendorMessageId = first((m) => m.id) ?? first((m) => m.idOnExternalPlatform);
  const threadId = pathThreadId ?? first((m) => m.thread?.idOnExternalPlatform);
  return {
    ...(threadId ? { threadId } : {}),
    ...(vendorMessageId ? { vendorMessageId } : {}),
    text,
    attachments: layers.flatMap((m) => attachmentsOf(m.attachments)),
    ...(agent ? { agent } : {}),
    notFromAgent: (first((m) => m.direction) ?? 'outbound').toLowerCase() === 'inbound',
  };
}
