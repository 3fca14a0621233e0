import type { Attachment, ConnectorWarning, CustomAttributes, Routing, TranscriptEntry } from 'handover-kit/contract';
import { packLines, transcriptLine } from 'handover-kit/connector-utils';
import type { RoutingAttributes } from './schema';

/** Cognigy splits MIAW transcripts above this many characters per message. */
export const MAX_TRANSCRIPT_MESSAGE_CHARS = 3000;

/**
 * The attributes the conversation is created with: provider defaults, then the handover's custom
 * attributes, then per-handover routing attributes (last wins). Salesforce passes on only keys that
 * are hidden pre-chat fields of the deployment; others are dropped there without an error.
 */
export function routingAttributesFor(
  defaults: RoutingAttributes,
  custom: CustomAttributes,
  perHandover: RoutingAttributes | undefined,
): RoutingAttributes {
  return { ...defaults, ...custom, ...(perHandover ?? {}) };
}

/** Queue, skills, languages and priority are decided by the Omni-Channel flow, not by the client. */
export function routingWarnings(routing: Routing): ConnectorWarning[] {
  const warnings: ConnectorWarning[] = [];
  for (const feature of ['queue', 'skills', 'languages', 'priority'] as const) {
    if (routing[feature] === undefined) continue;
    warnings.push({
      type: 'unsupported',
      feature: feature === 'queue' ? 'queueRouting' : feature,
      message: `routing.${feature} is not sent: the Omni-Channel flow routes MIAW conversations`,
    });
  }
  return warnings;
}

/** The transcript as lines, packed into messages of at most 3000 characters (a longer line is split). */
export function transcriptChunks(transcript: readonly TranscriptEntry[]): string[] {
  return packLines(
    transcript.map((entry) => transcriptLine(entry)),
    MAX_TRANSCRIPT_MESSAGE_CHARS,
  );
}

/**
 * MIAW takes files only as a multipart upload of the bytes; the kit has URLs. Attachments therefore
 * reach the agent as links in the text, with a warning.
 */
export function withLinks(
  text: string,
  attachments: readonly Attachment[] | undefined,
): { text: string; warnings: ConnectorWarning[] } {
  if (!attachments?.length) return { text, warnings: [] };
  const links = attachments.map((a) => (a.name ? `${a.name}: ${a.url}` : a.url));
  return {
    text: [text, ...links].filter((t) => t.length > 0).join('\n'),
    warnings: [
      {
        type: 'unsupported',
        feature: 'attachments',
        message: 'Salesforce MIAW uploads files as bytes; the attachments were sent as links',
      },
    ],
  };
}
