import { createNodeDescriptor, type INodeFunctionBaseParams } from '@cognigy/extension-tools';
import { z } from 'zod';
import { toHandoverError } from '../src/contract';
import { HANDOVER_COLOR, STORAGE_SECTION, storageFields, type } from './shared/common';
import { editorFrom, nodeField } from './shared/fields';
import { connectionField, nodeConfig } from './handover-to-agent';
import { logFailure, runtimeOf, serviceFor, sessionOf, setHandoverInput, store, viewToInput } from './shared/runtime';
import { NODE_TYPES, type CreateHandoverNodesOptions } from './shared/types';

/**
 * Close Handover: ends the session's live handover at the contact center and returns the user to
 * the bot. Idempotent; without a live handover it logs and stores `{ closed: false }` instead of failing.
 */
export const closeHandoverSchema = z
  .object({
    closeHandoverInProvider: nodeField(z.boolean().default(true), {
      label: 'Close Handover in Provider',
      type: 'toggle',
      description: 'Also end the conversation at the contact center. If off, the user is only returned to the bot.',
    }),
    // The kit's addition (not in Cognigy): where the outcome { closed, status, providerError } goes.
    ...storageFields('handoverClose', ' (handover-kit; not in Cognigy)'),
  })
  .strict();

export function createCloseHandoverNode(options: CreateHandoverNodesOptions) {
  const editor = editorFrom(closeHandoverSchema, [STORAGE_SECTION]);
  return createNodeDescriptor({
    type: type(options, NODE_TYPES.closeHandover),
    defaultLabel: 'Close Handover',
    summary: 'Ends the live handover and returns the user to the bot',
    tags: ['service', 'livechat', 'chat', 'hand over'],
    appearance: { color: HANDOVER_COLOR },
    ...connectionField(options, editor),
    function: async (params: INodeFunctionBaseParams) => {
      const rt = runtimeOf(params);
      const c = nodeConfig(closeHandoverSchema, params, options, 'Close Handover');
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
