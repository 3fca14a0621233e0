import type { TranscriptEntry } from 'handover-kit/contract';
import { transcriptLine } from 'handover-kit/connector-utils';

/** Chatwoot refuses message content over 150,000 characters; stay well below. */
const MAX_NOTE = 100_000;

/** The bot transcript as one private note, oldest lines dropped if it is too long. */
export function transcriptNote(transcript: readonly TranscriptEntry[]): string | undefined {
  if (transcript.length === 0) return undefined;
  const header = 'Conversation with the bot before the handover:';
  const lines = transcript.map(
    (e) => `${e.at !== undefined ? `[${new Date(e.at).toISOString().slice(11, 16)} UTC] ` : ''}${transcriptLine(e)}`,
  );
  let body = lines.join('\n');
  if (header.length + body.length > MAX_NOTE) {
    let kept = lines.length;
    let size = 0;
    while (kept > 0 && size + lines[kept - 1]!.length + 1 < MAX_NOTE - 200) size += lines[--kept]!.length + 1;
    const slice = lines.slice(kept);
    body = [`(${kept} earlier lines left out)`, ...slice].join('\n');
    if (body.length > MAX_NOTE) body = body.slice(body.length - MAX_NOTE);
  }
  return `${header}\n${body}`;
}
