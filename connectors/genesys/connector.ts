import { EventEmitter } from 'eventemitter3';
import {
  HandoverError,
  HandoverNotFoundError,
  SPECIFICATION_VERSION,
  UnsupportedCapabilityError,
  VendorApiError,
  VendorNotFoundError,
  defineCapabilities,
  parseOrThrow,
  type ConnectorCallOptions,
  type ConnectorEventMap,
  type ConnectorRuntime,
  type ConnectorWarning,
  type HandoverConnectorV1,
  type HandoverEvent,
  type SendMessageRequest,
  type SendMessageResult,
  type StartHandoverRequest,
  type StartHandoverResult,
} from 'handover-kit/contract';
import { GenesysApi, VENDOR } from './api';
import { buildCustomAttributes } from './attributes';
import { BoundedMap, runConnectionChecks } from 'handover-kit/connector-utils';
import { attachmentContent, handoverOptions, routingWarnings, senderOf, stableMessageId, startText, type Sender } from './messages';
import { agentOf, hasEnded, summarize } from './participants';
import { ParticipantPoller } from './poller';
import { WEBHOOK_SECRET_ENV, genesysSettingsSchema, type GenesysSettingsInput } from './schema';
import { createGenesysWebhook } from './webhook';

export const GENESYS_CAPABILITIES = defineCapabilities({
  availability: true,
  estimatedWaitTime: true,
  transcript: true,
  customAttributes: true,
  closeFromBot: true,
  attachments: true,
  typing: true,
  agentJoined: true,
  webhooks: true,
  pushEvents: true,
});

const MEMORY = 10_000;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface GenesysConnector extends HandoverConnectorV1 {
  readonly type: 'genesys';
  readonly events: EventEmitter<ConnectorEventMap>;
  dispose(): Promise<void>;
  /** Request counters for benchmarks and diagnostics. */
  stats(): { requests: number; tokenRequests: number; polls: number; polledHandovers: number };
}

const warn = (list: ConnectorWarning[]) => (list.length > 0 ? { warnings: list } : {});
const reason = (error: unknown) => (HandoverError.isInstance(error) ? error.message : 'unexpected error');

export function createGenesysConnector(input: GenesysSettingsInput, runtime: ConnectorRuntime): GenesysConnector {
  const settings = parseOrThrow(genesysSettingsSchema, input, 'Genesys Cloud settings', 'settings');
  const { clock, logger } = runtime;
  const api = new GenesysApi(settings, clock);
  const events = new EventEmitter<ConnectorEventMap>();
  const emit = (list: HandoverEvent[]) => {
    for (const e of list) events.emit('event', e);
  };
  const poller = new ParticipantPoller({ api, clock, logger, intervalMs: settings.pollIntervalMs, emit });

  const senders = new BoundedMap<string, Sender>(MEMORY); // conversation → who we send as
  const conversationOfUser = new BoundedMap<string, string>(MEMORY); // user id → conversation
  const starts = new BoundedMap<string, Promise<StartHandoverResult>>(MEMORY);
  const sent = new BoundedMap<string, Promise<SendMessageResult>>(MEMORY);
  const hasQueue = settings.queueId !== undefined;
  const nowIso = () => new Date(clock.now()).toISOString();

  const capabilities = hasQueue ? GENESYS_CAPABILITIES : defineCapabilities({ ...GENESYS_CAPABILITIES, availability: false, estimatedWaitTime: false });

  /** Best-effort wait estimate: one attempt, and a failure becomes a warning, never a failed call. */
  async function waitEstimate(queueId: string | undefined, conversationId: string | undefined, warnings: ConnectorWarning[], options?: ConnectorCallOptions) {
    if (!queueId) return {};
    try {
      const ms = await api.estimatedWaitMs(queueId, { ...(conversationId ? { conversationId } : {}), retry: false, signal: options?.signal });
      return ms === undefined ? {} : { estimatedWaitMs: ms };
    } catch (error) {
      warnings.push({ type: 'other', feature: 'estimatedWaitTime', message: `Estimated wait time unavailable: ${reason(error)}` });
      return {};
    }
  }

  async function start(request: StartHandoverRequest, options?: ConnectorCallOptions): Promise<StartHandoverResult> {
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
    const conversationId = res.conversationId ?? (res.id ? await api.getMessageConversationId(res.id, { signal: options?.signal }) : undefined);
    if (!conversationId) throw new VendorApiError('genesys start handover: Genesys returned no conversation id', { vendor: VENDOR, status: 200, operation: 'start handover' });
    senders.set(conversationId, from);
    conversationOfUser.set(from.id, conversationId);
    poller.track(conversationId);
    const wait = await waitEstimate(settings.queueId, conversationId, warnings, options);
    return { conversationId: conversationId, status: 'queue', ...wait, ...warn(warnings) };
  }

  async function send(request: SendMessageRequest, options?: ConnectorCallOptions): Promise<SendMessageResult> {
    const { conversationId, messageId } = request;
    if (poller.hasEnded(conversationId)) {
      // Genesys threads by sender: a message now would open a new conversation, unrouted by this handover.
      throw new HandoverNotFoundError('The Genesys conversation has ended; the message was not sent', { conversationId });
    }
    const { content, warnings } = attachmentContent(request.attachments);
    if (!request.text && content.length === 0) return { duplicate: false, warnings: [{ type: 'other', message: 'Empty message not sent' }] };
    const from = senders.get(conversationId) ?? senderOf(request.user);
    poller.track(conversationId); // a handover of ours from before a restart is picked up again
    const res = await api.sendInbound(
      {
        channel: { messageId: stableMessageId('msg', conversationId, messageId), time: nowIso(), from },
        ...(request.text ? { text: request.text } : {}),
        ...(content.length > 0 ? { content } : {}),
      },
      { operation: 'send message', signal: options?.signal },
    );
    return { ...(res.id ? { vendorMessageId: res.id } : {}), duplicate: false, ...warn(warnings) };
  }

  const connector: GenesysConnector = {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'genesys',
    capabilities,
    events,
    webhook: createGenesysWebhook({
      secret: () => settings.webhookSecret ?? process.env[WEBHOOK_SECRET_ENV],
      conversationOfUser: (userId) => conversationOfUser.get(userId),
      currentAgent: (conversationId) => poller.currentAgent(conversationId),
      logger,
    }),

    async doCheckAvailability({ routing }, options) {
      if (!capabilities.availability) throw new UnsupportedCapabilityError('availability', { connectorType: 'genesys' }, 'Genesys availability needs the queueId setting');
      const warnings: ConnectorWarning[] = [];
      let queueId = settings.queueId!;
      if (routing.queue && GUID.test(routing.queue)) queueId = routing.queue;
      else if (routing.queue) warnings.push({ type: 'other', feature: 'queueRouting', message: `routing.queue "${routing.queue}" is not a Genesys queue id; checked the configured queue` });
      const [members, wait] = await Promise.all([api.idleMembers(queueId, options), waitEstimate(queueId, undefined, warnings, options)]);
      if (members.more) warnings.push({ type: 'other', feature: 'availability', message: 'More than 100 idle agents; agentsAvailable counts the first 100' });
      return {
        available: members.count > 0,
        ...(members.count > 0 ? {} : { reason: 'no-agents' as const }),
        agentsAvailable: members.count,
        ...wait,
        ...warn(warnings),
      };
    },

    doStartHandover(request, options) {
      const known = starts.get(request.idempotencyKey);
      if (known) return known;
      const pending = start(request, options).catch((error) => {
        starts.delete(request.idempotencyKey);
        throw error;
      });
      starts.set(request.idempotencyKey, pending);
      return pending;
    },

    async doSendMessage(request, options) {
      const key = `${request.conversationId}\u0000${request.messageId}`;
      const prior = sent.get(key);
      if (prior) return { ...(await prior), duplicate: true };
      const pending = send(request, options).catch((error) => {
        sent.delete(key);
        throw error;
      });
      sent.set(key, pending);
      return pending;
    },

    async doGetStatus({ conversationId }, options) {
      const conversation = await api.getConversation(conversationId, { operation: 'get status', signal: options?.signal });
      const summary = summarize(conversation);
      if (summary.status !== 'completed') poller.track(conversationId);
      poller.observe(conversationId, conversation);
      if (summary.status === 'completed') return { status: 'completed' };
      if (summary.status === 'active') return { status: 'active', agent: agentOf(summary.connectedAgents.at(-1)!) };
      const warnings: ConnectorWarning[] = [];
      const wait = await waitEstimate(summary.queueId ?? settings.queueId, conversationId, warnings, options);
      return { status: 'queue', ...wait, ...warn(warnings) };
    },

    async doCloseHandover({ conversationId, message }, options) {
      const conversation = await api.getConversation(conversationId, { operation: 'close handover', signal: options?.signal });
      const customer = summarize(conversation).customer;
      if (!customer) throw new VendorNotFoundError('genesys close handover: the conversation has no customer participant', { vendor: VENDOR, operation: 'close handover' });
      if (hasEnded(customer)) {
        poller.untrack(conversationId, true);
        return { alreadyClosed: true };
      }
      const warnings: ConnectorWarning[] = [];
      const from = senders.get(conversationId);
      if (message && !from) {
        warnings.push({ type: 'other', feature: 'closeFromBot', message: 'Closing note not sent: this instance does not know the sender of the conversation' });
      } else if (message && from) {
        try {
          await api.sendInbound({ channel: { messageId: stableMessageId('close', conversationId), time: nowIso(), from }, text: message }, { operation: 'send closing note', signal: options?.signal });
        } catch (error) {
          warnings.push({ type: 'other', feature: 'closeFromBot', message: `Closing note not delivered: ${reason(error)}` });
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
      return { alreadyClosed: false, ...warn(warnings) };
    },

    // Authenticates (client credentials), then reads the integration and the queue the settings name.
    doTestConnection: (options) =>
      runConnectionChecks([
        { name: 'auth', field: 'settings.clientSecret', run: async () => void (await api.tokens.get()) },
        { name: 'integration', field: 'settings.integrationId', run: async () => named('integration', (await api.resource('integration', settings.integrationId, options)).name) },
        settings.queueId
          ? { name: 'queue', field: 'settings.queueId', run: async () => named('queue', (await api.resource('queue', settings.queueId!, options)).name) }
          : { name: 'queue', field: 'settings.queueId', skip: 'not set: availability and wait times are off (Architect routes the conversation)' },
      ]),

    stats: () => ({ requests: api.requestCount, tokenRequests: api.tokens.requests, polls: poller.polls, polledHandovers: poller.size }),

    async dispose() {
      poller.dispose();
      events.removeAllListeners();
      await api.close();
    },
  };
  return connector;
}

const named = (kind: string, name: string | undefined) => (name ? `${kind} "${name}"` : kind);
