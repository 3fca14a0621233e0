import { z } from 'zod';
import {
  BadRequestError,
  BadSignatureError,
  type Agent,
  type ConnectorWebhookV1,
  type HandoverEvent,
  type Logger,
  type WebhookRequest,
} from 'handover-kit/contract';
import {
  parseJsonBody,
  agentMessageEvent,
  requiredHeader,
  matchesSecret,
  agentAttachment,
} from 'handover-kit/connector-utils';
import { switchboardRefSchema } from './api';
import { META, ORIGIN, matchesIntegration } from './metadata';

/**
 * Sunshine Conversations webhooks (v2 envelope `{ app, webhook, events[] }`).
 *
 * Authenticity: Zendesk sends the webhook's shared secret verbatim in `X-API-Key`. It is not an
 * HMAC over the body and carries no timestamp, so it proves only that the sender knows the secret:
 * a captured request can be replayed and its body altered. Serve the webhook over HTTPS only and
 * keep the URL unguessable (a random provider id); redeliveries are deduped on the event id.
 */
export const API_KEY_HEADER = 'x-api-key';

/** Agent Workspace's message source type. */
export const AGENT_WORKSPACE_SOURCE = 'zd:agentWorkspace';

const conversationRefSchema = z.looseObject({
  id: z.string().min(1),
  activeSwitchboardIntegration: switchboardRefSchema.nullish(),
});
const metadataSchema = z.record(z.string(), z.unknown()).nullish();
const sourceSchema = z.looseObject({ type: z.string().nullish(), integrationId: z.string().nullish() }).nullish();
const authorSchema = z.looseObject({
  type: z.string(),
  displayName: z.string().nullish(),
  avatarUrl: z.string().nullish(),
  subtypes: z.array(z.string()).nullish(),
});

const messagePayloadSchema = z.looseObject({
  conversation: conversationRefSchema,
  message: z.looseObject({
    id: z.string().nullish(),
    received: z.string().nullish(),
    author: authorSchema,
    content: z.looseObject({
      type: z.string(),
      text: z.string().nullish(),
      mediaUrl: z.string().nullish(),
      altText: z.string().nullish(),
    }),
    source: sourceSchema,
    metadata: metadataSchema,
    deleted: z.boolean().nullish(),
  }),
});

const typingPayloadSchema = z.looseObject({
  conversation: conversationRefSchema,
  activity: z.looseObject({ type: z.string(), author: authorSchema.nullish(), source: sourceSchema }),
});

const switchboardPayloadSchema = z.looseObject({
  conversation: conversationRefSchema,
  metadata: metadataSchema,
  reason: z.string().nullish(),
  error: z.looseObject({ code: z.string().nullish(), message: z.string().nullish() }).nullish(),
});

const eventSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().min(1),
  createdAt: z.string().nullish(),
  payload: z.unknown(),
});
const envelopeSchema = z.looseObject({
  app: z.looseObject({ id: z.string().nullish() }).nullish(),
  events: z.array(z.unknown()).max(10_000),
});

export interface ZendeskWebhookOptions {
  webhookSecret: string;
  appId: string;
  /** The switchboard integration agents work in (name, id or type). */
  agentIntegration: string;
  /** The bot's own switchboard integration (name, id or type). */
  botIntegration: string;
  logger?: Logger;
  /** Sees every event produced (the connector remembers agents and failures for status calls). */
  observe?: (event: HandoverEvent) => void;
}

type Parsed = z.infer<typeof eventSchema>;
type Context = { options: ZendeskWebhookOptions; event: Parsed; occurredAt: number };

/** Compares the X-API-Key header with the secret in constant time (over digests: no length leak). */
export function verifyApiKey(request: WebhookRequest, secret: string): void {
  const got = requiredHeader(request, API_KEY_HEADER, 'X-API-Key');
  if (!matchesSecret(got, secret)) throw new BadSignatureError('X-API-Key does not match the webhook secret');
}

/** Turns a verified webhook body into handover events; see the file comment for what is dropped. */
export function parseZendeskWebhook(
  body: unknown,
  options: ZendeskWebhookOptions,
  receivedAt: number,
): HandoverEvent[] {
  const envelope = envelopeSchema.safeParse(body);
  if (!envelope.success)
    throw new BadRequestError('Webhook body is not a Sunshine Conversations v2 envelope (events[] missing)');
  const appId = envelope.data.app?.id;
  if (appId && appId !== options.appId) throw new BadRequestError('Webhook is for another Sunshine Conversations app');
  const out: HandoverEvent[] = [];
  for (const raw of envelope.data.events) {
    const event = eventSchema.safeParse(raw);
    if (!event.success) {
      options.logger?.warn('zendesk webhook event without id or type dropped');
      continue;
    }
    const occurredAt = time(event.data.createdAt) ?? receivedAt;
    const mapped = mapEvent({ options, event: event.data, occurredAt });
    if (mapped) {
      out.push(mapped);
      options.observe?.(mapped);
    }
  }
  return out;
}

function mapEvent(ctx: Context): HandoverEvent | undefined {
  switch (ctx.event.type) {
    case 'conversation:message':
      return agentMessage(ctx);
    case 'conversation:typing':
      return agentTyping(ctx);
    case 'switchboard:passControl':
    case 'switchboard:releaseControl':
      return controlChange(ctx);
    case 'switchboard:passControl:failure':
      return passFailure(ctx);
    default:
      return undefined;
  }
}

function payload<T extends z.ZodType>(ctx: Context, schema: T): z.output<T> | undefined {
  const parsed = schema.safeParse(ctx.event.payload);
  if (parsed.success) return parsed.data;
  ctx.options.logger?.warn('zendesk webhook event with an unexpected payload dropped', {
    eventId: ctx.event.id,
    type: ctx.event.type,
  });
  return undefined;
}

const base = (ctx: Context, conversationId: string) => ({
  conversationId: conversationId,
  eventId: ctx.event.id,
  occurredAt: ctx.occurredAt,
});

/**
 * Agent text: business messages from Agent Workspace (or from any non-API source, or the agent
 * integration itself, while the agent integration is active). Dropped: user messages, our own
 * posts (marked in metadata, or any `api:conversations` echo), system activity messages.
 */
function agentMessage(ctx: Context): HandoverEvent | undefined {
  const p = payload(ctx, messagePayloadSchema);
  if (!p) return undefined;
  const { message, conversation } = p;
  if (message.author.type !== 'business' || message.deleted) return undefined;
  if (message.metadata?.[META.origin] === ORIGIN) return undefined;
  if (message.author.subtypes?.includes('activity')) return undefined;
  if (!fromAgentSide(message.source, conversation.activeSwitchboardIntegration, ctx.options)) return undefined;
  const { content } = message;
  const media = content.type === 'image' || content.type === 'file' ? content.mediaUrl : undefined;
  const attachments = media ? [agentAttachment(media, content.type, content.altText)] : [];
  const text = content.text ?? '';
  if (!text && attachments.length === 0) return undefined;
  const agent = agentOf(message.author);
  const occurredAt = time(message.received) ?? ctx.occurredAt;
  return agentMessageEvent({ ...base(ctx, conversation.id), occurredAt }, text, attachments, agent);
}

function agentTyping(ctx: Context): HandoverEvent | undefined {
  const p = payload(ctx, typingPayloadSchema);
  if (!p) return undefined;
  const { activity, conversation } = p;
  if (activity.author?.type !== 'business') return undefined;
  if (activity.type !== 'typing:start' && activity.type !== 'typing:stop') return undefined;
  if (!fromAgentSide(activity.source, conversation.activeSwitchboardIntegration, ctx.options)) return undefined;
  const agent = agentOf(activity.author);
  return {
    ...base(ctx, conversation.id),
    type: 'agent-typing',
    typing: activity.type === 'typing:start',
    ...(agent ? { agent } : {}),
  };
}

/**
 * Control moving away from the agent integration ends the handover: Zendesk passes control back
 * (or releases it) when the ticket is Closed (`reason: ticketClosed`), when the conversation moves
 * to email (`transferToEmail`), or when an agent passes it on. Our own start (control to the agent
 * integration) and our own close (marked in metadata) are echoes and dropped.
 */
function controlChange(ctx: Context): HandoverEvent | undefined {
  const p = payload(ctx, switchboardPayloadSchema);
  if (!p) return undefined;
  if (p.metadata?.[META.closedBy] === 'bot') return undefined;
  const active = p.conversation.activeSwitchboardIntegration;
  if (ctx.event.type === 'switchboard:passControl' && matchesIntegration(active, ctx.options.agentIntegration))
    return undefined;
  return { ...base(ctx, p.conversation.id), type: 'handover-completed', by: 'agent' };
}

function passFailure(ctx: Context): HandoverEvent | undefined {
  const p = payload(ctx, switchboardPayloadSchema);
  if (!p) return undefined;
  if (p.metadata?.[META.closedBy] === 'bot') {
    ctx.options.logger?.warn('zendesk could not pass control back to the bot', {
      conversationId: p.conversation.id,
      code: p.error?.code ?? undefined,
    });
    return undefined;
  }
  return {
    ...base(ctx, p.conversation.id),
    type: 'handover-error',
    code: p.error?.code || 'pass_control_failed',
    message: p.error?.message || 'Zendesk could not pass control to the agent integration',
  };
}

function fromAgentSide(
  source: z.infer<typeof sourceSchema>,
  active: z.infer<typeof switchboardRefSchema> | null | undefined,
  options: ZendeskWebhookOptions,
): boolean {
  if (source?.type === AGENT_WORKSPACE_SOURCE) return true;
  if (!matchesIntegration(active, options.agentIntegration)) return false;
  // A custom agent desk posts through the API as its own integration.
  if (source?.integrationId && source.integrationId === active?.integrationId) return true;
  return !!source?.type && !source.type.startsWith('api');
}

/** SunCo gives no agent id in webhooks; the display name stands in for it. */
function agentOf(author: z.infer<typeof authorSchema> | null | undefined): Agent | undefined {
  const name = author?.displayName ?? undefined;
  if (!name) return undefined;
  return { id: name, name, ...(author?.avatarUrl ? { avatarUrl: author.avatarUrl } : {}) };
}

function time(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const ms = Date.parse(value);
  return Number.isFinite(ms) ? ms : undefined;
}

export function createZendeskWebhook(options: ZendeskWebhookOptions): ConnectorWebhookV1 {
  return {
    verify: (request) => verifyApiKey(request, options.webhookSecret),
    parse: (request) => parseZendeskWebhook(parseJsonBody(request), options, request.receivedAt),
  };
}
