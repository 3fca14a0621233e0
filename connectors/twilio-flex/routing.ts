import type { ConnectorWarning, Priority, StartHandoverRequest, TranscriptEntry } from 'handover-kit/contract';
import { featureWarning, packLines, transcriptLine } from 'handover-kit/connector-utils';
import type { TwilioTask } from './api';
import type { TwilioFlexSettings } from './schema';

/** TaskRouter priorities for the kit's levels (higher is served first). */
export const TASK_PRIORITY: Record<Priority, number> = { none: 0, low: 10, medium: 50, high: 100, urgent: 1000 };
/** Twilio's limit on a message body. */
export const MAX_BODY_CHARS = 1600;
/** Transcript messages posted before routing, at most (the newest lines win). */
export const MAX_TRANSCRIPT_MESSAGES = 10;
/** Task attribute keys the connector owns; custom attributes cannot overwrite them. */
const RESERVED = new Set(['conversationSid', 'customerName', 'from', 'channelType', 'customers', 'handover']);

export const isQueueSid = (value: string | undefined): value is string =>
  value !== undefined && /^WQ[0-9a-fA-F]{32}$/.test(value);

/**
 * Task attributes: Flex's known ones (`conversationSid`, `customerName`, `from`, `channelType`,
 * `customers` for Insights), the node's routing under `handover` for the workflow's filters, and
 * the custom attributes at the top level.
 */
export function taskAttributes(request: StartHandoverRequest, conversationSid: string, settings: TwilioFlexSettings) {
  const warnings: ConnectorWarning[] = [];
  const { user, routing } = request;
  const custom: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(request.customAttributes)) {
    if (RESERVED.has(key))
      warnings.push(featureWarning('customAttributes', `Attribute "${key}" is reserved by the connector; not sent`));
    else custom[key] = value;
  }
  const name = user.name ?? user.id;
  const attributes = {
    ...custom,
    conversationSid,
    customerName: name,
    from: name,
    channelType: settings.channelType,
    customers: {
      customer_id: user.id,
      name,
      ...(user.email ? { email: user.email } : {}),
      ...(user.phone ? { phone: user.phone } : {}),
    },
    handover: {
      source: 'handover-kit',
      ...(routing.queue ? { queue: routing.queue } : {}),
      ...(routing.skills?.length ? { skills: routing.skills } : {}),
      ...(routing.languages?.length ? { languages: routing.languages } : {}),
      ...(routing.priority ? { priority: routing.priority } : {}),
      ...(request.locale ? { locale: request.locale } : {}),
    },
  };
  return { attributes, warnings };
}

/** The Interactions API `Routing` parameter: the TaskRouter task to create. */
export function interactionRouting(
  request: StartHandoverRequest,
  settings: TwilioFlexSettings,
  attributes: Record<string, unknown>,
) {
  const priority = TASK_PRIORITY[request.routing.priority ?? 'none'];
  return {
    properties: {
      workspace_sid: settings.workspaceSid,
      workflow_sid: settings.workflowSid,
      task_channel_unique_name: settings.taskChannel,
      ...(priority > 0 ? { priority } : {}),
      attributes,
    },
  };
}

/** The Interactions API `Channel` parameter: an API-initiated interaction on our conversation. */
export function interactionChannel(settings: TwilioFlexSettings, conversationSid: string) {
  return { type: settings.channelType, initiated_by: 'api', properties: { media_channel_sid: conversationSid } };
}

/** The bot transcript as a few message bodies, each within Twilio's 1,600 characters. */
export function transcriptBodies(transcript: readonly TranscriptEntry[]): string[] {
  const lines = transcript.map((entry) => transcriptLine(entry).slice(0, MAX_BODY_CHARS));
  return packLines(lines, MAX_BODY_CHARS).slice(-MAX_TRANSCRIPT_MESSAGES);
}

/** Our task among a conversation's tasks: the newest one still live, else the newest. */
export function pickTask(tasks: readonly TwilioTask[]): TwilioTask | undefined {
  const byAge = [...tasks].sort((a, b) => Date.parse(b.date_created ?? '') - Date.parse(a.date_created ?? ''));
  return byAge.find((t) => ['pending', 'reserved', 'assigned'].includes(t.assignment_status)) ?? byAge[0];
}

/**
 * Estimated wait (inferred, not a Twilio figure): the queue's average wait until accepted over the
 * statistics window, minus what this task has already waited. Undefined when there is no average
 * or the task has waited longer than it.
 */
export function estimateWaitMs(avgWaitSeconds: number | null | undefined, taskAgeSeconds = 0): number | undefined {
  if (avgWaitSeconds == null || avgWaitSeconds <= 0) return undefined;
  const remaining = avgWaitSeconds - taskAgeSeconds;
  return remaining > 0 ? Math.round(remaining * 1000) : undefined;
}
