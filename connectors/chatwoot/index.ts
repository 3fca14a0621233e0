/**
 * Chatwoot / Cognigy Live Agent — handover into an API-channel inbox.
 *
 * Setup at the vendor:
 * 1. Settings → Inboxes → Add inbox → **API** channel. Set its Webhook URL to the gateway's
 *    `https://<gateway>/webhooks/<providerId>` (url-token verification: append `?token=<webhookSecret>`).
 *    An API inbox posts every event of its conversations, no subscription list. Note the inbox id.
 *    (Or use an account webhook, Settings → Integrations → Webhooks, subscribed to `message_created`,
 *    `conversation_updated`, `conversation_status_changed`, `conversation_typing_on`, `conversation_typing_off`;
 *    events of other inboxes are ignored.)
 * 2. Add the agents (and teams) who take handovers to that inbox.
 * 3. Profile Settings → Access Token of an **administrator** → `apiAccessToken` (an agent-role token
 *    assigns every conversation it opens to itself; agent-bot tokens cannot create contacts or read agents).
 * 4. Secrets: `apiAccessToken` authenticates our calls (`api_access_token` header); `webhookSecret` checks
 *    Chatwoot's calls. Chatwoot ≥ 4.13 signs inbox webhooks (≥ 4.11.2 account webhooks): copy the
 *    inbox's / webhook's secret into `webhookSecret` and keep `verification: 'signature'`. Older builds and
 *    Cognigy Live Agent sign nothing: choose `verification: 'url-token'` (the `live-agent` flavour's default),
 *    make up a random `webhookSecret` of 16+ characters and put it in the webhook URL as `?token=`.
 * 5. Self-hosted Chatwoot ≥ 4.14 refuses webhooks to private addresses unless
 *    `SAFE_FETCH_ALLOW_PRIVATE_NETWORK=true`.
 *
 * Model: `pending` = the bot owns a conversation, `open` = the agents' queue. The connector creates the
 * conversation `open` and, if the inbox's agent bot forced it to `pending` (or a reused one is pending,
 * snoozed or resolved), moves it with `toggle_status`. Joined = a user assigned; ended = `resolved`.
 * See docs/connectors/chatwoot.md.
 */
import type { Dispatcher } from 'undici';
import {
  VendorNotFoundError,
  SPECIFICATION_VERSION,
  defineCapabilities,
  defineConnector,
  type ConnectorRuntime,
  type HandoverConnectorV1,
} from 'handover-kit/contract';
import { runConnectionChecks, type RetryOptions } from 'handover-kit/connector-utils';
import { ChatwootApi } from './api';
import { createContext } from './context';
import { checkAvailability, closeHandover, getStatus, sendMessage } from './operations';
import { chatwootSettingsSchema, type ChatwootSettings } from './schema';
import { startHandover } from './start';
import { createChatwootWebhook } from './webhook';

export { chatwootSettingsSchema, normalizeBaseUrl, verificationMode, type ChatwootSettings, type ChatwootSettingsInput, type Flavour, type VerificationMode } from './schema';
export { chatwootConnection, chatwootConnectionFields, chatwootConnectionHelp, settingsFromConnection, CHATWOOT_CONNECTION_TYPE, type ChatwootConnection, type CognigyConnectionSchema } from './connection';
export { chatwootOptionsSchema, type ChatwootOptions } from './routing';
export { sourceIdFor } from './start';
export {
  createChatwootWebhook,
  chatwootSignature,
  parseChatwootWebhook,
  verifyChatwootWebhook,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  TOKEN_PARAM,
  type ParseOptions,
  type VerifyOptions,
} from './webhook';

export const CHATWOOT_CAPABILITIES = defineCapabilities({
  availability: true,
  priority: true,
  queueRouting: true,
  transcript: true,
  customAttributes: true,
  closeFromBot: true,
  typing: true,
  agentJoined: true,
  webhooks: true,
  // No wait-time or queue-position API, no skills or languages, files only as multipart uploads,
  // no opening hours in the API we use, no in-process push.
});

/** Test and tuning hooks that are not provider settings. */
export interface ChatwootConnectorOptions {
  /** Retry policy for idempotent calls (default: 3 attempts, 200 ms base backoff, Retry-After honoured). */
  retry?: RetryOptions;
  /** A shared undici pool (one is created per connector otherwise). */
  dispatcher?: Dispatcher;
}

export function createChatwootConnector(settings: ChatwootSettings, runtime: ConnectorRuntime, options: ChatwootConnectorOptions = {}): HandoverConnectorV1 & { readonly api: ChatwootApi; dispose(): Promise<void> } {
  const api = new ChatwootApi({
    baseUrl: settings.baseUrl,
    accountId: settings.accountId,
    apiAccessToken: settings.apiAccessToken,
    timeoutMs: settings.timeoutMs,
    retry: options.retry,
    dispatcher: options.dispatcher,
  });
  const ctx = createContext(settings, api, runtime.clock, runtime.logger);

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

    doSendMessage: (request, callOptions) => sendMessage(ctx, request, callOptions?.signal),
    doGetStatus: ({ conversationId }, callOptions) => getStatus(ctx, conversationId, callOptions?.signal),
    doCloseHandover: (request, callOptions) => closeHandover(ctx, request, callOptions?.signal),

    // The token and account (listing teams needs both), the inbox, and the default team when one is set.
    doTestConnection: (callOptions) => {
      const signal = callOptions?.signal;
      let teams: Array<{ id: number; name?: string | null }> = [];
      return runConnectionChecks([
        { name: 'auth', field: 'settings.apiAccessToken', run: async () => void (teams = await api.teams(signal)) },
        { name: 'inbox', field: 'settings.inboxId', run: async () => `inbox ${settings.inboxId}: ${(await api.inboxMembers(settings.inboxId, signal)).length} agent(s)` },
        settings.teamId === undefined
          ? { name: 'team', field: 'settings.teamId', skip: 'not set: handovers are not assigned to a team' }
          : {
              name: 'team',
              field: 'settings.teamId',
              run: async () => {
                const team = teams.find((t) => t.id === settings.teamId);
                if (!team) throw new VendorNotFoundError(`Chatwoot has no team ${settings.teamId} in account ${settings.accountId}`, { vendor: 'chatwoot', status: 404, operation: 'test connection' });
                return `team "${team.name ?? team.id}"`;
              },
            },
      ]);
    },

    dispose: () => api.close(),
  };
}

/** The connector definition (type `chatwoot`), for a `ProviderRegistry`. */
export function chatwootConnector(options: ChatwootConnectorOptions = {}) {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'chatwoot',
    label: 'Chatwoot / Cognigy Live Agent',
    description: 'Hands conversations to agents in a Chatwoot (or Cognigy Live Agent) API inbox: routing by team, priority and labels, transcript as a private note, events by webhook.',
    settingsSchema: chatwootSettingsSchema,
    capabilities: CHATWOOT_CAPABILITIES,
    create: (settings, runtime) => createChatwootConnector(settings, runtime, options),
  });
}
