import { toHandoverError } from '../src/contract/errors';
import { HANDOVER_TAGS, STORAGE_SECTION, handoverNode, storageFields } from './shared/common';
import { fieldList, toggle } from './shared/fields';
import { logFailure, runtimeOf, serviceFor, sessionOf, setHandoverInput, store, viewToInput } from './shared/runtime';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

/**
 * Close Handover: ends the session's live handover at the contact center and returns the user to
 * the bot. Idempotent; without a live handover it logs and stores `{ closed: false }` instead of failing.
 */
export const CLOSE_HANDOVER_FIELDS = fieldList([
  toggle('closeHandoverInProvider', 'Close Handover in Provider', true, {
    description: 'Also end the conversation at the contact center. If off, the user is only returned to the bot.',
  }),
  // The kit's addition (not in Cognigy): where the outcome { closed, status, providerError } goes.
  ...storageFields('handoverClose', ' (handover-kit; not in Cognigy)'),
]);

export function createCloseHandoverNode(options: CreateHandoverNodesOptions) {
  return handoverNode(options, {
    type: NODE_TYPES.closeHandover,
    label: 'Close Handover',
    summary: 'Ends the live handover and returns the user to the bot',
    tags: HANDOVER_TAGS,
    fields: CLOSE_HANDOVER_FIELDS,
    sections: [STORAGE_SECTION],
    function: async (params, configOf) => {
      const rt = runtimeOf(params);
      const c = configOf(params);
      const key = c.storeLocation === 'context' ? c.contextKey : c.inputKey;
      // A broken gateway connection is the node's own misconfiguration: it throws, as Cognigy's nodes do.
      const service = serviceFor(options.service, params.config as Record<string, unknown>);
      try {
        const outcome = await service.closeHandover({
          session: sessionOf(rt.input),
          reason: 'bot-closed',
          closeInProvider: c.closeHandoverInProvider,
        });
        const providerError = (outcome as { providerError?: { code: string; message: string } }).providerError;
        if (!outcome.closed) rt.api.log('info', 'Close Handover: no live handover in this session; nothing to close');
        if (providerError)
          rt.api.log(
            'warn',
            `Close Handover: the contact center did not close its side (${providerError.code}); the user is ` +
              `back with the bot`,
          );
        if (outcome.handover) setHandoverInput(rt, viewToInput(outcome.handover));
        store(rt, c.storeLocation, key, {
          closed: outcome.closed,
          status: outcome.handover?.status ?? null,
          ...(providerError ? { providerError } : {}),
        });
      } catch (error) {
        // An unknown provider or refused credentials are logged like any failure: the flow goes on.
        const e = toHandoverError(error);
        logFailure(rt, 'Close Handover', e);
        store(rt, c.storeLocation, key, { closed: false, status: null, error: { code: e.code, message: e.message } });
      }
    },
  });
}
