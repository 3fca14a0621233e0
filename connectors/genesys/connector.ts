import {
  CAPABILITY_GROUPS,
  HandoverNotFoundError,
  SPECIFICATION_VERSION,
  VendorApiError,
  VendorNotFoundError,
  defineCapabilities,
  type ConnectorCallOptions,
  type ConnectorRuntime,
  type ConnectorWarning,
} from 'handover-kit/contract';
import { GenesysApi, VENDOR } from './api';
import { buildCustomAttributes } from './attributes';
import {
  assertCapability,
  BoundedMap,
  connectorEvents,
  connectorFactory,
  oncePerIdempotencyKey,
  oncePerMessage,
  runConnectionChecks,
  withWarnings,
  failureReason,
  featureWarning,
  type PushConnector,
} from 'handover-kit/connector-utils';
import {
  attachmentContent,
  handoverOptions,
  routingWarnings,
  senderOf,
  stableMessageId,
  startText,
  type Sender,
} from './messages';
import { agentOf, hasEnded, summarize } from './participants';
import { NotificationsChannel } from './notifications';
import { ParticipantPoller } from './poller';
import { WEBHOOK_SECRET_ENV, genesysSettingsSchema, type GenesysSettings } from './schema';
import { createGenesysWebhook } from './webhook';

export const GENESYS_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.contactCenter, [
  'attachments',
  'webhooks',
  'pushEvents',
]);

const MEMORY = 10_000;
/** How long a conversation's sender and a user's conversation are kept (Genesys conversations rarely last a week). */
const STATE_TTL_MS = 7 * 86_400_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type GenesysConnector = PushConnector<'genesys', GenesysStats>;

export interface GenesysStats {
  requests: number;
  tokenRequests: number;
  polls: number;
  polledHandovers: number;
  /** Notifications channel: this instance holds it, it is healthy, channels opened, subscription PUTs. */
  channel?: ReturnType<typeof channelStats>;
}

const channelStats = (c: NotificationsChannel) => ({
  holder: c.isHolder,
  healthy: c.healthy,
  opened: c.channelsOpened,
  subscriptionRequests: c.subscriptionRequests,
  frames: c.framesReceived,
  failures: c.failures,
});

const NO_FILES: ReturnType<typeof attachmentContent> = Object.freeze({ content: [], warnings: [] });

export const createGenesysConnector = connectorFactory(genesysSettingsSchema, 'Genesys Cloud', buildGenesysConnector);

/** A provider from valid settings (`createGenesysConnector` validates them first). */
function buildGenesysConnector(settings: GenesysSettings, runtime: ConnectorRuntime): GenesysConnector {
  const { clock, logger } = runtime;
  const api = new GenesysApi(settings, clock);
  const { events, emit } = connectorEvents();
  let channel: NotificationsChannel | undefined;
  const poller = new ParticipantPoller({
    api,
    clock,
    logger,
    intervalMs: settings.pollIntervalMs,
    emit,
    skip: (id) => channel?.covers(id) === true,
    onTrack: (id) => channel?.add(id),
    // Untracked without an end: the bot is closing it (doCloseHandover), so the channel stays quiet too.
    onUntrack: (id, ended) => (ended ? channel?.remove(id) : channel?.mute(id)),
  });
  if (settings.eventSource === 'notifications') {
    channel = new NotificationsChannel({
      http: api.http,
      clock,
      logger,
      state: runtime.state,
      queueId: settings.queueId,
      track: (id) => poller.track(id),
      untrackEnded: (id) => poller.untrack(id, true),
      tracked: () => poller.ids(),
      observe: (id, conversation) => poller.observe(id, conversation),
      refresh: async (id) => {
        const conversation = await api.getConversation(id, { operation: 'read notified conversation', retry: false });
        poller.track(id); // a handover another instance started: this one reports it now
        poller.observe(id, conversation);
      },
    });
    channel.start();
  }

  // Who we send as, per conversation, and each user's conversation (for webhooks without a
  // conversationId): in the shared state, so every gateway instance and a restarted one see them.
  // A local copy spares the round trip on this instance.
  const senders = new BoundedMap<string, Sender>(MEMORY);
  const state = runtime.state;
  const remember = async (conversationId: string, from: Sender) => {
    senders.set(conversationId, from);
    await Promise.all([
      state.set(`sender:${conversationId}`, JSON.stringify(from), { ttlMs: STATE_TTL_MS }),
      state.set(`user:${from.id}`, conversationId, { ttlMs: STATE_TTL_MS }),
    ]);
  };
  const senderOfConversation = async (conversationId: string): Promise<Sender | undefined> => {
    const known = senders.get(conversationId);
    if (known) return known;
    const stored = await state.get(`sender:${conversationId}`);
    if (!stored) return undefined;
    const from = JSON.parse(stored) as Sender;
    senders.set(conversationId, from);
    return from;
  };
  const hasQueue = settings.queueId !== undefined;
  // Formatted once per millisecond: messages relayed within the same millisecond share the text.
  let isoAt = Number.NaN;
  let iso = '';
  const nowIso = () => {
    const now = clock.now();
    if (now !== isoAt) {
      iso = new Date(now).toISOString();
      isoAt = now;
    }
    return iso;
  };

  const capabilities = hasQueue
    ? GENESYS_CAPABILITIES
    : defineCapabilities({ ...GENESYS_CAPABILITIES, availability: false, estimatedWaitTime: false });

  /** Best-effort wait estimate: one attempt, and a failure becomes a warning, never a failed call. */
  async function waitEstimate(
    queueId: string | undefined,
    conversationId: string | undefined,
    warnings: ConnectorWarning[],
    options?: ConnectorCallOptions,
  ) {
    if (!queueId) return {};
    try {
      const ms = await api.estimatedWaitMs(queueId, {
        ...(conversationId ? { conversationId } : {}),
        retry: false,
        signal: options?.signal,
      });
      return ms === undefined ? {} : { estimatedWaitMs: ms };
    } catch (error) {
      warnings.push(featureWarning('estimatedWaitTime', `Estimated wait time unavailable: ${failureReason(error)}`));
      return {};
    }
  }

  const start: GenesysConnector['doStartHandover'] = async (request, options) => {
    const opts = handoverOptions(request.connectorOptions);
    const { attributes, warnings } = buildCustomAttributes({
      customAttributes: request.customAttributes,
      extra: opts.customAttributes,
      routing: request.routing,
      user: request.user,
      locale: request.locale,
      transcript: request.transcript,
      includeTranscript: opts.includeTranscript !== false,
    });
    warnings.unshift(...routingWarnings(request.routing));
    const from = senderOf(request.user);
    const res = await api.sendInbound(
      {
        channel: {
          messageId: stableMessageId('start', request.idempotencyKey),
          time: nowIso(),
          from,
          ...(Object.keys(attributes).length > 0 ? { metadata: { customAttributes: attributes } } : {}),
        },
        text: startText(opts, request.transcript),
      },
      { prefetchConversationId: true, operation: 'start handover', signal: options?.signal },
    );
    const conversationId =
      res.conversationId ??
      (res.id ? await api.getMessageConversationId(res.id, { signal: options?.signal }) : undefined);
    if (!conversationId)
      throw new VendorApiError('genesys start handover: Genesys returned no conversation id', {
        vendor: VENDOR,
        status: 200,
        operation: 'start handover',
      });
    await remember(conversationId, from);
    poller.track(conversationId);
    const wait = await waitEstimate(settings.queueId, conversationId, warnings, options);
    return { conversationId: conversationId, status: 'queue', ...wait, ...withWarnings(warnings) };
  };

  const send: GenesysConnector['doSendMessage'] = async (request, options) => {
    const { conversationId, messageId } = request;
    if (poller.hasEnded(conversationId)) {
      // Genesys threads by sender: a message now would open a new conversation, unrouted by this handover.
      throw new HandoverNotFoundError('The Genesys conversation has ended; the message was not sent', {
        conversationId,
      });
    }
    // A text-only message (the usual one) skips the attachment pass.
    const { content, warnings } = request.attachments?.length ? attachmentContent(request.attachments) : NO_FILES;
    if (!request.text && content.length === 0)
      return { duplicate: false, warnings: [{ type: 'other', message: 'Empty message not sent' }] };
    // The sender from memory without an async step; the state only after a restart.
    const from = senders.get(conversationId) ?? (await senderOfConversation(conversationId)) ?? senderOf(request.user);
    poller.track(conversationId); // a handover of ours from before a restart is picked up again
    const body: Parameters<GenesysApi['sendInbound']>[0] = {
      channel: { messageId: stableMessageId('msg', conversationId, messageId), time: nowIso(), from },
    };
    if (request.text) body.text = request.text;
    if (content.length > 0) body.content = content;
    const res = await api.sendInbound(body, { operation: 'send message', signal: options?.signal });
    const result = res.id ? { vendorMessageId: res.id, duplicate: false } : { duplicate: false };
    return warnings.length > 0 ? { ...result, warnings } : result;
  };

  const connector: GenesysConnector = {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'genesys',
    capabilities,
    events,
    webhook: createGenesysWebhook({
      secret: () => settings.webhookSecret ?? process.env[WEBHOOK_SECRET_ENV],
      conversationOfUser: (userId) => state.get(`user:${userId}`),
      currentAgent: (conversationId) => poller.currentAgent(conversationId),
      logger,
    }),

    async doCheckAvailability({ routing }, options) {
      assertCapability(capabilities, 'availability', 'genesys', 'Genesys availability needs the queueId setting');
      const warnings: ConnectorWarning[] = [];
      let queueId = settings.queueId!;
      if (routing.queue && GUID.test(routing.queue)) queueId = routing.queue;
      else if (routing.queue)
        warnings.push(
          featureWarning(
            'queueRouting',
            `routing.queue "${routing.queue}" is not a Genesys queue id; checked the configured queue`,
          ),
        );
      const [members, wait] = await Promise.all([
        api.idleMembers(queueId, options),
        waitEstimate(queueId, undefined, warnings, options),
      ]);
      if (members.more)
        warnings.push(
          featureWarning('availability', 'More than 100 idle agents; agentsAvailable counts the first 100'),
        );
      return {
        available: members.count > 0,
        ...(members.count > 0 ? {} : { reason: 'no-agents' as const }),
        agentsAvailable: members.count,
        ...wait,
        ...withWarnings(warnings),
      };
    },

    doStartHandover: oncePerIdempotencyKey(start),

    doSendMessage: oncePerMessage(send),

    async doGetStatus({ conversationId }, options) {
      const conversation = await api.getConversation(conversationId, {
        operation: 'get status',
        signal: options?.signal,
      });
      const summary = summarize(conversation);
      if (summary.status !== 'completed') poller.track(conversationId);
      poller.observe(conversationId, conversation);
      if (summary.status === 'completed') return { status: 'completed' };
      if (summary.status === 'active') return { status: 'active', agent: agentOf(summary.connectedAgents.at(-1)!) };
      const warnings: ConnectorWarning[] = [];
      const wait = await waitEstimate(summary.queueId ?? settings.queueId, conversationId, warnings, options);
      return { status: 'queue', ...wait, ...withWarnings(warnings) };
    },

    async doCloseHandover({ conversationId, message }, options) {
      const conversation = await api.getConversation(conversationId, {
        operation: 'close handover',
        signal: options?.signal,
      });
      const customer = summarize(conversation).customer;
      if (!customer)
        throw new VendorNotFoundError('genesys close handover: the conversation has no customer participant', {
          vendor: VENDOR,
          operation: 'close handover',
        });
      if (hasEnded(customer)) {
        poller.untrack(conversationId, true);
        return { alreadyClosed: true };
      }
      const warnings: ConnectorWarning[] = [];
      const from = message ? await senderOfConversation(conversationId) : undefined;
      if (message && !from) {
        warnings.push(
          featureWarning('closeFromBot', 'Closing note not sent: the sender of the conversation is no longer known'),
        );
      } else if (message && from) {
        try {
          await api.sendInbound(
            { channel: { messageId: stableMessageId('close', conversationId), time: nowIso(), from }, text: message },
            { operation: 'send closing note', signal: options?.signal },
          );
        } catch (error) {
          warnings.push(featureWarning('closeFromBot', `Closing note not delivered: ${failureReason(error)}`));
        }
      }
      // Stop polling first: the end is the service's own doing, not an event to report back.
      poller.untrack(conversationId);
      try {
        await api.disconnectParticipant(conversationId, customer.id, options);
      } catch (error) {
        poller.track(conversationId);
        throw error;
      }
      poller.untrack(conversationId, true);
      return { alreadyClosed: false, ...withWarnings(warnings) };
    },

    // Authenticates (client credentials), then reads the integration and the queue the settings name.
    doTestConnection: (options) =>
      runConnectionChecks([
        { name: 'auth', field: 'settings.clientSecret', run: async () => void (await api.tokens.get()) },
        {
          name: 'integration',
          field: 'settings.integrationId',
          run: async () =>
            named('integration', (await api.resource('integration', settings.integrationId, options)).name),
        },
        settings.queueId
          ? {
              name: 'queue',
              field: 'settings.queueId',
              run: async () => named('queue', (await api.resource('queue', settings.queueId!, options)).name),
            }
          : {
              name: 'queue',
              field: 'settings.queueId',
              skip: 'not set: availability and wait times are off (Architect routes the conversation)',
            },
      ]),

    stats: () => ({
      requests: api.requestCount,
      tokenRequests: api.tokens.requests,
      polls: poller.polls,
      polledHandovers: poller.size,
      ...(channel ? { channel: channelStats(channel) } : {}),
    }),

    async dispose() {
      poller.dispose();
      await channel?.dispose();
      events.removeAllListeners();
      await api.close();
    },
  };
  return connector;
}

const named = (kind: string, name: string | undefined) => (name ? `${kind} "${name}"` : kind);
