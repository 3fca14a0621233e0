import type { INodeDescriptor } from '@cognigy/extension-tools';
import { createCheckAvailabilityNodes } from './check-agent-availability';
import { createCloseHandoverNode } from './close-handover';
import { createHandoverToAgentNode } from './handover-to-agent';
import { createLookupNodes } from './lookup-handover-status';
import { createLegacySetInactivityNode, createSetInactivityNode } from './set-handover-inactivity';
import type { CreateHandoverNodesOptions } from './shared/types';

export { NODE_TYPES, type CreateHandoverNodesOptions, type ProviderInfo } from './shared/types';

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
