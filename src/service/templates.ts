/** Default user-facing texts; flows override them per node. */
export const DEFAULT_POSITION_TEXT = 'You are number {{position}} in the queue.';
export const DEFAULT_WAIT_TIME_TEXT = 'The estimated wait time is about {{waitMinutes}} minute(s).';

const TOKEN = /\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}/g;

/** Replaces `{{token}}`s; unknown tokens become empty, so a typo never leaks template syntax to users. */
export function renderTemplate(template: string, values: Record<string, string | number | undefined>): string {
  return template.replace(TOKEN, (_, name: string) => {
    const v = values[name];
    return v === undefined ? '' : String(v);
  });
}

export function queueTokens(position: number | undefined, waitMs: number | undefined): Record<string, string | number | undefined> {
  return {
    position,
    estimatedWaitTime: waitMs,
    waitSeconds: waitMs === undefined ? undefined : Math.ceil(waitMs / 1000),
    waitMinutes: waitMs === undefined ? undefined : Math.max(1, Math.ceil(waitMs / 60_000)),
  };
}
