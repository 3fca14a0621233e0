import type { FlowHandoverInput } from '../src/delivery';
import { branchedNode, type } from './shared/common';
import { fieldList, toggle } from './shared/fields';
import { forwardUserInput } from './shared/forward';
import {
  incomingHandover,
  isLive,
  readState,
  routeTo,
  runtimeOf,
  serviceFor,
  sessionOf,
  setHandoverInput,
} from './shared/runtime';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

/**
 * Lookup of type "Handover Status": one branch per value of `input.handover.status`, as Cognigy's
 * Lookup compares it. Placed below the Handover to Agent node; make it the entrypoint of repeated
 * events with a Go To ("wait for input"). While a handover is live, user messages that reach it go
 * to the agent. An inactivity event keeps its status (queue / active), as in Cognigy; the kit's own
 * Inactivity case is taken only with `inactivityCase` on. A branch left empty continues below the
 * Lookup, as in Cognigy.
 */
export const LOOKUP_CASES = [
  { case: 'queue', child: 'onHandoverQueue', label: 'Queue' },
  { case: 'active', child: 'onHandoverActive', label: 'Active' },
  { case: 'completed', child: 'onHandoverCompleted', label: 'Completed' },
  { case: 'cancelled', child: 'onHandoverCancelled', label: 'Cancelled' },
  { case: 'error', child: 'onHandoverError', label: 'Error', color: '#cf142b' },
  { case: 'agentInject', child: 'onHandoverEvent', label: 'Events (agentInject)' },
  { case: 'genericHandoverUpdate', child: 'onHandoverGenericUpdate', label: 'genericHandoverUpdate' },
  { case: 'handoverAlreadyInProgress', child: 'onHandoverAlreadyInProgress', label: 'Handover Already in Progress' },
  { case: 'inactivity', child: 'onHandoverInactivity', label: 'Inactivity (opt-in, not in Cognigy)' },
  { case: 'default', child: 'onHandoverDefault', label: 'Default', color: '#8a8a8a' },
] as const;
export type LookupCase = (typeof LOOKUP_CASES)[number]['case'];

export const LOOKUP_FIELDS = fieldList([
  toggle('forwardUserInput', 'Forward user messages to the agent', true, {
    description:
      'While a handover is live, a user message reaching this node goes to the agent and the bot stays quiet.',
  }),
  toggle('inactivityCase', 'Route inactivity events to the Inactivity case (handover-kit; not in Cognigy)', false, {
    description:
      'Off (Cognigy): an inactivity event keeps its status and takes the queue / active case; check ' +
      'input.handover.inactivityCount.',
  }),
]);

/**
 * Which case an event takes: its status, as Cognigy's Lookup compares it (the kit's Inactivity case only on request).
 */
export function caseOf(handover: FlowHandoverInput | undefined, inactivityCase = false): LookupCase {
  if (!handover) return 'default';
  if (inactivityCase && handover.eventType === 'handoverInactivity') return 'inactivity';
  return LOOKUP_CASES.some((c) => c.case === handover.status) ? handover.status : 'default';
}

export function createLookupNodes(options: CreateHandoverNodesOptions) {
  return branchedNode(options, {
    type: NODE_TYPES.lookupHandoverStatus,
    label: 'Lookup Handover Status',
    summary: 'Branches on the handover status: queue, active, completed, cancelled, error, events…',
    tags: ['logic', 'handover'],
    behavior: { entrypoint: true },
    constraints: {
      editable: true,
      deletable: true,
      creatable: true,
      movable: true,
      collapsable: true,
      placement: { children: { whitelist: LOOKUP_CASES.map((c) => type(options, c.child)) } },
    } as never,
    fields: LOOKUP_FIELDS,
    branches: LOOKUP_CASES,
    branchKey: (c) => c.case,
    function: async (params, configOf, childType) => {
      const rt = runtimeOf(params);
      const config = configOf(params);
      const route = (handover: FlowHandoverInput | undefined) => {
        // A case the flow builder has not wired falls through to Default, as a Lookup does.
        routeTo(rt, childType(caseOf(handover, config.inactivityCase)), childType('default'));
      };
      const event = incomingHandover(rt);
      if (event) {
        setHandoverInput(rt, event);
        return route(event);
      }
      if (config.forwardUserInput && isLive(readState(rt))) {
        const service = serviceFor(options.service, params.config as Record<string, unknown>);
        const ended = await forwardUserInput(rt, service, sessionOf(rt.input), 'Lookup Handover Status');
        if (!ended) return; // forwarded (or could not be, and logged): the agent answers, not the bot
        setHandoverInput(rt, ended);
        return route(ended);
      }
      route(undefined);
    },
  });
}
