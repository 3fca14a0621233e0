import { z } from 'zod';
import {
  BadRequestError,
  BadSignatureError,
  type Agent,
  type Attachment,
  type ConnectorWebhookV1,
  type HandoverEvent,
  type Logger,
  type WebhookRequest,
} from 'handover-kit/contract';
import {
  hmac,
  parseJsonBody,
  safeEqual,
  agentAttachment,
  agentMessageEvent,
  validItems,
  configuredSecret,
  requiredHeader,
} from 'handover-kit/connector-utils';

/**
 * Genesys open-messaging webhooks: one normalized message per POST, signed
 * `X-Hub-Signature-256: sha256=<base64 HMAC-SHA256(secret, body)>`. No timestamp is signed, so there
 * is no replay window; redeliveries (up to 5, 5 s apart) are deduped by the message id.
 */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/** The header value Genesys sends for `body`. */
export function signGenesysWebhook(secret: string, body: string | Uint8Array): string {
  return `sha256=${hmac('sha256', secret, body, 'base64')}`;
}

const attachmentSchema = z.object({
  contentType: z.string().nullish(),
  attachment: z.object({ mediaType: z.string().nullish(), url: z.string().min(1), filename: z.string().nullish() }),
});

const webhookSchema = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  direction: z.string().nullish(),
  conversationId: z.string().nullish(),
  text: z.string().nullish(),
  originatingEntity: z.string().nullish(),
  channel: z
    .object({
      time: z.string().nullish(),
      to: z.object({ id: z.string().nullish() }).nullish(),
    })
    .nullish(),
  content: z.array(z.unknown()).nullish(),
  events: z
    .array(
      z.looseObject({ eventType: z.string().nullish(), typing: z.object({ type: z.string().nullish() }).nullish() }),
    )
    .nullish(),
});
type WebhookBody = z.infer<typeof webhookSchema>;

export interface GenesysWebhookContext {
  /** The configured secret (settings or environment), read per request. */
  secret(): string | undefined;
  /**
   * Conversation of a user id we started, for webhooks that carry no `conversationId`. Kept in the
   * shared connector state: a restarted or another gateway instance finds it too.
   */
  conversationOfUser(userId: string): Promise<string | undefined> | string | undefined;
  /** The agent the poller last saw connected, to name the author of agent texts. */
  currentAgent(conversationId: string): Agent | undefined;
  logger: Logger;
}

function attachmentsOf(content: readonly unknown[] | null | undefined): Attachment[] {
  return validItems(attachmentSchema, content).map(({ attachment: a }) =>
    agentAttachment(a.url, a.mediaType, a.filename),
  );
}

export function createGenesysWebhook(ctx: GenesysWebhookContext): ConnectorWebhookV1 {
  return {
    verify(req) {
      const secret = configuredSecret(ctx.secret());
      const header = requiredHeader(req, SIGNATURE_HEADER, 'X-Hub-Signature-256');
      const match = /^sha256=(.+)$/i.exec(header);
      if (!match) throw new BadSignatureError('Malformed X-Hub-Signature-256 header');
      const given = match[1]!;
      if (/^[0-9a-f]{64}$/i.test(given)) {
        // Tolerated: a hex digest instead of the documented base64.
        if (safeEqual(hmac('sha256', secret, req.rawBody, 'hex'), given.toLowerCase())) return;
        throw new BadSignatureError();
      }
      // Over the raw bytes only (as Genesys' Go example does). The doc's Node sample hashes the
      // re-serialized JSON instead, which would also accept a body altered in whitespace.
      if (!safeEqual(hmac('sha256', secret, req.rawBody, 'base64'), given)) throw new BadSignatureError();
    },
    async parse(req) {
      const parsed = webhookSchema.safeParse(parseJsonBody(req));
      if (!parsed.success) throw new BadRequestError('Webhook body is not a Genesys open message (needs id and type)');
      return toEvents(parsed.data, req, ctx);
    },
  };
}

async function toEvents(body: WebhookBody, req: WebhookRequest, ctx: GenesysWebhookContext): Promise<HandoverEvent[]> {
  // Receipts for our own messages (and anything else inbound) are not agent activity.
  if ((body.direction ?? '').toLowerCase() !== 'outbound') return [];
  const userId = body.channel?.to?.id ?? undefined;
  const conversationId = body.conversationId ?? (userId ? await ctx.conversationOfUser(userId) : undefined);
  if (!conversationId) {
    ctx.logger.warn('genesys webhook names no conversation the gateway knows; dropped', {
      messageId: body.id,
      type: body.type,
    });
    return [];
  }
  const time = body.channel?.time ? Date.parse(body.channel.time) : NaN;
  const base = {
    conversationId,
    eventId: `genesys:${body.id}`,
    occurredAt: Number.isFinite(time) ? time : req.receivedAt,
  };

  switch (body.type) {
    case 'Text':
    case 'Structured': {
      if (body.type === 'Structured')
        ctx.logger.debug('genesys structured message: only its text and attachments are relayed', {
          messageId: body.id,
        });
      const text = body.text ?? '';
      const attachments = attachmentsOf(body.content);
      if (!text && attachments.length === 0) return [];
      if ((body.originatingEntity ?? '').toLowerCase() === 'bot') {
        // Sent by a Genesys bot or flow, not an agent: surfaced to the flow without making the handover active.
        return [
          {
            ...base,
            type: 'provider-event',
            name: 'genesys-bot-message',
            text,
            ...(attachments.length ? { data: { attachments } } : {}),
          },
        ];
      }
      return [agentMessageEvent(base, text, attachments, ctx.currentAgent(conversationId))];
    }
    case 'Event': {
      const typing = (body.events ?? []).filter((e) => (e.eventType ?? '').toLowerCase() === 'typing');
      return typing.map((_, i) => ({
        ...base,
        eventId: i === 0 ? base.eventId : `${base.eventId}:${i}`,
        type: 'agent-typing' as const,
        typing: true,
      }));
    }
    default:
      ctx.logger.debug('genesys webhook type not relayed', { messageId: body.id, type: body.type });
      return [];
  }
}
