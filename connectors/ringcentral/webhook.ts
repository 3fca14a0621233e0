import {
  BadRequestError,
  BadSignatureError,
  type ConnectorWebhookV1,
  type HandoverEvent,
  type WebhookReply,
  type WebhookRequest,
} from 'handover-kit/contract';
import { headerValue, matchesSecret, parseJsonBody } from 'handover-kit/connector-utils';
import {
  localContentId,
  sdkEnvelopeSchema,
  sdkEvents,
  webhookEnvelopeSchema,
  webhookEvents,
  type EventContext,
  type SdkEnvelope,
} from './events';
import {
  DIMELO_SECRET_HEADER,
  SDK_SIGNATURE_HEADER,
  sdkSignatureOf,
  signSdk,
  verifyDimeloSecret,
  verifySdk,
} from './sdk';

/**
 * One URL for everything Engage sends (as Cognigy's `…/handover/rce`), `/webhooks/<providerId>`:
 * - GET `?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`: the Webhook API's subscription
 *   check, answered with the challenge (`handle`);
 * - POST of a Channel SDK action (`{action, params, time}`, `X-SMCCSDK-SIGNATURE`): verified, turned
 *   into events, answered with a signed body as the SDK requires (`handle`);
 * - POST of a Webhook API delivery (`{id, domain_id, events}`, `X-Dimelo-Secret`): `verify` + `parse`.
 */

export interface WebhookSecrets {
  /** The source's access token (signs SDK traffic both ways). */
  realtimeAccessToken: string;
  webhookSecret?: string;
  verifyToken: string;
}

/** What our source implements, answered to `implementation.info`. */
export const IMPLEMENTATION_INFO = {
  objects: { messages: ['create'], threads: ['create'], private_messages: ['create'] },
  options: [
    'view.messaging',
    'messages.text',
    'threads.text',
    'private_messages.text',
    'messaging.typing_indicator',
    'messaging.queuing_update',
    'messages.attachments',
  ],
} as const;

/** An SDK action when the body is one (or when it is signed like one), else undefined. */
function sdkEnvelopeOf(request: WebhookRequest): SdkEnvelope | 'malformed' | undefined {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(request.rawBody).toString('utf8'));
  } catch {
    return sdkSignatureOf(request) ? 'malformed' : undefined;
  }
  const parsed = sdkEnvelopeSchema.safeParse(body);
  if (parsed.success) return parsed.data;
  return sdkSignatureOf(request) ? 'malformed' : undefined;
}

export function createRingcentralWebhook(secrets: WebhookSecrets, ctx: EventContext): ConnectorWebhookV1 {
  const signed = (
    status: number,
    body: unknown,
    events: HandoverEvent[] = [],
  ): WebhookReply & { events: HandoverEvent[] } => {
    const text = JSON.stringify(body);
    return {
      status,
      headers: {
        'content-type': 'application/json',
        [SDK_SIGNATURE_HEADER]: signSdk(secrets.realtimeAccessToken, text),
      },
      body: text,
      events,
    };
  };

  /** The SDK's answer to each action: the created object for contents, `[]` for polls, `{}` otherwise. */
  const answer = (envelope: SdkEnvelope, events: HandoverEvent[]) => {
    const [object, operation] = envelope.action.split('.');
    if (envelope.action === 'implementation.info') return signed(200, IMPLEMENTATION_INFO);
    if (operation === 'create' && (object === 'messages' || object === 'private_messages')) {
      const contentId = envelope.params?.content_id;
      // Not ours (or empty): a fatal resource error stops Engage's retries of this content.
      if (events.length === 0 || contentId == null)
        return signed(200, { error: { fatal: true, message: 'Unknown thread or empty content' } });
      return signed(200, { ...envelope.params, id: localContentId(String(contentId)) }, events);
    }
    if (operation === 'list') return signed(200, []); // we push with the Send API; nothing to poll
    if (envelope.action === 'messaging.queuing_update' || object === 'typing') return signed(200, {}, events);
    return { status: 400, headers: { 'content-type': 'text/plain' }, body: 'Invalid action', events: [] };
  };

  return {
    verify(request) {
      const envelope = sdkEnvelopeOf(request);
      if (envelope) return verifySdk(request, secrets.realtimeAccessToken);
      verifyDimeloSecret(request, secrets.webhookSecret);
    },

    async parse(request) {
      const envelope = sdkEnvelopeOf(request);
      if (envelope === 'malformed') throw new BadRequestError('Body is not a Channel SDK action');
      if (envelope) return sdkEvents(envelope, request.rawBody, request.receivedAt, ctx);
      const parsed = webhookEnvelopeSchema.safeParse(parseJsonBody(request));
      if (!parsed.success) throw new BadRequestError('Body is not an Engage webhook delivery (needs events[])');
      return webhookEvents(parsed.data, request.receivedAt, ctx);
    },

    async handle(request) {
      const url = new URL(request.url, 'http://gateway');
      if (request.method === 'GET' && url.searchParams.get('hub.mode') === 'subscribe') {
        const token = url.searchParams.get('hub.verify_token') ?? '';
        if (!matchesSecret(token, secrets.verifyToken)) throw new BadSignatureError('hub.verify_token does not match');
        // Engage sends X-Dimelo-Secret with the validation request too, when a secret is set.
        if (secrets.webhookSecret || headerValue(request, DIMELO_SECRET_HEADER))
          verifyDimeloSecret(request, secrets.webhookSecret);
        return {
          status: 200,
          headers: { 'content-type': 'text/plain' },
          body: url.searchParams.get('hub.challenge') ?? '',
        };
      }
      if (request.method !== 'POST' || url.pathname.split('/').filter(Boolean).length > 2) return undefined;
      const envelope = sdkEnvelopeOf(request);
      if (!envelope) return undefined; // a Webhook API delivery: verify + parse
      verifySdk(request, secrets.realtimeAccessToken);
      if (envelope === 'malformed') throw new BadRequestError('Body is not a Channel SDK action');
      return answer(envelope, await sdkEvents(envelope, request.rawBody, request.receivedAt, ctx));
    },
  };
}
