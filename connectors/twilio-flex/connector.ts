import {
  CAPABILITY_GROUPS,
  HandoverConfigError,
  SPECIFICATION_VERSION,
  UnsupportedCapabilityError,
  defineCapabilities,
  type ConnectorRuntime,
  type ConnectorWarning,
  type SendMessageRequest,
  type SendMessageResult,
} from 'handover-kit/contract';
import {
  oncePerMessageInFlight,
  connectorFactory,
  oncePerIdempotencyKey,
  withWarnings,
  failureReason,
  featureWarning,
  type BuiltConnector,
} from 'handover-kit/connector-utils';
import { TwilioApi } from './api';
import { QueueInsight } from './queue';
import { interactionChannel, interactionRouting, isQueueSid, taskAttributes, transcriptBodies } from './routing';
import { AUTH_TOKEN_ENV, twilioFlexSettingsSchema, type TwilioFlexSettings } from './schema';
import { HandoverState, type HandoverRecord } from './state';
import { WEBHOOK_FILTERS, createTwilioWebhook } from './webhook';

/**
 * Queue position and wait time are derived by the connector from TaskRouter (rank among the
 * queue's pending tasks; the queue's average wait minus the task's age): estimates, not Twilio
 * figures. Typing is false: Conversations has no typing webhook. Attachments are not relayed.
 */
export const TWILIO_FLEX_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.handover, CAPABILITY_GROUPS.queueFigures, [
  'queuePosition',
  'skills',
  'languages',
  'priority',
  'queueRouting',
  'agentJoined',
  'webhooks',
]);
/** Capabilities whose figures the connector derives (estimates). */
export const TWILIO_FLEX_ESTIMATED = ['queuePosition', 'estimatedWaitTime'] as const;

export type TwilioFlexConnector = BuiltConnector<'twilio-flex', { requests: number }>;
const ignore = () => {};

export const createTwilioFlexConnector = connectorFactory(
  twilioFlexSettingsSchema,
  'Twilio Flex',
  buildTwilioFlexConnector,
);

/** A provider from valid settings (`createTwilioFlexConnector` validates them first). */
function buildTwilioFlexConnector(settings: TwilioFlexSettings, runtime: ConnectorRuntime): TwilioFlexConnector {
  const { clock, logger } = runtime;
  const api = new TwilioApi(settings, clock);
  const state = new HandoverState(runtime.state);
  const queue = new QueueInsight(api, settings);
  const publicUrl = () => settings.webhookUrl ?? runtime.webhookUrl;
  const identityOf = (userId: string) => `${settings.identityPrefix}${userId}`;
  const capabilities = settings.queueSid
    ? TWILIO_FLEX_CAPABILITIES
    : defineCapabilities({ ...TWILIO_FLEX_CAPABILITIES, availability: false });

  const start: TwilioFlexConnector['doStartHandover'] = async (request, options) => {
    const known = await state.startedConversation(request.idempotencyKey);
    if (known) return { conversationId: known, status: 'queue' };
    const url = publicUrl();
    if (!url)
      throw new HandoverConfigError(
        "Twilio Flex needs a public webhook URL (setting webhookUrl, or the gateway's public URL)",
        [{ path: 'settings.webhookUrl', message: 'required' }],
      );
    const call = { signal: options?.signal };
    const identity = identityOf(request.user.id);
    const name = request.user.name ?? request.user.id;
    const conversation = await api.createConversation(
      {
        FriendlyName: `Handover: ${name}`.slice(0, 256),
        Attributes: JSON.stringify({ handoverKit: { providerId: runtime.providerId } }),
        'Timers.Closed': settings.closedTimer,
      },
      { ...call, operation: 'start handover' },
    );
    const conversationId = conversation.sid;
    try {
      await api.addParticipant(
        conversationId,
        { Identity: identity, Attributes: JSON.stringify({ friendlyName: name }) },
        { ...call, operation: 'start handover: add customer' },
      );
      // The bot's transcript goes in first, without webhooks: nobody is attached yet, and it is no agent traffic.
      for (const body of transcriptBodies(request.transcript)) {
        await api.sendMessage(conversationId, { Author: settings.botIdentity, Body: body }, false, {
          ...call,
          operation: 'start handover: transcript',
        });
      }
      await api.addScopedWebhook(
        conversationId,
        {
          Target: 'webhook',
          'Configuration.Url': url,
          'Configuration.Method': 'post',
          'Configuration.Filters': WEBHOOK_FILTERS,
        },
        { ...call, operation: 'start handover: webhook' },
      );
      const { attributes, warnings } = taskAttributes(request, conversationId, settings);
      const interaction = await api.createInteraction(
        interactionChannel(settings, conversationId),
        interactionRouting(request, settings, attributes),
        {
          ...call,
          operation: 'start handover: interaction',
        },
      );
      const record: HandoverRecord = {
        identity,
        interactionSid: interaction.sid,
        ...(isQueueSid(request.routing.queue) ? { queueSid: request.routing.queue } : {}),
      };
      await state.save(conversationId, record);
      await state.rememberStart(request.idempotencyKey, conversationId);
      return { conversationId, status: 'queue', ...withWarnings(warnings) };
    } catch (error) {
      // Do not leave a half-built conversation open at Twilio.
      await api
        .updateConversation(
          conversationId,
          { State: 'closed' },
          { operation: 'start handover: clean up', retry: false },
        )
        .catch((cleanup) => {
          logger.warn('twilio-flex: could not close a half-started conversation', {
            conversationId,
            error: failureReason(cleanup),
          });
        });
      throw error;
    }
  };

  async function send(
    request: SendMessageRequest,
    sentKey: string,
    options: Parameters<TwilioFlexConnector['doSendMessage']>[1],
  ): Promise<SendMessageResult> {
    const { conversationId } = request;
    // Both reads started at once (one state round trip on a Redis gateway instead of two) and awaited
    // in turn: Promise.all's array, iterator and per-element closures were most of this frame's
    // garbage per message. The record read has a handler from the start, so a failure of it is never
    // an unhandled rejection while the first read is awaited (or when a duplicate returns early).
    const sentRead = state.sentMessage(sentKey);
    const recordRead = state.record(conversationId);
    recordRead.catch(ignore);
    const earlier = await sentRead;
    if (earlier) return { vendorMessageId: earlier, duplicate: true };
    const record = await recordRead;
    const warnings = attachmentWarnings(request);
    if (!request.text)
      return {
        duplicate: false,
        warnings: [...(warnings ?? []), { type: 'other', message: 'Empty message not sent' }],
      };
    const message = await api.sendMessage(conversationId, messageForm(request, record), true, {
      signal: options?.signal,
      operation: 'send message',
    });
    await state.rememberSent(sentKey, message.sid);
    return warnings
      ? { vendorMessageId: message.sid, duplicate: false, warnings }
      : { vendorMessageId: message.sid, duplicate: false };
  }

  /** No warnings array unless there is something to warn about (the usual message has none). */
  function attachmentWarnings(request: SendMessageRequest): ConnectorWarning[] | undefined {
    if (!request.attachments?.length) return undefined;
    return [
      {
        type: 'unsupported',
        feature: 'attachments',
        message: 'Attachments are not relayed to Twilio; the text was sent',
      },
    ];
  }

  /** The message's form, built apart from the async `send` (a smaller async frame per message). */
  function messageForm(request: SendMessageRequest, record: HandoverRecord | undefined) {
    // System notices go out as Twilio's `system` author; user messages as the customer participant
    // this handover created (the record), whoever the request names.
    const author = request.kind === 'system' ? 'system' : record?.identity || identityOf(request.user.id);
    const attributes = `{"handoverKitMessageId":${JSON.stringify(request.messageId)}}`;
    return { Author: author, Body: request.text, Attributes: attributes };
  }

  /** Closes routing (tasks closed, not left wrapping) and then the conversation. */
  const close: TwilioFlexConnector['doCloseHandover'] = async ({ conversationId, message: note }, options) => {
    const call = { signal: options?.signal };
    const conversation = await api.fetchConversation(conversationId, { ...call, operation: 'close handover' });
    if (conversation.state === 'closed') return { alreadyClosed: true };
    const warnings: ConnectorWarning[] = [];
    const record = await state.update(conversationId, { identity: '' }, { closedByBot: true });
    if (note) {
      await api
        .sendMessage(conversationId, { Author: 'system', Body: note.slice(0, 1600) }, true, {
          ...call,
          operation: 'close handover: note',
        })
        .catch((error) => {
          warnings.push(featureWarning('closeFromBot', `Closing note not delivered: ${failureReason(error)}`));
        });
    }
    const channel = await queue.interactionChannel(conversationId, record, call);
    if (
      channel?.interactionSid &&
      channel.channelSid &&
      !['closed', 'inactive', 'failed'].includes(channel.status ?? '')
    ) {
      await api.updateInteractionChannel(
        channel.interactionSid,
        channel.channelSid,
        { Status: 'inactive', Routing: JSON.stringify({ status: 'closed' }) },
        {
          ...call,
          operation: 'close handover: routing',
        },
      );
    } else if (!channel?.channelSid) {
      warnings.push(
        featureWarning('closeFromBot', 'No Flex interaction channel found yet; only the conversation was closed'),
      );
    }
    await api.updateConversation(
      conversationId,
      { State: 'closed' },
      { ...call, operation: 'close handover: conversation' },
    );
    return { alreadyClosed: false, ...withWarnings(warnings) };
  };

  const connector: TwilioFlexConnector = {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'twilio-flex',
    capabilities,
    webhook: createTwilioWebhook({
      authToken: () => settings.authToken ?? process.env[AUTH_TOKEN_ENV],
      publicUrl,
      identityPrefix: settings.identityPrefix,
      botIdentity: settings.botIdentity,
      state,
      logger,
    }),

    async doCheckAvailability({ routing }, options) {
      const queueSid = isQueueSid(routing.queue) ? routing.queue : settings.queueSid;
      if (!queueSid)
        throw new UnsupportedCapabilityError(
          'availability',
          { connectorType: 'twilio-flex' },
          'Twilio Flex availability needs the queueSid setting or a TaskQueue SID in routing.queue',
        );
      return queue.availability(queueSid, options);
    },

    doStartHandover: oncePerIdempotencyKey(start),

    // Concurrent repeats of a message share one send; a later repeat finds its sid in the shared state
    // (no in-process memory of every message). One key for both, built once.
    doSendMessage: oncePerMessageInFlight((r) => state.sentKey(r.conversationId, r.messageId), send),

    async doGetStatus({ conversationId }, options) {
      const call = { signal: options?.signal };
      const conversation = await api.fetchConversation(conversationId, { ...call, operation: 'get status' });
      if (conversation.state === 'closed') return { status: 'completed' };
      const record = await state.record(conversationId);
      const prefix = settings.identityPrefix;
      const participants = await api.participants(conversationId, { ...call, operation: 'get status' });
      const agent = participants.find(
        (p) => p.identity && !p.identity.startsWith(prefix) && p.identity !== settings.botIdentity,
      );
      if (agent?.identity) return { status: 'active', agent: { id: agent.identity } };
      return queue.waiting(conversationId, record, call);
    },

    doCloseHandover: close,

    stats: () => ({ requests: api.requestCount }),

    async dispose() {
      await api.close();
    },
  };
  return connector;
}
