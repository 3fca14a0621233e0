import { request } from 'undici';
import {
  BadRequestError,
  BadSignatureError,
  handoverEventSchema,
  type Clock,
  type ConnectorWebhookV1,
  type HandoverEvent,
  type Logger,
} from 'handover-kit/contract';
import { assertFresh, headerValue, hmac, safeEqual } from 'handover-kit/connector-utils';

/**
 * The simulated center's webhooks, shaped like a typical vendor's: an envelope of events naming the
 * vendor's conversation id, signed `x-sim-signature: t=<ms>,v1=<hex HMAC-SHA256(secret, "t.body")>`.
 */
export const SIGNATURE_HEADER = 'x-sim-signature';

/** One event as the center sends it: the contract's fields, with the id as `id` and the time as `at`. */
interface WireEvent {
  conversationId: string;
  id: string;
  at: number;
  type: string;
  [field: string]: unknown;
}

const MAX_EVENTS = 1000;

/**
 * The envelope's events when the body is one (`deliveryId`, at most 1000 events each naming its
 * conversation, id, time and type), else undefined. Checked by hand, not by a schema: each event is
 * validated once, by the contract's event schema, in `parse`.
 */
function envelopeEvents(body: unknown): WireEvent[] | undefined {
  if (!isObject(body) || typeof body.deliveryId !== 'string') return undefined;
  const { events } = body;
  if (!Array.isArray(events) || events.length > MAX_EVENTS) return undefined;
  for (const e of events) {
    if (!isObject(e)) return undefined;
    if (typeof e.conversationId !== 'string' || typeof e.id !== 'string') return undefined;
    if (typeof e.at !== 'number' || typeof e.type !== 'string') return undefined;
  }
  return events as WireEvent[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The body as JSON, read straight from the buffer (no copy). */
function parseBody(rawBody: Uint8Array): unknown {
  const buffer = Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody.buffer, rawBody.byteOffset, rawBody.length);
  try {
    return JSON.parse(buffer.toString('utf8'));
  } catch {
    throw new BadRequestError('Webhook body is not valid JSON');
  }
}

export function webhookBody(deliveryId: string, events: HandoverEvent[]): string {
  return JSON.stringify({
    deliveryId,
    events: events.map(({ conversationId, eventId, occurredAt, ...rest }) => ({
      ...rest,
      conversationId: conversationId,
      id: eventId,
      at: occurredAt,
    })),
  });
}

export function signWebhook(secret: string, body: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmac('sha256', secret, `${timestamp}.${body}`, 'hex')}`;
}

export function createSimulatedWebhook(secret: string | undefined, clock: Clock): ConnectorWebhookV1 {
  return {
    verify(req) {
      if (!secret) throw new BadSignatureError('No webhook secret is configured for this provider');
      const header = headerValue(req, SIGNATURE_HEADER);
      const parts = Object.fromEntries(
        (header ?? '').split(',').map((p) => p.trim().split('=', 2) as [string, string]),
      );
      if (!parts.t || !parts.v1) throw new BadSignatureError(`Missing or malformed ${SIGNATURE_HEADER} header`);
      assertFresh(Number(parts.t), clock.now());
      const expected = hmac(
        'sha256',
        secret,
        Buffer.concat([Buffer.from(`${parts.t}.`), Buffer.from(req.rawBody)]),
        'hex',
      );
      if (!safeEqual(expected, parts.v1)) throw new BadSignatureError();
    },
    parse(req) {
      const wire = envelopeEvents(parseBody(req.rawBody));
      if (!wire) throw new BadRequestError('Webhook body is not a simulated-center envelope');
      const events: HandoverEvent[] = [];
      for (const e of wire) {
        const { id } = e;
        // The body was just parsed and is ours: rename in place; the schema's output leaves `id` and `at` out.
        e.eventId = id;
        e.occurredAt = e.at;
        const event = handoverEventSchema.safeParse(e);
        if (!event.success)
          throw new BadRequestError(`Malformed event ${id}: ${event.error.issues[0]?.message ?? 'invalid'}`);
        events.push(event.data);
      }
      return events;
    },
  };
}

/**
 * Sends events the way a vendor would: POST, signed, retried with backoff on failure
 * (3 attempts, 1 s then 2 s, on the center's clock).
 */
export function createWebhookSender(url: string, secret: string, clock: Clock, logger: Logger) {
  let counter = 0;
  const timers = new Set<unknown>();
  const send = async (body: string, attempt: number): Promise<void> => {
    const timestamp = clock.now();
    try {
      const res = await request(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signWebhook(secret, body, timestamp) },
        body,
        signal: AbortSignal.timeout(5000),
      });
      await res.body.dump();
      if (res.statusCode < 300) return;
      throw new Error(`webhook answered ${res.statusCode}`);
    } catch (error) {
      if (attempt >= 3) {
        logger.warn('simulated center gave up on a webhook', { url, error: (error as Error).message });
        return;
      }
      const handle = clock.setTimeout(
        () => {
          timers.delete(handle);
          void send(body, attempt + 1);
        },
        1000 * 2 ** (attempt - 1),
      );
      timers.add(handle);
    }
  };
  return {
    post(events: HandoverEvent[]) {
      return send(webhookBody(`dlv-${Date.now().toString(36)}-${++counter}`, events), 1);
    },
    dispose() {
      for (const t of timers) clock.clearTimeout(t);
    },
  };
}
