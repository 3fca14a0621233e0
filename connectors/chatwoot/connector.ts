// The connector itself: createChatwootConnector(settings, runtime) builds one instance.
import type { Dispatcher } from 'undici';
import {
  CAPABILITY_GROUPS,
  VendorNotFoundError,
  SPECIFICATION_VERSION,
  defineCapabilities,
  type ConnectorRuntime,
  type HandoverConnectorV1,
} from 'handover-kit/contract';
import { oncePerMessage, runConnectionChecks, type RetryOptions } from 'handover-kit/connector-utils';
import { ChatwootApi } from './api';
import { createContext } from './context';
import { checkAvailability, closeHandover, getStatus, sendMessage } from './operations';
import type { ChatwootSettings } from './schema';
import { startHandover } from './start';
import { createChatwootWebhook } from './webhook';

/**
 * No wait-time or queue-position API, no skills or languages, files only as multipart uploads, no
 * opening hours in the API we use, no in-process push.
 */
export const CHATWOOT_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.handover, CAPABILITY_GROUPS.liveAgent, [
  'availability',
  'priority',
  'queueRouting',
  'webhooks',
]);

/** Test and tuning hooks that are not provider settings. */
export interface ChatwootConnectorOptions {
  /** Retry policy for idempotent calls (default: 3 attempts, 200 ms base backoff, Retry-After honoured). */
  retry?: RetryOptions;
  /** A shared undici pool (one is created per connector otherwise). */
  dispatcher?: Dispatcher;
}

export function createChatwootConnector(
  settings: ChatwootSettings,
  runtime: ConnectorRuntime,
  options: ChatwootConnectorOptions = {},
): HandoverConnectorV1 & { readonly api: ChatwootApi; dispose(): Promise<void> } {
  const api = new ChatwootApi({
    baseUrl: settings.baseUrl,
    accountId: settings.accountId,
    apiAccessToken: settings.apiAccessToken,
    timeoutMs: settings.timeoutMs,
    retry: options.retry,
    dispatcher: options.dispatcher,
  });
  const ctx = createContext(settings, api, runtime.clock, runtime.logger, runtime.state);

  return {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'chatwoot',
    capabilities: CHATWOOT_CAPABILITIES,
    api,
    webhook: createChatwootWebhook(settings, runtime.clock, (id) => ctx.resolvedByBot.has(id)),

    doCheckAvailability: (request, callOptions) => checkAvailability(ctx, request, callOptions?.signal),

    doStartHandover(request, callOptions) {
      // One start per key at a time: a concurrent repeat waits for the first and gets the same conversation.
      return ctx.starting.run(request.idempotencyKey, () => startHandover(ctx, request, callOptions?.signal)).promise;
    },

    // A repeated message id (within a day, the last 50 000) is answered from memory without a second call.
    doSendMessage: oncePerMessage((request, callOptions) => sendMessage(ctx, request, callOptions?.signal), {
      max: 50_000,
      ttlMs: 24 * 3_600_000,
      now: () => ctx.clock.now(),
    }),
    doGetStatus: ({ conversationId }, callOptions) => getStatus(ctx, conversationId, callOptions?.signal),
    doCloseHandover: (request, callOptions) => closeHandover(ctx, request, callOptions?.signal),

    // The token and account (listing teams needs both), the inbox, and the default team when one is set.
    doTestConnection: (callOptions) => {
      const signal = callOptions?.signal;
      let teams: Array<{ id: number; name?: string | null }> = [];
      return runConnectionChecks([
        { name: 'auth', field: 'settings.apiAccessToken', run: async () => void (teams = await api.teams(signal)) },
        {
          name: 'inbox',
          field: 'settings.inboxId',
          run: async () =>
            `inbox ${settings.inboxId}: ${(await api.inboxMembers(settings.inboxId, signal)).length} agent(s)`,
        },
        settings.teamId === undefined
          ? { name: 'team', field: 'settings.teamId', skip: 'not set: handovers are not assigned to a team' }
          : {
              name: 'team',
              field: 'settings.teamId',
              run: async () => {
                const team = teams.find((t) => t.id === settings.teamId);
                if (!team)
                  throw new VendorNotFoundError(
                    `Chatwoot has no team ${settings.teamId} in account ${settings.accountId}`,
                    { vendor: 'chatwoot', status: 404, operation: 'test connection' },
                  );
                return `team "${team.name ?? team.id}"`;
              },
            },
      ]);
    },

    dispose: () => api.close(),
  };
}
