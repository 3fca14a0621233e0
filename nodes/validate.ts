import type { ConnectorCapabilities } from '../src/contract';
import { assertNever } from '../src/util/never';
import { availabilityWants, checkAvailabilityFields } from './check-agent-availability';
import { CLOSE_HANDOVER_FIELDS } from './close-handover';
import { handoverToAgentFields, handoverWants } from './handover-to-agent';
import { LOOKUP_FIELDS } from './lookup-handover-status';
import { SET_INACTIVITY_FIELDS } from './set-handover-inactivity';
import { requireCapabilities } from './shared/common';
import { configSchema, parseConfig } from './shared/config';
import { IGNORED_COGNIGY_KEYS } from './shared/sections';
import type { CreateHandoverNodesOptions, NODE_TYPES } from './shared/types';

type NodeType = keyof typeof NODE_TYPES;

/** Schemas that do not depend on the options, built on first use. */
const once = <T>(make: () => T) => {
  let made: T | undefined;
  return () => (made ??= make());
};
const fixed = {
  lookup: once(() => configSchema(LOOKUP_FIELDS)),
  close: once(() => configSchema(CLOSE_HANDOVER_FIELDS)),
  setInactivity: once(() => configSchema(SET_INACTIVITY_FIELDS)),
};

/**
 * Validates a node's config where a flow is built (the flow tester, your CI): the schema first
 * (errors name the field), then the capabilities of every provider the node uses, so a node asking
 * a connector for something it cannot do fails now, not at 3 a.m. Fields holding CognigyScript
 * (`{{…}}`) are only known at run time: they are left out of both checks, the rest is still checked.
 */
export function validateNodeConfig(
  nodeType: NodeType,
  config: unknown,
  capabilitiesOf: (providerId: string) => ConnectorCapabilities,
  options: Pick<CreateHandoverNodesOptions, 'providers' | 'connection'> = {},
): Record<string, unknown> {
  const opts = { service: undefined as never, ...options };
  // Keys of Cognigy's nodes the kit does not use (other providers, Copilot) are accepted, not errors.
  const raw = Object.fromEntries(
    Object.entries((config ?? {}) as Record<string, unknown>).filter(
      ([k]) => !(IGNORED_COGNIGY_KEYS as readonly string[]).includes(k),
    ),
  );
  const templated = new Set(
    Object.keys(raw).filter((k) => typeof raw[k] === 'string' && (raw[k] as string).includes('{{')),
  );
  // A templated provider id gets a stand-in so the other fields can still be validated.
  const concrete = Object.fromEntries(
    Object.entries(raw)
      .filter(([k]) => !templated.has(k) || k === 'providerId')
      .map(([k, v]) => [k, templated.has(k) ? 'templated' : v]),
  );
  const caps = (id: string) => ({ id, capabilities: capabilitiesOf(id) });
  const providerKnown = !templated.has('providerId');
  switch (nodeType) {
    case 'handoverToAgent': {
      const c = parseConfig(configSchema(handoverToAgentFields(opts)), concrete, 'Handover to Agent');
      const chain = [...(providerKnown ? [c.providerId] : []), ...(c.fallbackProviderIds ?? [])];
      requireCapabilities('Handover to Agent', handoverWants(c), chain.map(caps));
      return c;
    }
    case 'checkAgentAvailability': {
      const c = parseConfig(configSchema(checkAvailabilityFields(opts)), concrete, 'Check Agent Availability');
      requireCapabilities('Check Agent Availability', availabilityWants(c), providerKnown ? [caps(c.providerId)] : []);
      return c;
    }
    case 'lookupHandoverStatus':
      return parseConfig(fixed.lookup(), concrete, 'Lookup Handover Status');
    case 'closeHandover':
      return parseConfig(fixed.close(), concrete, 'Close Handover');
    case 'handoverInactivityTimer':
    case 'setHandoverInactivity':
      return parseConfig(fixed.setInactivity(), concrete, 'Set Handover Inactivity');
    default:
      return assertNever(nodeType, 'node type');
  }
}
