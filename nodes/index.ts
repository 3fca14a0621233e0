import type { INodeDescriptor } from '@cognigy/extension-tools';
import type { z } from 'zod';
import type { ConnectorCapabilities } from '../src/contract';
import { createCheckAvailabilityNodes, availabilityWants, checkAvailabilitySchema } from './check-agent-availability';
import { closeHandoverSchema, createCloseHandoverNode } from './close-handover';
import { createHandoverToAgentNode, handoverToAgentSchema, handoverWants } from './handover-to-agent';
import { createLookupNodes, lookupSchema } from './lookup-handover-status';
import { createLegacySetInactivityNode, createSetInactivityNode, setInactivitySchema } from './set-handover-inactivity';
import { IGNORED_COGNIGY_KEYS } from './shared/sections';
import { parseConfig, requireCapabilities } from './shared/common';
import type { NODE_TYPES, CreateHandoverNodesOptions } from './shared/types';
import { assertNever } from '../src/util/never';

export { NODE_TYPES, type CreateHandoverNodesOptions, type ProviderInfo } from './shared/types';
export { LOOKUP_CASES, caseOf, type LookupCase } from './lookup-handover-status';
export { AVAILABILITY_CHILDREN } from './check-agent-availability';
export { STATE_KEY, type HandoverState } from './shared/runtime';

/**
 * The five handover nodes (and the branch nodes they declare) as `@cognigy/extension-tools`
 * descriptors, bound to a handover service. Add them to your extension:
 *
 *   createExtension({ nodes: [...myNodes, ...createHandoverNodes({ service })] })
 */
export function createHandoverNodes(options: CreateHandoverNodesOptions): INodeDescriptor[] {
  return [
    createHandoverToAgentNode(options),
    ...createCheckAvailabilityNodes(options),
    ...createLookupNodes(options),
    createCloseHandoverNode(options),
    createSetInactivityNode(options),
    createLegacySetInactivityNode(options),
  ];
}

type NodeType = keyof typeof NODE_TYPES;

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
      const c = parseConfig(handoverToAgentSchema(opts), concrete, 'Handover to Agent');
      const chain = [...(providerKnown ? [c.providerId] : []), ...(c.fallbackProviderIds ?? [])];
      requireCapabilities('Handover to Agent', handoverWants(c), chain.map(caps));
      return c;
    }
    case 'checkAgentAvailability': {
      const c = parseConfig(checkAvailabilitySchema(opts), concrete, 'Check Agent Availability');
      requireCapabilities('Check Agent Availability', availabilityWants(c), providerKnown ? [caps(c.providerId)] : []);
      return c;
    }
    case 'lookupHandoverStatus':
      return parseConfig(lookupSchema, concrete, 'Lookup Handover Status');
    case 'closeHandover':
      return parseConfig(closeHandoverSchema, concrete, 'Close Handover');
    case 'handoverInactivityTimer':
    case 'setHandoverInactivity':
      return parseConfig(setInactivitySchema as z.ZodType, concrete, 'Set Handover Inactivity') as Record<
        string,
        unknown
      >;
    default:
      return assertNever(nodeType, 'node type');
  }
}
export {
  createGatewayHandoverNodes,
  handoverGatewayConnection,
  serviceFromConnection,
  HANDOVER_GATEWAY_CONNECTION,
} from './gateway-connection';
