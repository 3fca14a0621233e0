import type { TranscriptEntry } from '../contract';

/** Speaker words for `Role: text` transcript lines; a vendor whose agents expect others passes its own. */
export const TRANSCRIPT_LABELS: Readonly<Record<TranscriptEntry['role'], string>> = {
  user: 'User',
  bot: 'Bot',
  agent: 'Agent',
  system: 'System',
};

/** One transcript entry as a `Role: text` line. */
export function transcriptLine(entry: TranscriptEntry, labels = TRANSCRIPT_LABELS): string {
  return `${labels[entry.role] ?? entry.role}: ${entry.text}`;
}

/**
 * Lines joined by newlines, at most `maxChars`: the oldest lines give way first (marked by a leading
 * `…`), and a single line still too long keeps its end.
 */
export function newestLines(lines: readonly string[], maxChars: number): string {
  const kept = [...lines];
  let text = kept.join('\n');
  while (text.length > maxChars && kept.length > 1) {
    kept.shift();
    text = `…\n${kept.join('\n')}`;
  }
  return text.slice(-maxChars);
}

/** Lines packed in order into chunks of at most `maxChars` (one message each); a longer line is split. */
export function packLines(lines: readonly string[], maxChars: number): string[] {
  const chunks: string[] = [];
  let current = '';
  for (let line of lines) {
    while (line.length > 0) {
      const room = maxChars - (current ? current.length + 1 : 0);
      if (line.length <= room) {
        current = current ? `${current}\n${line}` : line;
        line = '';
      } else if (current) {
        chunks.push(current);
        current = '';
      } else {
        chunks.push(line.slice(0, maxChars));
        line = line.slice(maxChars);
      }
    }
  }
  if (current) chunks.push(current);
  return chunks;
}
