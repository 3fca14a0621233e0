import type {
  Attachment,
  ConnectorWarning,
  CustomAttributes,
  HandoverUser,
  TranscriptEntry,
} from 'handover-kit/contract';
import { fetchableAttachments, newestLines, transcriptLine, TRANSCRIPT_LABELS } from 'handover-kit/connector-utils';

/** Engage's limit on a content body (characters). */
export const MAX_BODY_CHARS = 20_000;

/** Engage agents know the end user as the customer. */
const LABELS = { ...TRANSCRIPT_LABELS, user: 'Customer' };

/** The thread's first content: the bot conversation so far, newest lines kept when it is too long. */
export function openingText(transcript: readonly TranscriptEntry[]): string {
  if (transcript.length === 0) return 'The customer asked for an agent.';
  return newestLines(
    transcript.map((t) => transcriptLine(t, LABELS)),
    MAX_BODY_CHARS,
  );
}

export function threadTitle(user: HandoverUser): string {
  return `Handover: ${user.name ?? user.id}`.slice(0, 200);
}

/**
 * A Channel SDK user object (screenname, created_at and updated_at are required). `name` stands in
 * for the user's own name (the name the handover started with). Built field by field, no spreads.
 */
export function authorOf(user: HandoverUser, at: string, name = user.name): Record<string, string> {
  const author: Record<string, string> = {
    id: user.id,
    screenname: name ?? `Customer ${user.id.slice(0, 12)}`,
    created_at: at,
    updated_at: at,
  };
  if (user.email) author.email = user.email;
  if (user.phone) author.mobile_phone = user.phone;
  return author;
}

/**
 * Custom attributes as `context_data`, whose keys Engage restricts to letters and dashes:
 * `order_id` becomes `order-id`; a key with nothing left, or colliding, is dropped.
 */
export function contextData(
  attributes: CustomAttributes,
  locale?: string,
): { data: Record<string, string>; dropped: string[] } {
  const data: Record<string, string> = {};
  const dropped: string[] = [];
  const entries: Array<[string, unknown]> = [
    ...Object.entries(attributes),
    ...(locale ? [['locale', locale] as [string, unknown]] : []),
  ];
  for (const [key, value] of entries) {
    const clean = key.replace(/[\s_.]+/g, '-').replace(/[^a-zA-Z-]/g, '');
    if (!clean || /^-+$/.test(clean) || clean in data) {
      dropped.push(key);
      continue;
    }
    if (clean !== key) dropped.push(key);
    data[clean] = String(value);
  }
  return { data, dropped };
}

/** Attachments by URL; the type is only given where Engage needs it (mp4 as audio or video). */
export function attachmentsFor(list: readonly Attachment[] | undefined): {
  attachments: Array<Record<string, string>>;
  warnings: ConnectorWarning[];
} {
  const { fetchable, warnings } = fetchableAttachments(list, () => 'An attachment without an http(s) URL was not sent');
  const attachments = fetchable.map((a) => ({
    url: a.url,
    ...(a.name ? { filename: a.name } : {}),
    ...(a.type === 'audio' || a.type === 'video' ? { type: a.type } : {}),
  }));
  return { attachments, warnings };
}
