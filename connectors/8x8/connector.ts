import {
  CAPABILITY_GROUPS,
  HandoverConfigError,
  HandoverError,
  SPECIFICATION_VERSION,
  VendorNotFoundError,
  defineCapabilities,
  type ConnectorRuntime,
  type ConnectorWarning,
  type SendMessageRequest,
} from 'handover-kit/contract';
import {
  assertCapability,
  BoundedMap,
  connectorFactory,
  oncePerIdempotencyKey,
  oncePerMessage,
  withWarnings,
  failureReason,
  featureWarning,
  type BuiltConnector,
} from 'handover-kit/connector-utils';
import { fetchFile, uploadFile } from './attachments';
import { EightByEightApi, type QueueMetrics } from './api';
import { STATE_TTL_MS, stateKey } from './events';
import { eightByEightSettingsSchema, type EightByEightSettings } from './schema';
import { JwkStore } from './signature';
import { buildCreateBody } from './start';
import { createEightByEightWebhook } from './webhook';

/** Everything the connector type can do; an instance without an API secret has no metrics. */
export const EIGHT_BY_EIGHT_CAPABILITIES = defineCapabilities(CAPABILITY_GROUPS.contactCenter, [
  'languages',
  'queueRouting',
  'attachments',
  'webhooks',
]);

const SENT_TTL_MS = 24 * 3_600_000;
/** 8x8 refreshes real-time metrics every 5 s: asking more often only repeats the same figures. */
const METRICS_TTL_MS = 5_000;
const WEBHOOK_METRICS_DEADLINE_MS = 2_000;

export type EightByEightConnector = BuiltConnector<
  '8x8',
  { requests: number; tokenRequests: number; keyFetches: number; uploads: number }
>;

const EMPTY_NOT_SENT = (): ConnectorWarning => ({ type: 'other', message: 'Empty message not sent' });
const authorTypeOf = (request: SendMessageRequest) => (request.kind === 'system' ? 'bot' : 'user');

export const createEightByEightConnector = connectorFactory(
  eightByEightSettingsSchema,
  '8x8',
  buildEightByEightConnector,
);

/** A provider from valid settings (`createEightByEightConnector` validates them first). */
function buildEightByEightConnector(settings: EightByEightSettings, runtime: ConnectorRuntime): EightByEightConnector {
  const { clock, logger, state } = runtime;
  const api = new EightByEightApi(settings, clock);
  const keys = new JwkStore({ fetch: (kid) => api.jwk(kid), clock, logger });
  const metricsCache = new BoundedMap<string, Promise<QueueMetrics>>(256, {
    ttlMs: METRICS_TTL_MS,
    now: () => clock.now(),
  });

  let uploads = 0;
  const capabilities = api.metricsEnabled
    ? EIGHT_BY_EIGHT_CAPABILITIES
    : defineCapabilities({ ...EIGHT_BY_EIGHT_CAPABILITIES, availability: false, estimatedWaitTime: false });

  /** Shared by concurrent callers for 5 s, so it is not tied to any one caller's abort signal. */
  function metrics(queueId: string): Promise<QueueMetrics> {
    const cached = metricsCache.get(queueId);
    if (cached) return cached;
    const pending = api.queueMetrics(queueId);
    metricsCache.set(queueId, pending);
    pending.catch(() => metricsCache.delete(queueId));
    return pending;
  }

  /** Best effort: a failure becomes a warning (or nothing), never a failed call. */
  async function waitEstimate(queueId: string | undefined, warnings?: ConnectorWarning[]): Promise<number | undefined> {
    const queue = queueId ?? settings.queueId;
    if (!api.metricsEnabled || !queue) return undefined;
    try {
      return (await metrics(queue))['interactionsAvgWaitTime.int-15m'];
    } catch (error) {
      warnings?.push(featureWarning('estimatedWaitTime', `Estimated wait time unavailable: ${failureReason(error)}`));
      return undefined;
    }
  }

  function withDeadline<T>(promise: Promise<T | undefined>, ms: number): Promise<T | undefined> {
    let timer: unknown;
    const deadline = new Promise<undefined>((resolve) => {
      timer = clock.setTimeout(() => resolve(undefined), ms);
    });
    return Promise.race([promise, deadline]).finally(() => clock.clearTimeout(timer));
  }

  const start: EightByEightConnector['doStartHandover'] = async (request, options) => {
    const { body, warnings } = buildCreateBody(request, settings);
    // A start repeated after a restart (or on another instance) finds the conversation it opened.
    const known = await state.get(stateKey.start(request.idempotencyKey));
    const conversationId = known ?? (await api.createConversation(body, options?.signal));
    if (!known) await state.set(stateKey.start(request.idempotencyKey), conversationId, { ttlMs: STATE_TTL_MS });
    const assignment = body.assignment as { id?: string } | undefined;
    const wait = await waitEstimate(assignment?.id, warnings);
    return {
      conversationId,
      status: 'queue',
      ...(wait !== undefined ? { estimatedWaitMs: wait } : {}),
      ...withWarnings(warnings),
    };
  };

  /** Uploads each file; one that cannot be fetched or uploaded is sent as its link, with a warning. */
  async function upload(request: SendMessageRequest, warnings: ConnectorWarning[], signal?: AbortSignal) {
    const ids: Array<{ id: string }> = [];
    const links: string[] = [];
    for (const attachment of request.attachments ?? []) {
      try {
        const file = await fetchFile(attachment, settings.requestTimeoutMs, signal);
        ids.push({ id: await uploadFile(settings, request.conversationId, file, signal) });
        uploads++;
      } catch (error) {
        links.push(attachment.url);
        const why = HandoverError.isInstance(error) ? error.message : (error as Error)?.message;
        warnings.push(featureWarning('attachments', `File sent as a link: ${why ?? 'unknown error'}`));
      }
    }
    return { ids, links };
  }

  const send: EightByEightConnector['doSendMessage'] = async (request, options) => {
    if (request.attachments?.length) return sendWithFiles(request, options);
    // The usual message (text only): no upload step, no join, no warnings array; the text as it came.
    if (request.text.trim() === '') return { duplicate: false, warnings: [EMPTY_NOT_SENT()] };
    const body = { authorType: authorTypeOf(request), text: request.text };
    await api.sendMessage(request.conversationId, body, 'send message', options?.signal);
    return { duplicate: false };
  };

  const sendWithFiles: EightByEightConnector['doSendMessage'] = async (request, options) => {
    const warnings: ConnectorWarning[] = [];
    const { ids, links } = await upload(request, warnings, options?.signal);
    const text = [request.text, ...links].filter((t) => t.trim() !== '').join('\n');
    if (!text && ids.length === 0) return { duplicate: false, warnings: [EMPTY_NOT_SENT()] };
    const body: Record<string, unknown> = { authorType: authorTypeOf(request) };
    if (text) body.text = text;
    if (ids.length) body.attachments = ids;
    await api.sendMessage(request.conversationId, body, 'send message', options?.signal);
    return warnings.length ? { duplicate: false, warnings } : { duplicate: false };
  };

  const connector: EightByEightConnector = {
    specificationVersion: SPECIFICATION_VERSION,
    type: '8x8',
    capabilities,
    webhook: createEightByEightWebhook({
      keys,
      state,
      logger,
      now: () => clock.now(),
      maxAgeMs: settings.webhookMaxAgeMs,
      customerId: settings.customerId,
      // A webhook answer should not wait on the metrics API: past 2 s the queue event goes without it.
      estimateWaitMs: (queueId) => withDeadline(waitEstimate(queueId), WEBHOOK_METRICS_DEADLINE_MS),
    }),

    async doCheckAvailability({ routing }, _options) {
      assertCapability(
        capabilities,
        'availability',
        '8x8',
        '8x8 availability needs the API secret (real-time metrics)',
      );
      const queueId = routing.queue ?? settings.queueId;
      if (!queueId)
        throw new HandoverConfigError('8x8 availability needs a queue: set 8x8 Queue Id or routing.queue', [
          { path: 'settings.queueId', message: 'required for availability' },
        ]);
      const m = await metrics(queueId);
      const agents = m['availableIdle.rt'];
      const waiting = m['interactionsWaitInQueue.rt'];
      const wait = m['interactionsAvgWaitTime.int-15m'];
      const available = agents !== undefined && agents > 0;
      return {
        available,
        ...(available ? {} : { reason: agents === undefined ? ('unknown' as const) : ('no-agents' as const) }),
        ...(agents !== undefined ? { agentsAvailable: Math.max(0, Math.floor(agents)) } : {}),
        ...(waiting !== undefined ? { queueLength: Math.max(0, Math.floor(waiting)) } : {}),
        ...(wait !== undefined && wait >= 0 ? { estimatedWaitMs: wait } : {}),
      };
    },

    doStartHandover: oncePerIdempotencyKey(start),

    // A repeated message id within a day is answered from memory, not sent again.
    doSendMessage: oncePerMessage(send, { ttlMs: SENT_TTL_MS, now: () => clock.now() }),

    async doGetStatus({ conversationId }, options) {
      const conversation = await api.getConversation(conversationId, 'get status', options?.signal);
      if (conversation.state === 'idle') {
        const endedBy = await state.get(stateKey.ended(conversationId));
        const closedByBot = await state.get(stateKey.closedByBot(conversationId));
        return { status: endedBy === 'user' || closedByBot ? 'cancelled' : 'completed' };
      }
      const assignment = conversation.assignment ?? undefined;
      if (assignment?.type === 'agent' && assignment.id) return { status: 'active', agent: { id: assignment.id } };
      const warnings: ConnectorWarning[] = [];
      const wait = await waitEstimate(assignment?.type === 'queue' ? assignment.id : undefined, warnings);
      return { status: 'queue', ...(wait !== undefined ? { estimatedWaitMs: wait } : {}), ...withWarnings(warnings) };
    },

    async doCloseHandover({ conversationId, message }, options) {
      const closedKey = stateKey.closedByBot(conversationId);
      if ((await state.get(closedKey)) || (await state.get(stateKey.ended(conversationId))))
        return { alreadyClosed: true };
      const warnings: ConnectorWarning[] = [];
      if (message) {
        try {
          await api.sendMessage(
            conversationId,
            { authorType: 'bot', text: message },
            'send closing note',
            options?.signal,
          );
        } catch (error) {
          warnings.push(featureWarning('closeFromBot', `Closing note not delivered: ${failureReason(error)}`));
        }
      }
      // Marked first: the "user left" webhook this close causes must not come back as an event.
      await state.set(closedKey, 'bot', { ttlMs: STATE_TTL_MS });
      try {
        await api.removeUser(conversationId, options?.signal);
      } catch (error) {
        if (VendorNotFoundError.isInstance(error)) {
          const conversation = await api
            .getConversation(conversationId, 'close handover', options?.signal)
            .catch(() => undefined);
          if (conversation?.state === 'idle') return { alreadyClosed: true, ...withWarnings(warnings) };
        }
        await state.delete(closedKey);
        throw error;
      }
      return { alreadyClosed: false, ...withWarnings(warnings) };
    },

    stats: () => ({ requests: api.requestCount, tokenRequests: api.tokenRequests, keyFetches: keys.fetches, uploads }),

    async dispose() {
      await api.close();
    },
  };
  return connector;
}
