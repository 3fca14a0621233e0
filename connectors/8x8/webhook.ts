import { createHash } from 'node:crypto';
import { BadRequestError, type ConnectorWebhookV1, type WebhookRequest } from 'handover-kit/contract';
import { headerValue, parseJsonBody } from 'handover-kit/connector-utils';
import { envelopeSchema, toEvents, type EventContext } from './events';
import { SIGNATURE_HEADERS, verifyEightByEightWebhook, type JwkStore } from './signature';

export interface EightByEightWebhookContext extends EventContext {
  keys: JwkStore;
  now(): number;
  maxAgeMs: number;
  customerId?: string;
}

function envelopeOf(req: WebhookRequest) {
  const parsed = envelopeSchema.safeParse(parseJsonBody(req));
  if (!parsed.success) throw new BadRequestError('Webhook body is not an 8x8 Chat Gateway event (needs eventType)');
  return parsed.data;
}

/**
 * The channel webhook: `verify` checks 8x8's detached JWS, `parse` maps the event. `handle` answers
 * the `WEB_HOOK_VERIFY` probe 8x8 sends when the webhook is added (it must get a 2xx); it carries no
 * conversation and changes nothing, so it is answered without a signature check.
 */
export function createEightByEightWebhook(ctx: EightByEightWebhookContext): ConnectorWebhookV1 {
  return {
    async verify(req) {
      await verifyEightByEightWebhook(req, {
        keys: ctx.keys,
        now: ctx.now(),
        maxAgeMs: ctx.maxAgeMs,
        customerId: ctx.customerId,
      });
    },
    async parse(req) {
      const envelope = envelopeOf(req);
      const eventId =
        headerValue(req, SIGNATURE_HEADERS.eventId)?.trim() ||
        createHash('sha256').update(req.rawBody).digest('hex').slice(0, 32);
      return toEvents(envelope, eventId, req.receivedAt, ctx);
    },
    async handle(req) {
      if (req.method.toUpperCase() !== 'POST' || req.rawBody.length > 4096) return undefined;
      if (!Buffer.from(req.rawBody).includes('WEB_HOOK_VERIFY')) return undefined; // the common case: no second parse
      let body: unknown;
      try {
        body = JSON.parse(Buffer.from(req.rawBody).toString('utf8'));
      } catch {
        return undefined; // verify + parse answer it
      }
      if (body && typeof body === 'object' && (body as { eventType?: unknown }).eventType === 'WEB_HOOK_VERIFY') {
        ctx.logger.info('8x8 webhook verification answered');
        return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' };
      }
      return undefined;
    },
  };
}
