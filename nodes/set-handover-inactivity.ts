import { toHandoverError } from '../src/contract/errors';
import { HANDOVER_TAGS, handoverNode } from './shared/common';
import { fieldList } from './shared/fields';
import { logFailure, runtimeOf, serviceFor, sessionOf } from './shared/runtime';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

/**
 * Set Handover Inactivity (`handoverInactivityTimer`, Cognigy's type id): arms the user-inactivity
 * timer of the live handover. As Cognigy documents it, the timer expires once per arming — the
 * expiry re-enters the flow with `eventType: 'handoverInactivity'` and `inactivityCount` — and the
 * flow re-arms it (the User Inactivity Detection recipe does, after its warning). Each user message
 * resets the count and restarts the timer.
 */
export const SET_INACTIVITY_FIELDS = fieldList([
  {
    key: 'timer',
    value: { kind: 'timer' },
    label: 'Timer (minutes)',
    type: 'cognigyText',
    description: 'Minutes the user may stay silent during the handover.',
  },
  {
    key: 'autoCloseAfter',
    value: { kind: 'lenientNumber', max: 100 },
    label: 'Close automatically after this many expiries (handover-kit; not in Cognigy)',
    type: 'number',
    description:
      'Empty: never; the flow decides (e.g. with Close Handover on the second inactivity). Set, the timer ' +
      're-arms itself until then.',
  },
]);

/** Cognigy's conversion: `Number(timer)` minutes; anything that is not more than 0 switches the timer off. */
export function timerMinutes(timer: string | number | undefined): number {
  const n = typeof timer === 'number' ? timer : Number(timer ?? '');
  return Number.isFinite(n) && n > 0 ? Math.min(n, 1440) : 0;
}

function inactivityNode(options: CreateHandoverNodesOptions, nodeType: string, legacy: boolean) {
  return handoverNode(options, {
    type: nodeType,
    label: 'Set Handover Inactivity',
    summary: 'Starts the user inactivity timer of the live handover',
    tags: [...HANDOVER_TAGS, 'inactivity'],
    preview: { key: 'timer', type: 'text' },
    // The type id of earlier releases: flows that have it keep running; new nodes use Cognigy's id.
    ...(legacy
      ? { constraints: { creatable: false, editable: true, deletable: true, movable: true, placement: {} } as never }
      : {}),
    fields: SET_INACTIVITY_FIELDS,
    function: async (params, configOf) => {
      const rt = runtimeOf(params);
      const c = configOf(params);
      const minutes = timerMinutes(c.timer);
      if (minutes === 0)
        rt.api.log(
          'warn',
          `Set Handover Inactivity: timer "${String(c.timer ?? '')}" is not a number of minutes above 0; the ` +
            `inactivity timer is off`,
        );
      // A broken gateway connection is the node's own misconfiguration: it throws, as Cognigy's nodes do.
      const service = serviceFor(options.service, params.config as Record<string, unknown>);
      try {
        const outcome = await service.setInactivity({
          session: sessionOf(rt.input),
          minutes,
          ...(c.autoCloseAfter ? { autoCloseAfter: Math.round(c.autoCloseAfter) } : {}),
        });
        if (!outcome.armed)
          rt.api.log(
            'info',
            'Set Handover Inactivity: the timer runs only while a handover is queued or active; none is',
          );
      } catch (error) {
        logFailure(rt, 'Set Handover Inactivity', toHandoverError(error));
      }
    },
  });
}

export function createSetInactivityNode(options: CreateHandoverNodesOptions) {
  return inactivityNode(options, NODE_TYPES.handoverInactivityTimer, false);
}

/** The node under its old type id (`setHandoverInactivity`): runs, cannot be added any more. */
export function createLegacySetInactivityNode(options: CreateHandoverNodesOptions) {
  return inactivityNode(options, NODE_TYPES.setHandoverInactivity, true);
}
