import { z } from 'zod';
import { HandoverError, parseOrThrow, type ConnectorWarning, type Priority, type Routing } from 'handover-kit/contract';
import { otherWarning, unsupported, type ChatwootContext } from './context';
import type { VendorPriority } from './vendor';

/**
 * How handover-kit routing maps onto Chatwoot:
 * - `routing.queue` names a **team**: a team id (`"4"`, `"team:4"`) or a team name (`"Billing"`, case-insensitive,
 *   looked up once a minute) — or an **inbox**, `"inbox:7"` (what Cognigy's Chatwoot / Live Agent Inbox Id
 *   becomes): the provider's own inbox or one of its `inboxIds`, since the webhook must cover it.
 * - `routing.priority` → `toggle_priority` (`none` clears it: Chatwoot takes `null`, not "none").
 * - `routing.skills` / `routing.languages`: Chatwoot has no such routing; they become conversation labels,
 *   which automation rules can route on, and a warning says so.
 * - `connectorOptions.chatwoot`: `teamId`, `assigneeId` (a user id) and extra `labels`.
 */

export const chatwootOptionsSchema = z.strictObject({
  teamId: z.number().int().positive().optional(),
  assigneeId: z.number().int().positive().optional(),
  labels: z.array(z.string().min(1).max(255)).max(50).optional(),
});
export type ChatwootOptions = z.infer<typeof chatwootOptionsSchema>;

export interface ResolvedRouting {
  /** The inbox picked by the handover; unset: the provider's. */
  inboxId?: number;
  teamId?: number;
  assigneeId?: number;
  labels: string[];
  /** Undefined: leave the priority alone. */
  priority?: VendorPriority;
  warnings: ConnectorWarning[];
}

export function readOptions(options: Record<string, Record<string, unknown>> | undefined): ChatwootOptions {
  return parseOrThrow(chatwootOptionsSchema, options?.chatwoot ?? {}, 'Chatwoot options', 'connectorOptions.chatwoot');
}

export function vendorPriority(priority: Priority): VendorPriority {
  return priority === 'none' ? null : priority;
}

/** Chatwoot labels are lower-case words; spaces become dashes. */
export function labelOf(text: string): string {
  return text.trim().toLowerCase().replace(/\s+/g, '-');
}

export async function resolveRouting(
  ctx: ChatwootContext,
  routing: Routing,
  options: ChatwootOptions,
  signal?: AbortSignal,
): Promise<ResolvedRouting> {
  const warnings: ConnectorWarning[] = [];
  const labels = new Set<string>([...(ctx.settings.labels ?? []), ...(options.labels ?? [])].map(labelOf));
  if (routing.skills?.length) {
    for (const s of routing.skills) labels.add(labelOf(s));
    warnings.push(
      unsupported(
        'skills',
        'Chatwoot has no skill-based routing; the skills were added as conversation labels (route on them with an ' +
          'automation rule).',
      ),
    );
  }
  if (routing.languages?.length) {
    for (const l of routing.languages) labels.add(labelOf(l));
    warnings.push(
      unsupported(
        'languages',
        'Chatwoot has no language-based routing; the languages were added as conversation labels.',
      ),
    );
  }
  const inbox = /^inbox:\s*(\d+)$/i.exec(routing.queue?.trim() ?? '');
  const inboxId = inbox ? inboxFor(ctx, Number(inbox[1]), warnings) : undefined;
  const teamId = options.teamId ?? (inbox ? ctx.settings.teamId : await teamFor(ctx, routing.queue, warnings, signal));
  return {
    ...(inboxId !== undefined ? { inboxId } : {}),
    ...(teamId !== undefined ? { teamId } : {}),
    ...(options.assigneeId !== undefined ? { assigneeId: options.assigneeId } : {}),
    labels: [...labels].filter(Boolean),
    ...(routing.priority !== undefined ? { priority: vendorPriority(routing.priority) } : {}),
    warnings,
  };
}

function inboxFor(ctx: ChatwootContext, inboxId: number, warnings: ConnectorWarning[]): number | undefined {
  if (inboxId === ctx.settings.inboxId || ctx.settings.inboxIds?.includes(inboxId)) return inboxId;
  warnings.push(
    otherWarning(
      'queueRouting',
      `Inbox ${inboxId} is not one of this provider's inboxes (Inbox ID, More inbox IDs); its own inbox was used.`,
    ),
  );
  return undefined;
}

async function teamFor(
  ctx: ChatwootContext,
  queue: string | undefined,
  warnings: ConnectorWarning[],
  signal?: AbortSignal,
): Promise<number | undefined> {
  if (queue === undefined) return ctx.settings.teamId;
  const byId = /^(?:team:)?\s*(\d+)$/i.exec(queue.trim());
  if (byId) return Number(byId[1]);
  const name = queue
    .replace(/^team:/i, '')
    .trim()
    .toLowerCase();
  try {
    let teams = ctx.teams.get('all');
    if (!teams) {
      teams = await ctx.api.teams(signal);
      ctx.teams.set('all', teams);
    }
    const team = teams.find((t) => (t.name ?? '').trim().toLowerCase() === name);
    if (team) return team.id;
    warnings.push(otherWarning('queueRouting', `No Chatwoot team is named "${queue}"; the default routing was used.`));
  } catch (error) {
    if (!HandoverError.isInstance(error)) throw error;
    warnings.push(
      otherWarning(
        'queueRouting',
        `Chatwoot teams could not be listed (${error.message}); the default routing was used.`,
      ),
    );
  }
  return ctx.settings.teamId;
}
