import { z } from 'zod';
import {
  BadRequestError,
  type Agent,
  type ConnectorWebhookV1,
  type HandoverEvent,
  type Logger,
  type WebhookRequest,
} from 'handover-kit/contract';
import { headerValue, configuredSecret } from 'handover-kit/connector-utils';
import { publicUrlOf, verifyTwilioSignature } from './signature';
import type { HandoverState } from './state';

/**
 * Twilio's webhooks at `/webhooks/<providerId>`: the conversation-scoped webhook the connector adds
 * to each handover conversation (form POSTs `onMessageAdded`, `onParticipantAdded`,
 * `onParticipantRemoved`, `onConversationStateUpdated`), and, if the admin points the workspace's
 * Event Callback URL here, TaskRouter events (`task.canceled`). Both are signed the same way.
 * Everything needed comes from the request (ConversationSid, or the task's conversationSid
 * attribute) and `runtime.state`; nothing from this process's memory.
 */

/** The events the scoped webhook subscribes to (`Configuration.Filters`). */
export const WEBHOOK_FILTERS = [
  'onMessageAdded',
  'onParticipantAdded',
  'onParticipantRemoved',
  'onConversationStateUpdated',
] as const;

const fieldsSchema = z.record(z.string(), z.string());

export interface TwilioWebhookContext {
  authToken(): string | undefined;
  /** The configured public webhook URL, if any (settings, else the gateway's). */
  publicUrl(): string | undefined;
  identityPrefix: string;
  botIdentity: string;
  state: HandoverState;
  logger: Logger;
}

function fieldsOf(request: WebhookRequest): Record<string, string> {
  const text = Buffer.from(request.rawBody).toString('utf8');
  if (/^application\/json/i.test(headerValue(request, 'content-type') ?? '')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new BadRequestError('Webhook body is not valid JSON');
    }
    const flat = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).safeParse(body);
    if (!flat.success) throw new BadRequestError('A JSON webhook body must be a flat object of Twilio parameters');
    return Object.fromEntries(Object.entries(flat.data).map(([k, v]) => [k, String(v)]));
  }
  return fieldsSchema.parse(Object.fromEntries(new URLSearchParams(text)));
}

function jsonObject(value: string | undefined): Record<string, unknown> {
  if (!value) return {};
  try {
    const parsed: unknown = JSON.parse(value);
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function timeOf(value: string | undefined, fallback: number): number {
  const ms = value ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : fallback;
}

function agentOf(identity: string, attributes: string | undefined): Agent {
  const attrs = jsonObject(attributes);
  const name = [attrs.friendlyName, attrs.friendly_name, attrs.name].find(
    (v): v is string => typeof v === 'string' && v.length > 0,
  );
  return { id: identity, ...(name ? { name } : {}) };
}

export function createTwilioWebhook(ctx: TwilioWebhookContext): ConnectorWebhookV1 {
  /** Our own side of the conversation: the customer, the bot's transcript, Twilio's system author. */
  const ours = (author: string | undefined) =>
    !author || author === 'system' || author === ctx.botIdentity || author.startsWith(ctx.identityPrefix);

  async function conversationEvents(f: Record<string, string>, req: WebhookRequest): Promise<HandoverEvent[]> {
    const conversationId = f.ConversationSid;
    if (!conversationId) throw new BadRequestError('Conversations webhook without ConversationSid');
    const base = { conversationId, occurredAt: timeOf(f.DateCreated, req.receivedAt) };
    switch (f.EventType) {
      case 'onMessageAdded': {
        if (!f.MessageSid) throw new BadRequestError('onMessageAdded without MessageSid');
        if (ours(f.Author)) return []; // the user's messages and our notes come back too
        const agent = agentOf(f.Author!, undefined);
        if (!f.Body && f.Media) {
          // Attachments are not relayed (they need a signed media fetch); the flow still hears of them.
          return [
            {
              ...base,
              eventId: `twilio:msg:${f.MessageSid}`,
              type: 'provider-event',
              name: 'twilio-media-message',
              data: { author: f.Author, media: f.Media },
            },
          ];
        }
        return [{ ...base, eventId: `twilio:msg:${f.MessageSid}`, type: 'agent-message', text: f.Body ?? '', agent }];
      }
      case 'onParticipantAdded':
      case 'onParticipantRemoved': {
        if (!f.ParticipantSid) throw new BadRequestError(`${f.EventType} without ParticipantSid`);
        const added = f.EventType === 'onParticipantAdded';
        const eventId = `twilio:${added ? 'joined' : 'left'}:${f.ParticipantSid}`;
        if (f.Identity?.startsWith(ctx.identityPrefix)) {
          // Someone at Twilio removed our customer: the conversation is over for the user.
          return added ? [] : [{ ...base, eventId, type: 'handover-completed', by: 'agent' }];
        }
        if (!f.Identity || f.Identity === ctx.botIdentity) return []; // SMS-bound or bot participants are not agents
        const agent = agentOf(f.Identity, f.Attributes);
        return [
          added
            ? { ...base, eventId, type: 'agent-joined', agent }
            : { ...base, eventId, type: 'agent-left', agent, requeued: false },
        ];
      }
      case 'onConversationStateUpdated': {
        const to = f.StateTo ?? f.State;
        const at = timeOf(f.DateUpdated ?? f.DateCreated, req.receivedAt);
        const eventId = `twilio:state:${conversationId}:${to}:${f.DateUpdated ?? ''}`;
        if (to === 'closed') {
          const record = await ctx.state.record(conversationId);
          if (record?.closedByBot) return []; // our own close: the service already knows
          return [{ ...base, occurredAt: at, eventId, type: 'handover-completed', by: 'agent' }];
        }
        if (to === 'inactive') {
          // Inactive is a pause (a timer, or Flex parking it): a new message reopens it.
          return [
            {
              ...base,
              occurredAt: at,
              eventId,
              type: 'provider-event',
              name: 'twilio-conversation-inactive',
              data: { from: f.StateFrom ?? null },
            },
          ];
        }
        return [];
      }
      default:
        ctx.logger.debug('twilio webhook event not relayed', { eventType: f.EventType });
        return [];
    }
  }

  async function taskRouterEvents(f: Record<string, string>, req: WebhookRequest): Promise<HandoverEvent[]> {
    if (f.EventType !== 'task.canceled') return [];
    const conversationId = jsonObject(f.TaskAttributes).conversationSid;
    if (typeof conversationId !== 'string' || !(await ctx.state.record(conversationId))) return []; // not one of ours
    const seconds = Number(f.Timestamp);
    const occurredAt = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : req.receivedAt;
    const reason = f.TaskCanceledReason || f.Reason || 'task canceled';
    return [
      {
        conversationId,
        eventId: `twilio:task:${f.Sid ?? f.TaskSid}`,
        occurredAt,
        type: 'handover-cancelled',
        by: 'system',
        reason,
      },
    ];
  }

  return {
    verify(request) {
      const token = configuredSecret(ctx.authToken(), 'Auth Token');
      verifyTwilioSignature(request, token, publicUrlOf(request, ctx.publicUrl()));
    },
    async parse(request) {
      const fields = fieldsOf(request);
      const type = fields.EventType;
      if (!type) throw new BadRequestError('Webhook body has no EventType: not a Twilio event');
      return type.includes('.') ? taskRouterEvents(fields, request) : conversationEvents(fields, request);
    },
  };
}
