import {
  CAPABILITY_GROUPS,
  HandoverNotFoundError,
  SPECIFICATION_VERSION,
  defineCapabilities,
  type ConnectorCallOptions,
  type ConnectorRuntime,
  type ConnectorWarning,
  type SendMessageRequest,
  type SendMessageResult,
  type StartHandoverResult,
} from 'handover-kit/contract';
import {
  assertCapability,
  SingleFlight,
  oncePerMessageInFlight,
  connectorEvents,
  connectorFactory,
  withWarnings,
  failureReason,
  featureWarning,
  type PushConnector,
} from 'handover-kit/connector-utils';
import { CxoneApi, addedMessageId, type NewMessage } from './api';
import type { CxoneHosts } from './hosts';
import { agentOf, isEnded, statusOf } from './mapping';
import { attachmentsFor, customFieldsOf, nameParts, skillOf, startText } from './messages';
import { ContactPoller } from './poller';
import { cxoneSettingsSchema, type CxoneSettings } from './schema';
import { ThreadStore, messageIdFor, sentKey, threadIdFor } from './threads';
import { createCxoneWebhook } from './webhook';

/**
 * BYOC has no "agent joined" / "ended" callback and no per-contact wait API: `agentJoined` and the
 * end come from the shared contact-status poller (delayed by up to one poll interval), and the wait
 * figures from the skill's real-time queue figures (only with a skill id). No queue position, no
 * typing indicators (the reply calls carry messages only).
 */
export const CXONE_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.handover, CAPABILITY_GROUPS.queueFigures, [
  'queueRouting',
  'attachments',
  'agentJoined',
  'webhooks',
  'pushEvents',
]);

export interface CxoneConnector
  extends PushConnector<'cxone', { requests: number; tokenRequests: number; polls: number }> {
  readonly poller: ContactPoller;
  /** Issues a bearer token as our token endpoint would (tests, benchmarks). */
  issueToken(): Promise<string>;
  /** The tenant's DFO and API hosts (discovered from the token unless overridden). */
  hosts(): Promise<CxoneHosts>;
}

export const createCxoneConnector = connectorFactory(cxoneSettingsSchema, 'NiCE CXone', buildCxoneConnector);

/** A provider from valid settings (`createCxoneConnector` validates them first). */
function buildCxoneConnector(settings: CxoneSettings, runtime: ConnectorRuntime): CxoneConnector {
  const { clock, logger, providerId, state } = runtime;
  const api = new CxoneApi(settings, clock);
  const threads = new ThreadStore(state);
  const { events, emit } = connectorEvents();
  const poller = new ContactPoller({
    api,
    threads,
    state,
    clock,
    logger,
    intervalMs: settings.pollIntervalMs,
    requestsPerHour: settings.pollRequestsPerHour,
    emit,
  });
  const starts = new SingleFlight<StartHandoverResult>();
  const capabilities = settings.skillId
    ? CXONE_CAPABILITIES
    : defineCapabilities({ ...CXONE_CAPABILITIES, availability: false, estimatedWaitTime: false });
  const nowIso = () => new Date(clock.now()).toISOString();

  /** Queue figures of a skill: agents available, contacts waiting, the longest current wait. */
  async function queueFigures(skillId: number, options?: ConnectorCallOptions & { retry?: boolean }) {
    const activity = await api.skillActivity(skillId, options);
    const waitingSince = Date.parse(activity?.earliestQueueTime ?? '');
    const queueLength = activity?.queueCount ?? undefined;
    const longestWaitMs =
      Number.isFinite(waitingSince) && (queueLength ?? 0) > 0
        ? Math.max(0, clock.now() - waitingSince)
        : queueLength === 0
          ? 0
          : undefined;
    return { agentsAvailable: activity?.agentsAvailable ?? undefined, queueLength, estimatedWaitMs: longestWaitMs };
  }

  /** Best effort: one attempt, a failure becomes a warning. */
  async function waitEstimate(
    skillId: number | undefined,
    warnings: ConnectorWarning[],
    options?: ConnectorCallOptions,
  ) {
    if (!skillId) return {};
    try {
      const { estimatedWaitMs } = await queueFigures(skillId, { ...options, retry: false });
      return estimatedWaitMs === undefined ? {} : { estimatedWaitMs };
    } catch (error) {
      warnings.push(featureWarning('estimatedWaitTime', `Queue figures unavailable: ${failureReason(error)}`));
      return {};
    }
  }

  const start: CxoneConnector['doStartHandover'] = async (request, options) => {
    const threadId = threadIdFor(providerId, request.idempotencyKey);
    const warnings: ConnectorWarning[] = [];
    const { skillId, warning } = skillOf(request.routing, settings.skillId);
    if (warning) warnings.push(warning);
    const known = await threads.get(threadId);
    if (!known) {
      const { firstName, lastName } = nameParts(request.user.name);
      const customFields = customFieldsOf(request.customAttributes);
      const res = await api.createMessage(
        {
          idOnExternalPlatform: messageIdFor('start', threadId),
          direction: 'inbound',
          createdAtWithMilliseconds: nowIso(),
          thread: { idOnExternalPlatform: threadId, threadName: 'Bot handover' },
          messageContent: { type: 'TEXT', payload: { text: startText(request, settings.sendTranscript) } },
          authorEndUserIdentity: {
            idOnExternalPlatform: request.user.id,
            ...(firstName ? { firstName } : {}),
            ...(lastName ? { lastName } : {}),
          },
          ...(skillId || customFields.length > 0
            ? { contact: { ...(skillId ? { skillId } : {}), ...(customFields.length > 0 ? { customFields } : {}) } }
            : {}),
        },
        'start handover',
        options,
      );
      await threads.put(threadId, {
        contactId: res.consumerContact.id,
        userId: request.user.id,
        phase: 'queue',
        changes: 0,
      });
    }
    await poller.track(threadId);
    const wait = await waitEstimate(skillId, warnings, options);
    // A repeated start reports what the poller last saw.
    const status = known?.phase === 'active' ? 'active' : 'queue';
    return { conversationId: threadId, status, ...wait, ...withWarnings(warnings) };
  };

  /** `externalId`: the message's `messageIdFor('msg', …)`, also the key of concurrent repeats. */
  async function send(
    request: SendMessageRequest,
    externalId: string,
    options?: ConnectorCallOptions,
  ): Promise<SendMessageResult> {
    const threadId = request.conversationId;
    const sent = sentKey(externalId);
    // Both reads at once: one state round trip on a Redis gateway instead of two.
    const [record, sentBefore] = await Promise.all([threads.get(threadId), threads.sentMarker(sent)]);
    if (!record)
      throw new HandoverNotFoundError('This CXone provider has no thread with that id', { conversationId: threadId });
    // A message after the end would open a new contact in CXone, unrouted by this handover.
    if (record.phase === 'ended')
      throw new HandoverNotFoundError('The CXone contact has ended; the message was not sent', {
        conversationId: threadId,
      });
    if (sentBefore !== undefined) return { duplicate: true };
    const { attachments, warnings } = attachmentsFor(request.attachments);
    if (!request.text && attachments.length === 0)
      return { duplicate: false, warnings: [{ type: 'other', message: 'Empty message not sent' }] };
    const { firstName, lastName } = nameParts(request.user.name);
    const author: NewMessage['authorEndUserIdentity'] = { idOnExternalPlatform: record.userId || request.user.id };
    if (firstName) author.firstName = firstName;
    if (lastName) author.lastName = lastName;
    const message: NewMessage = {
      idOnExternalPlatform: externalId,
      direction: 'inbound',
      createdAtWithMilliseconds: nowIso(),
      thread: { idOnExternalPlatform: threadId },
      messageContent: { type: 'TEXT', payload: { text: request.text } },
      authorEndUserIdentity: author,
    };
    if (attachments.length > 0) message.attachments = attachments;
    const { body } = await api.postMessage(message, 'send message', options);
    const vendorMessageId = addedMessageId(body, 'send message');
    await threads.markSent(sent);
    const result: SendMessageResult = { duplicate: false };
    if (vendorMessageId) result.vendorMessageId = vendorMessageId;
    if (warnings.length > 0) result.warnings = warnings;
    return result;
  }

  const webhook = createCxoneWebhook({
    providerId,
    state,
    threads,
    logger,
    now: () => clock.now(),
    clientId: settings.channelClientId,
    clientSecret: settings.channelClientSecret,
    tokenTtlSec: settings.issuedTokenTtlSec,
    tokenPath: settings.tokenPath,
    replyPath: settings.replyPath,
  });

  async function recordOf(threadId: string) {
    const record = await threads.get(threadId);
    if (!record)
      throw new HandoverNotFoundError('This CXone provider has no thread with that id', { conversationId: threadId });
    return record;
  }

  let disposing: Promise<void> | undefined;
  poller.start();

  return {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'cxone',
    capabilities,
    events,
    poller,
    webhook,
    issueToken: () => webhook.issueToken(),
    hosts: () => api.session.hosts(),

    async doCheckAvailability({ routing }, options) {
      assertCapability(capabilities, 'availability', 'cxone', 'CXone availability needs the skillId setting');
      const { skillId, warning } = skillOf(routing, settings.skillId);
      const figures = await queueFigures(skillId!, options);
      const available = (figures.agentsAvailable ?? 0) > 0;
      return {
        available,
        ...(available ? {} : { reason: 'no-agents' as const }),
        ...(figures.agentsAvailable !== undefined ? { agentsAvailable: figures.agentsAvailable } : {}),
        ...(figures.queueLength !== undefined ? { queueLength: figures.queueLength } : {}),
        ...(figures.estimatedWaitMs !== undefined ? { estimatedWaitMs: figures.estimatedWaitMs } : {}),
        ...withWarnings(warning ? [warning] : []),
      };
    },

    doStartHandover: (request, options) => starts.run(request.idempotencyKey, () => start(request, options)).promise,

    // Concurrent repeats share one request; later ones find the id in the shared state (duplicate).
    doSendMessage: oncePerMessageInFlight((r) => messageIdFor('msg', r.conversationId, r.messageId), send),

    async doGetStatus({ conversationId }, options) {
      const record = await recordOf(conversationId);
      const contact = await api.getContact(record.contactId, 'get status', options);
      const agent = agentOf(contact);
      const status = isEnded(contact)
        ? record.agent || record.phase === 'active'
          ? 'completed'
          : 'cancelled'
        : statusOf(contact);
      const warnings: ConnectorWarning[] = [];
      const wait = status === 'queue' ? await waitEstimate(settings.skillId, warnings, options) : {};
      return { status, ...(agent ? { agent } : {}), ...wait, ...withWarnings(warnings) };
    },

    async doCloseHandover({ conversationId }, options) {
      const record = await recordOf(conversationId);
      if (record.phase === 'ended') return { alreadyClosed: true };
      const contact = await api.getContact(record.contactId, 'close handover', options);
      // Ended by the service itself: no event to report back, so the poller forgets the thread first.
      await threads.put(conversationId, { ...record, phase: 'ended' });
      await poller.untrack(conversationId);
      if (isEnded(contact)) return { alreadyClosed: true };
      try {
        await api.setContactStatus(record.contactId, 'closed', options);
      } catch (error) {
        await threads.put(conversationId, record);
        await poller.track(conversationId);
        throw error;
      }
      return { alreadyClosed: false };
    },

    stats: () => ({ requests: api.requestCount, tokenRequests: api.session.tokenRequests, polls: poller.polls }),

    dispose() {
      // Idempotent: the registry and a test may both dispose.
      disposing ??= (async () => {
        await poller.dispose();
        events.removeAllListeners();
        await api.close();
      })();
      return disposing;
    },
  };
}
