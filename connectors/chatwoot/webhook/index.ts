import type { Clock, ConnectorWebhookV1 } from 'handover-kit/contract';
import { verificationMode, type ChatwootSettings } from '../schema';
import { parseChatwootWebhook } from './parse';
import { verifyChatwootWebhook } from './verify';

export { parseChatwootWebhook, type ParseOptions } from './parse';
export {
  chatwootSignature,
  verifyChatwootWebhook,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  TOKEN_PARAM,
  type VerifyOptions,
} from './verify';

/** The connector's webhook handler: verification as configured, then parsing. */
export function createChatwootWebhook(
  settings: Pick<
    ChatwootSettings,
    'accountId' | 'inboxId' | 'inboxIds' | 'webhookSecret' | 'verification' | 'flavour' | 'replayWindowSeconds'
  >,
  clock: Clock,
  resolvedByBot: (conversationId: string) => boolean | Promise<boolean> = () => false,
): ConnectorWebhookV1 {
  const verify = {
    mode: verificationMode(settings),
    secret: settings.webhookSecret,
    replayWindowMs: settings.replayWindowSeconds * 1000,
    now: () => clock.now(),
  };
  const parse = {
    accountId: settings.accountId,
    inboxId: settings.inboxId,
    ...(settings.inboxIds?.length ? { moreInboxIds: settings.inboxIds } : {}),
    resolvedByBot: () => false,
  };
  return {
    verify: (request) => verifyChatwootWebhook(request, verify),
    // Parsing stays synchronous; who resolved a conversation is looked up (shared state) afterwards.
    parse: async (request) => {
      const events = parseChatwootWebhook(request, parse);
      return Promise.all(
        events.map(async (e) =>
          e.type === 'handover-completed' && e.by === 'agent' && (await resolvedByBot(e.conversationId))
            ? { ...e, by: 'bot' as const }
            : e,
        ),
      );
    },
  };
}
