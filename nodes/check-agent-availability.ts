import type { CapabilityName } from '../src/contract';
import type { HandoverApi } from '../src/model';
import { toHandoverError } from '../src/contract/errors';
import { STORAGE_SECTION, branchedNode, providerField, routingFields, storageFields } from './shared/common';
import { fieldList, inSection, toggle, type ConfigOf } from './shared/fields';
import { logFailure, routeTo, runtimeOf, serviceFor, store, type ErrorLogging } from './shared/runtime';
import { availabilitySectionFields, genericRouting, providerSections, sectionRouting } from './shared/sections';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

/**
 * Check Agent Availability: asks the provider how many matching agents are free. Stores the number
 * where Cognigy does (`input.availableAgents`), so Cognigy's If (`input.availableAgents > 0`) below
 * it works unchanged, and the details (reason, wait, queue length) beside it. The kit adds fixed
 * branches; left empty, each continues below the node, as Cognigy's node (which has none) does.
 */
export const AVAILABILITY_CHILDREN = [
  { key: 'available', child: 'onAgentsAvailable', label: 'Agents Available' },
  { key: 'unavailable', child: 'onNoAgentsAvailable', label: 'No Agents Available', color: '#e8a13a' },
  { key: 'error', child: 'onAvailabilityError', label: 'On Error', color: '#cf142b' },
] as const;

export function checkAvailabilityFields(options: CreateHandoverNodesOptions) {
  return fieldList([
    providerField(options.providers, options.connection?.type),
    ...availabilitySectionFields(),
    ...routingFields('routingSettings', options.providers, genericRouting),
    ...storageFields('availableAgents'),
    {
      key: 'detailsKey',
      value: { kind: 'text', max: 200, default: 'agentAvailability' },
      label: 'Key to store the details (handover-kit; not in Cognigy)',
      type: 'cognigyText',
      section: 'storage',
      description:
        'available, reason (no-agents, outside-business-hours, holiday, queue-full), agentsAvailable, ' +
        'queueLength, estimatedWaitMs.',
    },
    ...inSection('errors', [
      {
        key: 'errorLogging',
        label: 'Error Logging',
        type: 'select',
        value: { kind: 'enum', values: ['none', 'basic', 'full'], default: 'none' },
        params: {
          options: [
            { label: "Don't log errors", value: 'none' },
            { label: 'Log error codes and responses', value: 'basic' },
            { label: 'Log full errors and request payloads', value: 'full' },
          ],
          required: true,
        },
      },
      toggle('abortOnError', 'Abort Flow Execution on Error', false),
    ]),
  ]);
}
export type CheckAvailabilityConfig = ConfigOf<ReturnType<typeof checkAvailabilityFields>>;

export function availabilityWants(
  c: CheckAvailabilityConfig,
): Array<{ field: string; capability: CapabilityName; used: boolean }> {
  return [
    { field: 'providerId', capability: 'availability', used: true },
    { field: 'inboxId', capability: 'queueRouting', used: !!c.inboxId },
    { field: 'skills', capability: 'skills', used: !!c.skills?.length },
    { field: 'languages', capability: 'languages', used: !!c.languages?.length },
  ];
}

type AvailabilityRequest = Parameters<HandoverApi['checkAvailability']>[0];
const requests = new WeakMap<CheckAvailabilityConfig, AvailabilityRequest>();

/** The request follows from the config alone: built once per (cached, frozen) config, not per execution. */
function availabilityRequest(c: CheckAvailabilityConfig): AvailabilityRequest {
  let request = requests.get(c);
  if (!request) {
    const byType = sectionRouting(c);
    request = {
      providerId: c.providerId,
      routing: {
        ...(c.inboxId ? { queue: c.inboxId } : {}),
        ...(c.skills?.length ? { skills: c.skills } : {}),
        ...(c.languages?.length ? { languages: c.languages } : {}),
      },
      ...(Object.keys(byType).length ? { byConnectorType: byType } : {}),
    };
    requests.set(c, request);
  }
  return request;
}

export function createCheckAvailabilityNodes(options: CreateHandoverNodesOptions) {
  return branchedNode(options, {
    type: NODE_TYPES.checkAgentAvailability,
    label: 'Check Agent Availability',
    summary: 'Asks the contact center whether agents are available',
    tags: ['service'],
    preview: { key: 'providerId', type: 'text' },
    branches: AVAILABILITY_CHILDREN,
    branchKey: (c) => c.key,
    fields: checkAvailabilityFields(options),
    sections: providerSections(options.providers, [
      { key: 'genesysCloudSettings', label: 'Genesys Cloud Settings' },
      { key: 'liveAgentSettings', label: 'Live Agent Settings' },
      { key: 'chatwootSettings', label: 'Chatwoot Settings' },
      { key: 'routingSettings', label: 'Routing (other contact centers)' },
      STORAGE_SECTION,
      { key: 'errors', label: 'Error Handling' },
    ]),
    function: async (params, configOf, childType) => {
      const rt = runtimeOf(params);
      const c = configOf(params);
      const where = c.storeLocation;
      const key = where === 'context' ? c.contextKey : c.inputKey;
      const branch = (k: (typeof AVAILABILITY_CHILDREN)[number]['key']) => routeTo(rt, childType(k));
      // A broken gateway connection is the node's own misconfiguration: it throws, as Cognigy's nodes do.
      const service = serviceFor(options.service, params.config as Record<string, unknown>);
      try {
        const result = await service.checkAvailability(availabilityRequest(c));
        store(rt, where, key, result.agentsAvailable ?? (result.available ? 1 : 0));
        store(rt, where, c.detailsKey, result);
        branch(result.available ? 'available' : 'unavailable');
      } catch (error) {
        // Any failure — an unknown provider, refused credentials, the contact center — is stored and
        // the flow goes on (or stops, with Abort Flow Execution on Error), never a thrown node error.
        const e = toHandoverError(error);
        logFailure(rt, 'Check Agent Availability', e, c.errorLogging as ErrorLogging);
        store(rt, where, key, 0);
        store(rt, where, c.detailsKey, { available: false, error: { code: e.code, message: e.message } });
        if (c.abortOnError) rt.api.stopExecution();
        else branch('error');
      }
    },
  });
}
