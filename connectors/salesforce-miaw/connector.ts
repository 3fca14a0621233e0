import {
  CAPABILITY_GROUPS,
  HandoverNotFoundError,
  SPECIFICATION_VERSION,
  UnsupportedCapabilityError,
  defineCapabilities,
  type ConnectorRuntime,
  type ConnectorWarning,
} from 'handover-kit/contract';
import {
  BoundedMap,
  SingleFlight,
  connectorEvents,
  connectorFactory,
  oncePerIdempotencyKey,
  oncePerMessage,
  withWarnings,
  featureWarning,
  PeriodicTask,
  type PushConnector,
} from 'handover-kit/connector-utils';
import { MiawApi } from './api';
import { emptyView, mapStreamMessage, type ConversationView, type StreamMessage } from './entries';
import { withLinks } from './messages';
import { salesforceMiawSettingsSchema, type SalesforceMiawSettings } from './schema';
import { MiawState, type ConversationCredentials } from './state';
import { ConversationStream } from './stream';
import { isStatus, stableUuid, startConversation, statusOf } from './start';

export const SALESFORCE_MIAW_CAPABILITIES = defineCapabilities(
  CAPABILITY_GROUPS.handover,
  CAPABILITY_GROUPS.liveAgent,
  ['estimatedWaitTime', 'pushEvents'],
);

const MEMORY = 10_000;

/** `stats()`: request and stream counters. */
export interface SalesforceMiawConnector
  extends PushConnector<'salesforce-miaw', { requests: number; streams: number; connects: number }> {
  /** Re-reads the index of live conversations and takes over the streams nobody owns (also runs on a timer). */
  sweep(): Promise<void>;
}

export const createSalesforceMiawConnector = connectorFactory(
  salesforceMiawSettingsSchema,
  'Salesforce MIAW',
  buildSalesforceMiawConnector,
);

/** A provider from valid settings (`createSalesforceMiawConnector` validates them first). */
function buildSalesforceMiawConnector(
  settings: SalesforceMiawSettings,
  runtime: ConnectorRuntime,
): SalesforceMiawConnector {
  const { clock, logger, providerId } = runtime;
  const api = new MiawApi(settings, clock);
  const state = new MiawState(runtime.state, clock, settings.tokenEncryptionKey);
  const { events, emit } = connectorEvents();
  const streams = new Map<string, ConversationStream>();
  const views = new BoundedMap<string, ConversationView>(MEMORY);
  const ended = new BoundedMap<string, true>(MEMORY);
  const ensuring = new SingleFlight<void>();
  const refreshing = new SingleFlight<boolean>();
  let disposed = false;

  async function credentials(conversationId: string): Promise<ConversationCredentials> {
    const creds = await state.credentials(conversationId);
    if (creds) return creds;
    const hint = state.sharesTokens ? '' : ' (set tokenEncryptionKey so that every gateway instance can use it)';
    throw new HandoverNotFoundError(
      `No access token for this Salesforce conversation on this gateway instance${hint}`,
      { conversationId },
    );
  }

  /** A new token for the same end user: from the identity token (verified users) or a continuation. */
  function refresh(conversationId: string): Promise<boolean> {
    return refreshing.run(conversationId, async () => {
      const creds = await state.credentials(conversationId);
      if (!creds) return false;
      try {
        const fresh = creds.identityToken
          ? await api.accessToken(creds.identityToken)
          : await api.continuationToken(creds.accessToken);
        await state.saveCredentials(conversationId, { ...creds, accessToken: fresh.accessToken });
        return true;
      } catch (error) {
        logger.warn('salesforce-miaw access token could not be renewed', {
          conversationId,
          error: (error as Error)?.message,
        });
        return false;
      }
    }).promise;
  }

  /** Runs `call` with the conversation's token; a 401 renews the token once and repeats (Salesforce did nothing). */
  async function withToken<T>(conversationId: string, call: (token: string) => Promise<T>): Promise<T> {
    // The token in memory without an async step; the shared state only when this process has none.
    const creds = state.knownCredentials(conversationId) ?? (await credentials(conversationId));
    try {
      return await call(creds.accessToken);
    } catch (error) {
      if (!isStatus(error, 401) || !(await refresh(conversationId))) throw error;
      return call((await credentials(conversationId)).accessToken);
    }
  }

  /** The stream owner's view from memory; anyone else reads the shared record (the owner keeps it current). */
  async function viewOf(conversationId: string): Promise<ConversationView> {
    const cached = streams.get(conversationId)?.running ? views.get(conversationId) : undefined;
    return cached ?? (await state.view(conversationId)) ?? emptyView();
  }

  async function finish(conversationId: string): Promise<void> {
    ended.set(conversationId, true);
    const stream = streams.get(conversationId);
    streams.delete(conversationId);
    await stream?.stop(true);
    await state.forget(conversationId);
  }

  async function onMessage(conversationId: string, message: StreamMessage, catchUp = false): Promise<void> {
    const view = await viewOf(conversationId);
    const mapped = mapStreamMessage(message, conversationId, view, {
      forwardEvents: settings.forwardEventsToFlow,
      endChatWhenAgentLeaves: settings.endChatWhenAgentLeaves,
      now: clock.now(),
      catchUp,
    });
    if (!mapped) return;
    views.set(conversationId, mapped.view);
    await state.saveView(conversationId, mapped.view);
    let list = mapped.events;
    // The bot closed it: the service made that end itself and expects no event back.
    if (mapped.view.ended && (await state.closedByBot(conversationId)))
      list = list.filter((e) => e.type !== 'handover-completed');
    emit(list);
    if (mapped.view.ended) await finish(conversationId);
  }

  /** `fresh`: just created here, so the token's cursor covers everything and no catch-up is needed. */
  function ensureStream(conversationId: string, fresh = false): Promise<void> {
    if (disposed || streams.has(conversationId) || ended.has(conversationId)) return Promise.resolve();
    return ensuring
      .run(conversationId, async () => {
        if (!(await state.credentials(conversationId))) return; // another instance has it, or nobody can
        views.delete(conversationId); // a view from an earlier ownership may be stale: read the record
        const stream = new ConversationStream({
          conversationId,
          api,
          state,
          leases: runtime.state,
          clock,
          logger,
          organizationId: settings.organizationId,
          heartbeatTimeoutMs: settings.heartbeatTimeoutMs,
          reconnectBaseMs: settings.reconnectBaseMs,
          leaseMs: settings.streamLeaseMs,
          token: async () => (await state.credentials(conversationId))?.accessToken,
          refreshToken: () => refresh(conversationId),
          onMessage: (message) => onMessage(conversationId, message),
          catchUpFirst: !fresh,
          catchUp: async () => {
            const creds = await state.credentials(conversationId);
            if (!creds) return;
            for (const conversationEntry of await api.listEntries(creds.accessToken, conversationId)) {
              if (ended.has(conversationId)) return;
              await onMessage(conversationId, { data: JSON.stringify({ conversationId, conversationEntry }) }, true);
            }
          },
          onGiveUp: async (code, text) => {
            streams.delete(conversationId);
            emit([
              {
                type: 'handover-error',
                conversationId,
                eventId: `miaw:${conversationId}:${code}:${clock.now()}`,
                occurredAt: clock.now(),
                code,
                message: text,
              },
            ]);
            await finish(conversationId);
          },
        });
        streams.set(conversationId, stream);
        if (!(await stream.start())) streams.delete(conversationId);
      })
      .promise.catch((error: unknown) => {
        // Never a failed call or an unhandled rejection: the next sweep tries again.
        streams.delete(conversationId);
        logger.warn('salesforce-miaw stream could not be started', {
          conversationId,
          error: (error as Error)?.message,
        });
      });
  }

  async function sweep(): Promise<void> {
    if (disposed) return;
    for (const [id, stream] of streams) if (!stream.running) streams.delete(id);
    for (const id of await state.live()) await ensureStream(id);
  }

  // Streams whose owner died are taken over within half a lease.
  const sweeps = new PeriodicTask({
    clock,
    intervalMs: Math.max(50, Math.floor(settings.streamLeaseMs / 2)),
    run: sweep,
    onError: (error) => logger.warn('salesforce-miaw sweep failed', { error: (error as Error)?.message }),
  });

  // A repeat on this instance is answered by `oncePerMessage`; one from another instance gets a 409 here.
  const send: SalesforceMiawConnector['doSendMessage'] = async (request, options) => {
    const { conversationId } = request;
    if (ended.has(conversationId))
      throw new HandoverNotFoundError('The Salesforce conversation has ended; the message was not sent', {
        conversationId,
      });
    // A message without attachments (the usual one) is sent as it is, with no warnings to report.
    const linked = request.attachments?.length ? withLinks(request.text, request.attachments) : undefined;
    const text = linked ? linked.text : request.text;
    if (!text) return { duplicate: false, warnings: [{ type: 'other', message: 'Empty message not sent' }] };
    void ensureStream(conversationId); // a conversation from before a restart is picked up again
    const id = stableUuid(conversationId, request.messageId);
    try {
      await withToken(conversationId, (token) =>
        api.sendText(token, conversationId, { id, text }, { signal: options?.signal }),
      );
    } catch (error) {
      // The same entry id again: Salesforce already has this message (sent by another instance).
      if (isStatus(error, 409)) return { vendorMessageId: id, duplicate: true };
      throw error;
    }
    return linked
      ? { vendorMessageId: id, duplicate: false, ...withWarnings(linked.warnings) }
      : { vendorMessageId: id, duplicate: false };
  };

  const connector: SalesforceMiawConnector = {
    specificationVersion: SPECIFICATION_VERSION,
    type: 'salesforce-miaw',
    capabilities: SALESFORCE_MIAW_CAPABILITIES,
    events,

    async doCheckAvailability() {
      throw new UnsupportedCapabilityError(
        'availability',
        { connectorType: 'salesforce-miaw', providerId },
        'Salesforce MIAW has no agent-availability API for messaging clients; ' +
          'check availability in the Omni-Channel flow ("Check Availability for Routing")',
      );
    },

    doStartHandover: oncePerIdempotencyKey((request, options) =>
      startConversation({ api, state, settings, providerId, viewOf, ensureStream }, request, options),
    ),

    doSendMessage: oncePerMessage(send),

    async doGetStatus({ conversationId }, options) {
      const known = await viewOf(conversationId);
      // Ended: the token is gone with the stream, and the stream already told how it ended.
      if (known.ended || ended.has(conversationId)) return { status: known.outcome ?? 'completed' };
      if (!(await state.credentials(conversationId)) && (await state.view(conversationId))) {
        // Another instance holds the token (no shared key): answer from what its stream recorded.
        const warnings: ConnectorWarning[] = [
          {
            type: 'other',
            message: 'Status from the stream record: this gateway instance has no access token for the conversation',
          },
        ];
        return { ...statusOf(known, undefined), warnings };
      }
      const routingStatus = await withToken(conversationId, (token) =>
        api.routingStatus(token, conversationId, { signal: options?.signal }),
      );
      void ensureStream(conversationId);
      return statusOf(await viewOf(conversationId), routingStatus);
    },

    async doCloseHandover({ conversationId, message }, options) {
      if (
        ended.has(conversationId) ||
        (await state.closedByBot(conversationId)) ||
        (await viewOf(conversationId)).ended
      ) {
        await finish(conversationId);
        return { alreadyClosed: true };
      }
      const warnings: ConnectorWarning[] = [];
      if (message) {
        try {
          await withToken(conversationId, (token) =>
            api.sendText(
              token,
              conversationId,
              { id: stableUuid(conversationId, 'close-note'), text: message },
              { operation: 'send closing note' },
            ),
          );
        } catch (error) {
          warnings.push(featureWarning('closeFromBot', `Closing note not delivered: ${(error as Error).message}`));
        }
      }
      await state.markClosedByBot(conversationId); // first: the close event the stream brings is ours
      let alreadyClosed = false;
      try {
        await withToken(conversationId, (token) =>
          api.closeConversation(token, conversationId, { signal: options?.signal }),
        );
      } catch (error) {
        if (!isStatus(error, 404, 409, 410)) {
          await state.unmarkClosedByBot(conversationId);
          throw error;
        }
        alreadyClosed = true;
      }
      await finish(conversationId);
      return { alreadyClosed, ...withWarnings(warnings) };
    },

    sweep,

    stats: () => ({
      requests: api.requestCount,
      streams: streams.size,
      connects: [...streams.values()].reduce((n, s) => n + s.connects, 0),
    }),

    async dispose() {
      if (disposed) return;
      disposed = true;
      await sweeps.dispose();
      await Promise.all([...streams.values()].map((s) => s.stop(true)));
      streams.clear();
      events.removeAllListeners();
      await api.close();
    },
  };
  sweeps.start();
  return connector;
}
