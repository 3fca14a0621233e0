import type {
  Attachment,
  ConnectorWarning,
  CustomAttributes,
  Routing,
  StartHandoverRequest,
} from 'handover-kit/contract';
import { fetchableAttachments, newestLines, transcriptLine } from 'handover-kit/connector-utils';

/** What the agent sees first when the transcript is not sent. */
export const DEFAULT_START_TEXT = 'The customer asked for an agent.';
/** DFO text messages are capped well above this; longer transcripts keep their newest lines. */
export const MAX_START_TEXT = 10_000;

/** The thread's first message: the bot transcript (Cognigy's "Send Transcript as first message"). */
export function startText(request: Pick<StartHandoverRequest, 'transcript'>, sendTranscript: boolean): string {
  if (!sendTranscript || request.transcript.length === 0) return DEFAULT_START_TEXT;
  return newestLines(
    request.transcript.map((entry) => transcriptLine(entry)),
    MAX_START_TEXT,
  );
}

/** routing.queue names a CXone skill id; otherwise the provider's skill (or the channel default). */
export function skillOf(
  routing: Routing,
  fallback: number | undefined,
): { skillId?: number; warning?: ConnectorWarning } {
  const warnings: ConnectorWarning[] = [];
  if (routing.skills?.length || routing.languages?.length || (routing.priority && routing.priority !== 'none')) {
    warnings.push({
      type: 'unsupported',
      feature: 'skills',
      message: 'CXone routes by the skill and the Studio script; skills, languages and priority were ignored',
    });
  }
  if (routing.queue !== undefined) {
    const id = Number(routing.queue);
    if (Number.isInteger(id) && id > 0) return { skillId: id, ...(warnings[0] ? { warning: warnings[0] } : {}) };
    return {
      ...(fallback ? { skillId: fallback } : {}),
      warning: {
        type: 'other',
        feature: 'queueRouting',
        message: `routing.queue "${routing.queue}" is not a CXone skill id; used the default skill`,
      },
    };
  }
  return { ...(fallback ? { skillId: fallback } : {}), ...(warnings[0] ? { warning: warnings[0] } : {}) };
}

/** Custom attributes as DFO contact custom fields (idents must exist as custom field definitions). */
export function customFieldsOf(attributes: CustomAttributes): Array<{ ident: string; value: string }> {
  return Object.entries(attributes).map(([ident, value]) => ({ ident, value: String(value) }));
}

export function nameParts(name: string | undefined): { firstName?: string; lastName?: string } {
  if (!name) return {};
  const parts = name.trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return {};
  return parts.length === 1
    ? { firstName: parts[0] }
    : { firstName: parts.slice(0, -1).join(' '), lastName: parts.at(-1) };
}

/** User attachments as DFO attachment links; only http(s) URLs can be fetched by CXone. */
export function attachmentsFor(list: Attachment[] | undefined): {
  attachments: Array<{ friendlyName: string; url: string }>;
  warnings: ConnectorWarning[];
} {
  if (!list?.length) return { attachments: [], warnings: [] };
  const { fetchable, warnings } = fetchableAttachments(
    list,
    (a) => `Attachment "${a.name ?? a.url.slice(0, 40)}" is not an http(s) URL; not sent`,
  );
  const attachments = fetchable.map((a) => ({
    friendlyName: a.name ?? new URL(a.url).pathname.split('/').pop() ?? 'attachment',
    url: a.url,
  }));
  return { attachments, warnings };
}
