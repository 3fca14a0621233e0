/** Output helpers shared by the CLI's commands. */

/** Columns padded to their widest cell, two spaces apart. */
export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [head, ...rows]
    .map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** What a `list` command prints: the items themselves with --json, `empty` when there are none, else a table. */
export function listOutput<T>(
  items: T[],
  options: { json?: boolean; empty: string; head: string[]; row: (item: T) => string[] },
): unknown {
  if (options.json) return items;
  if (items.length === 0) return options.empty;
  return table(options.head, items.map(options.row));
}
