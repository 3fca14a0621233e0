import { z } from 'zod';
import { HandoverConfigError } from '../errors';

/**
 * What a contact center can do, as data. Nodes and the service check these where a node or a
 * handover is configured, so asking a connector for something it cannot do fails early and clearly.
 */
export const CAPABILITY_NAMES = [
  /** An API that tells whether agents are available (Check Agent Availability). */
  'availability',
  /** The user's position in the queue. */
  'queuePosition',
  /** An estimated wait time. */
  'estimatedWaitTime',
  /** Routing by agent skills. */
  'skills',
  /** Routing by agent languages. */
  'languages',
  /** Routing priority. */
  'priority',
  /** Choosing a queue / inbox per handover. */
  'queueRouting',
  /** Opening hours and holidays known to the contact center. */
  'businessHours',
  /** The bot's transcript reaches the agent. */
  'transcript',
  /** Free-form attributes reach the agent / routing. */
  'customAttributes',
  /** The bot side can close or cancel the conversation at the contact center. */
  'closeFromBot',
  /** Files and images both ways. */
  'attachments',
  /** Agent typing indicators. */
  'typing',
  /** A reliable "agent joined" signal (otherwise it is inferred from the first agent message). */
  'agentJoined',
  /** Events arrive as signed webhooks (the connector implements `webhook`). */
  'webhooks',
  /** Events are pushed in-process on `connector.events` (no webhook needed). */
  'pushEvents',
] as const;

export type CapabilityName = (typeof CAPABILITY_NAMES)[number];
export type ConnectorCapabilities = Readonly<Record<CapabilityName, boolean>>;

export const connectorCapabilitiesSchema = z.object(
  Object.fromEntries(CAPABILITY_NAMES.map((n) => [n, z.boolean()])) as Record<CapabilityName, z.ZodBoolean>,
);

/** Capability names a connector has; everything not named is `false`. */
export type CapabilityList = readonly CapabilityName[];

/** The bot's transcript and attributes reach the agent, and the bot can end the conversation. */
const HANDOVER = ['transcript', 'customAttributes', 'closeFromBot'] as const;
/** A live agent desk that signals typing and the moment an agent joins. */
const LIVE_AGENT = ['typing', 'agentJoined'] as const;
/** Whether agents are available and how long the wait is. */
const QUEUE_FIGURES = ['availability', 'estimatedWaitTime'] as const;

/**
 * Capabilities that contact centers offer together, so a connector's declaration reads as the
 * groups it has plus what it adds: `defineCapabilities(CAPABILITY_GROUPS.handover, ['webhooks'])`.
 */
export const CAPABILITY_GROUPS = {
  handover: HANDOVER,
  liveAgent: LIVE_AGENT,
  queueFigures: QUEUE_FIGURES,
  /** A full contact center: `handover`, `liveAgent` and `queueFigures` together. */
  contactCenter: [...HANDOVER, ...LIVE_AGENT, ...QUEUE_FIGURES],
  /** Everything, e.g. for a stand-in contact center. */
  all: CAPABILITY_NAMES,
} as const satisfies Record<string, CapabilityList>;

const KNOWN: ReadonlySet<string> = new Set(CAPABILITY_NAMES);

function isList(value: unknown): value is CapabilityList {
  return Array.isArray(value);
}

/**
 * Builds a full capability map: everything not listed is `false`. Takes either a map of flags
 * (`{ availability: true }`) or lists of names and groups, which are joined. A listed name that
 * is not a capability is a `HandoverConfigError` (a typo would otherwise turn a capability off).
 */
export function defineCapabilities(
  enabled: Partial<Record<CapabilityName, boolean>> | CapabilityList,
  ...more: CapabilityList[]
): ConnectorCapabilities {
  const flags = isList(enabled) ? {} : enabled;
  const listed = (isList(enabled) ? [enabled, ...more] : more).flat();
  const unknown = listed.filter((name) => !KNOWN.has(name));
  if (unknown.length > 0) {
    throw new HandoverConfigError(
      `Not capability names: ${unknown.join(', ')}`,
      unknown.map((name) => ({ path: 'capabilities', message: `"${name}" is not a capability name` })),
    );
  }
  const out = {} as Record<CapabilityName, boolean>;
  for (const name of CAPABILITY_NAMES) out[name] = flags[name] === true || listed.includes(name);
  return Object.freeze(out);
}
