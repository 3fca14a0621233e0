import { createNodeDescriptor, type INodeFunctionBaseParams } from '@cognigy/extension-tools';
import { z } from 'zod';
import { toHandoverError } from '../src/contract';
import { HANDOVER_COLOR, isConfigError, parseConfig, type } from './shared/common';
import { editorFrom, nodeField, optionalNumber } from './shared/fields';
import { connectionField, withoutConnection } from './handover-to-agent';
import { logFailure, runtimeOf, serviceFor, sessionOf } from './shared/runtime';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

/**
 * Set Handover Inactivity: arms (or re-arms) the user-inactivity timer of the live handover. Each
 * user message resets it and the count; each expiry re-enters the flow with an inactivity event and
 * `input.handover.inactivityCount`, so a flow can warn first and close on the second.
 */
export const setInactivitySchema = z
  .object({
    // Cognigy's field is text (CognigyScript); unlike Cognigy we refuse "" and "abc" instead of arming 0 or NaN.
    timer: nodeField(
      z.preprocess(
        (v) => (typeof v === 'string' && v.trim() !== '' ? Number(v) : v === '' ? undefined : v),
        z.number({ error: 'Enter the minutes of silence before the inactivity event (a number)' }).positive('Must be more than 0 minutes').max(1440, 'At most 1440 minutes (a day)'),
      ),
      { label: 'Timer (minutes)', type: 'cognigyText', description: 'Minutes the user may stay silent during the handover.', params: { required: true } },
    ),
    autoCloseAfter: nodeField(optionalNumber(z.number().int().positive().max(100)), {
      label: 'Close automatically after this many expiries',
      type: 'number',
      description: 'Empty: never; the flow decides (e.g. with Close Handover on the second inactivity).',
    }),
  })
  .strict();

export function createSetInactivityNode(options: CreateHandoverNodesOptions) {
  const editor = editorFrom(setInactivitySchema);
  return createNodeDescriptor({
    type: type(options, NODE_TYPES.setHandoverInactivity),
    defaultLabel: 'Set Handover Inactivity',
    summary: 'Starts the user inactivity timer of the live handover',
    tags: ['service', 'handover', 'inactivity'],
    appearance: { color: HANDOVER_COLOR },
    preview: { key: 'timer', type: 'text' },
    ...connectionField(options, editor),
    function: async (params: INodeFunctionBaseParams) => {
      const rt = runtimeOf(params);
      const c = parseConfig(setInactivitySchema, withoutConnection(params.config, options), 'Set Handover Inactivity', params.nodeId, true);
      try {
        const service = serviceFor(options.service, params.config as Record<string, unknown>);
        const outcome = await service.setInactivity({ session: sessionOf(rt.input), minutes: c.timer, ...(c.autoCloseAfter ? { autoCloseAfter: c.autoCloseAfter } : {}) });
        if (!outcome.armed) rt.api.log('info', 'Set Handover Inactivity: the timer runs only while a handover is queued or active; none is');
      } catch (error) {
        const e = toHandoverError(error);
        if (isConfigError(e)) throw e;
        logFailure(rt, 'Set Handover Inactivity', e);
      }
    },
  });
}
