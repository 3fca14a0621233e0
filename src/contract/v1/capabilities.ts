import { z } from 'zod';

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

/** Builds a full capability map: everything not listed is `false`. */
export function defineCapabilities(enabled: Partial<Record<CapabilityName, boolean>>): ConnectorCapabilities {
  const out = {} as Record<CapabilityName, boolean>;
  for (const name of CAPABILITY_NAMES) out[name] = enabled[name] === true;
  return Object.freeze(out);
}
