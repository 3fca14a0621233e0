import { hash } from 'node:crypto';
import {
  CAPABILITY_GROUPS,
  HandoverNotFoundError,
  SPECIFICATION_VERSION,
  VendorApiError,
  defineCapabilities,
  type ConnectorCallOptions,
  type ConnectorWarning,
  type ConnectorRuntime,
  type SendMessageRequest,
} from 'handover-kit/contract';
import {
  oncePerMessageInFlight,
  type KeyedSend,
  connectorFactory,
  oncePerIdempotencyKey,
  withWarnings,
  featureWarning,
  type BuiltConnector,
} from 'handover-kit/connector-utils';
import { EngageApi, VENDOR } from './api';
import { authorOf, contextData, attachmentsFor, openingText, threadTitle } from './mapping';
import {
  ringcentralHandoverOptionsSchema,
  ringcentralSettingsSchema,
  sourceIdOf,
  type RingcentralSettings,
} from './schema';
import { EngageState } from './state';
import { createRingcentralWebhook } from './webhook';

export const RINGCENTRAL_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.contactCenter, [
  'queuePosition',
  'queueRouting',
  'attachments',
  'webhooks',
]);

/** Engage imports Send API contents asynchronously: look for the new thread this often, this long. */
export const THREAD_LOOKUP_ATTEMPTS = 6;
export const THREAD_LOOKUP_DELAY_MS = 500;

/** `stats()`: upstream requests sent (both hosts), for benchmarks. */
export type RingcentralConnector = BuiltConnector<'ringcentral', { requests: number }>;

/** Our source's thread id for a handover: the same key always names the same thread at Engage. */
export function threadForeignId(providerId: string, idempotencyKey: string): string {
  return `hk-${hash('sha256', `${providerId}\n${idempotencyKey}`, 'hex').slice(0, 32)}`;
}

/** Our id for a user message: a repeat of one message id is the same content at Engage. */
export function messageForeignId(conversationId: string, messageId: string): string {
  // One-shot `hash`: about 3× cheaper than createHash().update().digest() for a short value.
  return `hk-msg-${hash('sha256', `${conversationId}\n${messageId}`, 'hex').slice(0, 32)}`;
}

export const createRingcentralConnector = connectorFactory(
  ringcentralSettingsSchema,
  'RingCentral Engage Digital',
  buildRingcentralConnector,
);

/** A provider from valid settings (`createRingcentralConnector` validates them first). */
function buildRingcentralConnector(settings: RingcentralSettings, runtime: ConnectorRuntime): RingcentralConnector {
  const { clock, logger } = runtime;
  const api = new EngageApi(settings, clock);
  const state = new EngageState(runtime.state);
  const sourceId = sourceIdOf(settings.realtimeEndpointUrl);
  const nowIso = () => new Date(clock.now()).toISOString();
  const wait = (ms: number) => new Promise<void>((resolve) => clock.setTimeout(resolve, ms));

  /** Engage's thread for our foreign id, waiting (bounded) for the asynchronous import. */
  async function importedThread(foreignId: string, options?: ConnectorCallOptions) {
    for (let attempt = 1; attempt <= THREAD_LOOKUP_ATTEMPTS; attempt++) {
      const thread = await api.findThread(foreignId, sourceId, options);
      if (thread) return thread;
      if (attempt < THREAD_LOOKUP_ATTEMPTS) await wait(THREAD_LOOKUP_DELAY_MS);
    }
    throw new VendorApiError(`${VENDOR} start handover: Engage has not imported thread ${foreignId} yet`, {
      vendor: VENDOR,
      operation: 'start handover',
    });
  }

  const start: RingcentralConnector['doStartHandover'] = async (request, options) => {
    const opts = ringcentralHandoverOptionsSchema.safeParse(request.connectorOptions?.ringcentral ?? {});
    const extra = opts.success ? opts.data : {};
    const warnings: ConnectorWarning[] = opts.success
      ? []
      : [{ type: 'other', feature: 'connectorOptions', message: 'connectorOptions.ringcentral ignored: invalid' }];
    for (const what of ['skills', 'languages', 'priority'] as const) {
      if (request.routing[what] !== undefined)
        warnings.push({
          type: 'unsupported',
          feature: what,
          message: `Engage routes by category; routing.${what} is ignored`,
        });
    }
    const conversationId = threadForeignId(runtime.providerId, request.idempotencyKey);
    const known = await state.conversation(conversationId);
    let threadId = known?.threadId;
    if (!threadId) {
      const { data, dropped } = contextData(request.customAttributes, request.locale);
      if (dropped.length)
        warnings.push(
          featureWarning(
            'customAttributes',
            `Engage context_data keys must be letters and dashes; renamed or dropped: ${dropped.join(', ')}`,
          ),
        );
      const at = nowIso();
      await api.send(
        {
          action: 'threads.create',
          params: {
            id: conversationId,
            title: extra.title ?? threadTitle(request.user),
            body: openingText(request.transcript),
            format: 'text',
            author: authorOf(request.user, at),
            created_at: at,
            ...(Object.keys(data).length > 0 ? { context_data: data } : {}),
          },
        },
        'start handover',
        options,
      );
      threadId = (await importedThread(conversationId, options)).id;
    }
    const categories = [request.routing.queue ?? settings.agentCategoryId, ...(extra.additionalCategoryIds ?? [])];
    // Saved before the recategorization: Engage may send the first queue update right after it.
    await state.saveConversation(conversationId, {
      threadId,
      userId: request.user.id,
      ...(request.user.name ? { userName: request.user.name } : {}),
    });
    await api.categorize(threadId, [...new Set(categories)], 'start handover', options);
    return { conversationId, status: 'queue', ...withWarnings(warnings) };
  };

  function notStarted(conversationId: string) {
    return new HandoverNotFoundError('This RingCentral provider did not start this conversation (or forgot it)', {
      conversationId,
    });
  }

  async function record(conversationId: string) {
    const known = await state.conversation(conversationId);
    if (!known) throw notStarted(conversationId);
    return known;
  }

  const status: RingcentralConnector['doGetStatus'] = async ({ conversationId }, options) => {
    const { threadId } = await record(conversationId);
    const [interventions, queue, closedByBot] = await Promise.all([
      api.interventions(threadId, options),
      state.queue(conversationId),
      state.isClosed(conversationId),
    ]);
    const open = interventions.find((i) => !i.closed && !i.closed_at);
    // A deferred intervention is still the agent's (it comes back when the deferral ends).
    if (open?.user_id) return { status: 'active', agent: { id: open.user_id } };
    if (!open && interventions.some((i) => i.closed || i.closed_at)) return { status: 'completed' };
    if (closedByBot) return { status: 'cancelled' };
    return {
      status: 'queue',
      ...(queue?.position ? { queuePosition: queue.position } : {}),
      ...(queue?.estimatedWaitMs !== undefined ? { estimatedWaitMs: queue.estimatedWaitMs } : {}),
    };
  };

  /** A message to Engage under our id for it (`messageForeignId`), unless the state says it went before. */
  const send: KeyedSend = async (request, id, options) => {
    const { conversationId, messageId } = request;
    // The three reads at once: one state round trip on a Redis gateway instead of three. Read by
    // index: array destructuring runs the iterator protocol (objects and a larger async frame).
    const reads = await Promise.all([
      state.conversation(conversationId),
      state.isClosed(conversationId),
      state.wasSent(conversationId, messageId),
    ]);
    const known = reads[0];
    if (!known) throw notStarted(conversationId);
    if (reads[1])
      throw new HandoverNotFoundError('The handover was closed; the message was not sent', { conversationId });
    if (reads[2]) return { vendorMessageId: id, duplicate: true };
    const message = messageAction(request, id, known.userName);
    if (!message) return { duplicate: false, warnings: [{ type: 'other', message: 'Empty message not sent' }] };
    await api.send(message.action, 'send message', options);
    await state.markSent(conversationId, messageId);
    return message.warnings?.length
      ? { vendorMessageId: id, duplicate: false, warnings: message.warnings }
      : { vendorMessageId: id, duplicate: false };
  };

  /**
   * The Send API action for a user message (undefined when there is nothing to send). Kept apart
   * from the async `send`: a smaller async frame per message, fields set one by one (no spreads).
   */
  function messageAction(request: SendMessageRequest, id: string, startName: string | undefined) {
    // The usual message has no files: no attachment pass, no warnings array.
    const files = request.attachments?.length ? attachmentsFor(request.attachments) : undefined;
    if (!request.text && !files?.attachments.length) return undefined;
    const at = nowIso();
    const params: Record<string, unknown> = { id, thread_id: request.conversationId };
    // Engage has no system messages: a notice (user left the chat) is shown bracketed.
    if (request.text) params.body = request.kind === 'system' ? `[${request.text}]` : request.text;
    params.format = 'text';
    params.author = authorOf(request.user, at, request.user.name ?? startName);
    params.created_at = at;
    if (files?.attachments.length) params.attachments = files.attachments;
    return { action: { action: 'messages.create', params }, warnings: files?.warnings };
  }

  const connector: RingcentralConnector = {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'ringcentral',
    capabilities: RINGCENTRAL_CAPABILITIES,
    webhook: createRingcentralWebhook(
      {
        realtimeAccessToken: settings.realtimeAccessToken,
        verifyToken: settings.verifyToken,
        ...(settings.webhookSecret ? { webhookSecret: settings.webhookSecret } : {}),
      },
      { state, logger, queueUpdates: settings.getQueueUpdates },
    ),

    async doCheckAvailability({ routing }, options) {
      const category = routing.queue ?? settings.agentCategoryId;
      const agents = await api.agentStatus(sourceId, [category], options);
      const wanted = settings.channelName?.toLowerCase();
      const free = agents.filter((a) =>
        (a.channels ?? []).some(
          (c) =>
            (!wanted || (c.name ?? '').toLowerCase() === wanted) && c.status === 'available' && c.busyness !== 'full',
        ),
      ).length;
      const warnings: ConnectorWarning[] = wanted
        ? []
        : [
            {
              type: 'other',
              feature: 'availability',
              message: 'No channelName set: agents available on any channel were counted',
            },
          ];
      return free > 0
        ? { available: true, agentsAvailable: free, ...withWarnings(warnings) }
        : { available: false, reason: 'no-agents', agentsAvailable: 0, ...withWarnings(warnings) };
    },

    doStartHandover: oncePerIdempotencyKey(start),

    doSendMessage: oncePerMessageInFlight((r) => messageForeignId(r.conversationId, r.messageId), send),

    doGetStatus: status,

    async doCloseHandover({ conversationId }, options) {
      const { threadId } = await record(conversationId);
      if (await state.isClosed(conversationId)) return { alreadyClosed: true };
      const interventions = await api.interventions(threadId, options);
      const open = interventions.find((i) => !i.closed && !i.closed_at);
      // The agent already closed it: only take the thread out of the agents' category.
      const endedByAgent = !open && interventions.length > 0;
      if (open) {
        try {
          await api.endIntervention(open, options);
        } catch (error) {
          // 409: Engage is already closing it.
          if (!(VendorApiError.isInstance(error) && error.status === 409)) throw error;
        }
      }
      // Back to the bot's category: the agents' queue no longer holds it, later messages do not route.
      await api.categorize(threadId, [settings.botCategoryId], 'close handover', options);
      await state.markClosed(conversationId);
      return { alreadyClosed: endedByAgent };
    },

    async dispose() {
      await api.close();
    },

    stats: () => ({ requests: api.requestCount }),
  };
  return connector;
}
