import type { Attachment, ConnectorWarning } from '../contract';
import { featureWarning } from './results';

/** File name endings by kind, for vendors that give only a name or a URL. */
const KINDS: ReadonlyArray<[Exclude<Attachment['type'], 'file'>, RegExp]> = [
  ['image', /\.(png|jpe?g|gif|webp)$/],
  ['video', /\.(mp4|mov|webm)$/],
  ['audio', /\.(mp3|ogg|wav|m4a)$/],
];

/**
 * The contract's attachment type from whatever the vendor says: a kind (`IMAGE`, `video`), a MIME
 * type (`audio/ogg`), a file name or a URL. Anything else is a `file`.
 */
export function attachmentType(hint: string | null | undefined): Attachment['type'] {
  const h = (hint ?? '').toLowerCase().split(/[?#]/)[0]!;
  return KINDS.find(([kind, ending]) => h === kind || h.startsWith(`${kind}/`) || ending.test(h))?.[0] ?? 'file';
}

/** An attachment an agent sent, typed from the vendor's hint (see `attachmentType`). */
export function agentAttachment(url: string, typeHint: string | null | undefined, name?: string | null): Attachment {
  return { url, type: attachmentType(typeHint), ...(name ? { name } : {}) };
}

/**
 * The user's attachments a vendor can fetch by URL (http or https); every other one is left out
 * with the warning `notSent` words for it.
 */
export function fetchableAttachments(
  list: readonly Attachment[] | undefined,
  notSent: (attachment: Attachment) => string,
): { fetchable: Attachment[]; warnings: ConnectorWarning[] } {
  const fetchable: Attachment[] = [];
  const warnings: ConnectorWarning[] = [];
  for (const a of list ?? []) {
    if (/^https?:\/\//i.test(a.url)) fetchable.push(a);
    else warnings.push(featureWarning('attachments', notSent(a)));
  }
  return { fetchable, warnings };
}
