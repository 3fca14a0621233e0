/**
 * The kit's ready-made texts (used only when a node asks for queue updates as text). Tokens are
 * written `[[name]]`: Cognigy evaluates `{{…}}` in a node's text fields as CognigyScript before the
 * node runs, so `{{position}}` would arrive empty. `{{name}}` is still read, for callers of the
 * service API that no CognigyScript touches.
 */
export const DEFAULT_POSITION_TEXT = 'You are number [[position]] in the queue.';
export const DEFAULT_WAIT_TIME_TEXT = 'The estimated wait time is about [[waitMinutes]] minute(s).';

const TOKEN = /\[\[\s*([A-Za-z][A-Za-z0-9_]*)\s*\]\]|\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces `[[token]]`s; unknown tokens become empty, so a typo never leaks template syntax to users. */
export function renderTemplate(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(TOKEN, (_, square: string | undefined, curly: string | undefined) => {
    const v = values[(square ?? curly)!];
    return v === undefined ? '' : String(v);
  });
}

export function queueTokens(
  position: number | undefined,
  waitMs: number | undefined,
): Record<string, string | number | undefined> {
  return {
    position,
    estimatedWaitTime: waitMs,
    waitSeconds: waitMs === undefined ? undefined : Math.ceil(waitMs / 1000),
    waitMinutes: waitMs === undefined ? undefined : Math.max(1, Math.ceil(waitMs / 60_000)),
  };
}
