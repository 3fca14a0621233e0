import type { ConnectorWarning, CustomAttributes, Priority, Routing } from 'handover-kit/contract';
import { featureWarning } from 'handover-kit/connector-utils';
import type { FlatMetadata, SwitchboardRef } from './api';
import type { ZendeskOptions } from './schema';

/**
 * What the connector writes into SunCo metadata, and how routing becomes the flat `passControl`
 * metadata Agent Workspace reads (`first_message_id`, `dataCapture.systemField.*`).
 */

/** Keys the connector puts on its own messages and passes, so their webhook echoes can be dropped. */
export const META = {
  origin: 'handoverKit.origin',
  messageId: 'handoverKit.messageId',
  closedBy: 'handoverKit.closedBy',
  closeReason: 'handoverKit.closeReason',
} as const;
export const ORIGIN = 'handover-kit';

/** SunCo caps metadata at 4 KB. */
export const MAX_METADATA_BYTES = 4096;

/** Zendesk ticket priorities: low, normal, high, urgent. */
const TICKET_PRIORITY: Record<Priority, string | undefined> = {
  none: undefined,
  low: 'low',
  medium: 'normal',
  high: 'high',
  urgent: 'urgent',
};

/** SunCo resolves a passControl target by id, then name, then integration type; match the same way. */
export function matchesIntegration(ref: SwitchboardRef | null | undefined, target: string): boolean {
  if (!ref) return false;
  return ref.id === target || ref.name === target || ref.integrationType === target || ref.integrationId === target;
}

/** Zendesk tags are split on spaces and commas and stored lower-case. */
export function toTag(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/[\s,]+/g, '_');
}

export function metadataBytes(metadata: FlatMetadata): number {
  return Buffer.byteLength(JSON.stringify(metadata));
}

export interface HandoverMetadataInput {
  routing: Routing;
  customAttributes: CustomAttributes;
  options: ZendeskOptions;
  firstMessageId?: string;
}

/**
 * Builds the passControl metadata: routing as `dataCapture.systemField.*` (group, priority, tags),
 * then custom attributes and `connectorOptions.zendesk.metadata` as given (so `dataCapture.ticketField.<id>`
 * keys fill custom ticket fields). Our keys win over attributes of the same name. When the result is
 * over 4 KB, attributes are dropped (last first) with a warning.
 */
export function handoverMetadata(input: HandoverMetadataInput): {
  metadata: FlatMetadata;
  warnings: ConnectorWarning[];
} {
  const warnings: ConnectorWarning[] = [];
  const { routing, options } = input;
  const ours: FlatMetadata = {};
  if (input.firstMessageId) ours.first_message_id = input.firstMessageId;
  if (routing.queue) ours['dataCapture.systemField.group_id'] = routing.queue;
  const priority = routing.priority ? TICKET_PRIORITY[routing.priority] : undefined;
  if (priority) ours['dataCapture.systemField.priority'] = priority;
  const tags = [...new Set([...(routing.skills ?? []), ...(options.tags ?? [])].map(toTag).filter(Boolean))];
  if (tags.length) ours['dataCapture.systemField.tags'] = tags.join(',');
  if (routing.languages?.length) {
    warnings.push({
      type: 'unsupported',
      feature: 'languages',
      message:
        "Zendesk has no language routing field for a passControl; the requester's locale is set from the " +
        "handover's locale instead.",
    });
  }

  const extra: Array<[string, string | number | boolean]> = [
    ...Object.entries(input.customAttributes),
    ...Object.entries(options.metadata ?? {}),
  ].filter(([key]) => !(key in ours));
  const metadata: FlatMetadata = { ...Object.fromEntries(extra), ...ours };
  const dropped: string[] = [];
  for (let i = extra.length - 1; i >= 0 && metadataBytes(metadata) > MAX_METADATA_BYTES; i--) {
    const key = extra[i]![0];
    delete metadata[key];
    dropped.unshift(key);
  }
  if (dropped.length) {
    warnings.push(
      featureWarning(
        'customAttributes',
        `passControl metadata is limited to 4 KB; left out: ` +
          `${dropped.slice(0, 10).join(', ')}${dropped.length > 10 ? ', …' : ''}`,
      ),
    );
  }
  return { metadata, warnings };
}
