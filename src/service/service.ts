import {
  UnsupportedCapabilityError,
  isLiveStatus,
  parseOrThrow,
  toHandoverError,
  type Clock,
  type CloseReason,
  type HandoverConnectorV1,
  type HandoverStatus,
  type Logger,
} from '../contract';
import { systemClock } from '../clock';
import type { Delivery, DeliveryItem } from '../delivery';
import { silentLogger } from '../logger';
import type { ProviderRegistry } from '../registry';
import { MemoryScheduler, type Scheduler } from '../scheduler';
import { newId } from '../util/ids';
import { retryWithBackoff } from '../connector-utils/retry';
import { address } from './apply';
import { ServiceContext, toView } from './context';
import { EventProcessor, type IngestResult } from './events';
import { runTimer, type TimerHooks } from './timers';
import { assignmentExpired, endedUnderUs } from './ending';
import { routingFor, tryProviders } from './start';
import {
  availabilityInputSchema,
  closeHandoverInputSchema,
  getHandoverInputSchema,
  sessionKeyOf,
  setInactivityInputSchema,
  startHandoverInputSchema,
  userMessageInputSchema,
  type AvailabilityInput,
  type AvailabilityOutcome,
  type CloseHandoverInput,
  type CloseHandoverOutcome,
  type GetHandoverInput,
  type HandoverApi,
  type HandoverBehaviour,
  type HandoverRecord,
  type HandoverView,
  type SetInactivityInput,
  type SetInactivityOutcome,
  type StartHandoverInput,
  type StartHandoverOutcome,
  type UserMessageInput,
  type UserMessageOutcome,
} from '../model';

export interface HandoverServiceOptions {
  registry: ProviderRegistry;
  delivery: Delivery;
  clock?: Clock;
  /** Defaults to in-memory timers on `clock`. */
  scheduler?: Scheduler;
  logger?: Logger;
  /** How long an event id is remembered for dedupe (default 24 h). */
  dedupeTtlMs?: number;
  /** How long to wait for a missing event in a sequence before moving on (default 5 s). */
  reorderGapMs?: number;
  /** Deadline for each contact-center call (default 10 s; Cognigy gives a node 20 s in all). */
  callTimeoutMs?: number;
  /** Time a whole start may take, fallbacks included (default 15 s): no provider is tried after it. */
  startBudgetMs?: number;
  /** The wait for an agent when neither the node nor the provider sets one (default 600 s; 0: for ever). */
  assignmentTimeoutSec?: number;
  /** Texts sent to the agent when the user joins / leaves the chat. */
  presenceTexts?: { connected: string; disconnected: string };
}

const MESSAGE_DEDUPE_MS = 86_400_000;

const DEFAULT_PRESENCE = { connected: 'User joined the conversation', disconnected: 'User left the conversation' };

/**
 * The orchestration nodes and the gateway both call: idempotent start with fallback, message
 * relay, status, close, inactivity, and the consumption of connector events into deliveries.
 */
export class HandoverService implements HandoverApi {
  readonly registry: ProviderRegistry;
  private readonly ctx: ServiceContext;
  private readonly events: EventProcessor;
  private readonly presence: { connected: string; disconnected: string };
  private readonly behaviours = new Map<string, HandoverBehaviour>();
  private readonly startBudgetMs: number;
  private readonly unsubscribe: () => void;
  private readonly timerHooks: TimerHooks = {
    autoClose: (r, reason) => this.endFromService(r, reason),
    assignmentExpired: (r) => assignmentExpired(this.ctx, this.startBudgetMs, r),
  };

  constructor(options: HandoverServiceOptions) {
    const clock = options.clock ?? systemClock;
    this.registry = options.registry;
    const scheduler = options.scheduler ?? new MemoryScheduler(clock);
    this.ctx = new ServiceContext(
      options.registry,
      options.registry.store,
      options.delivery,
      scheduler,
      clock,
      options.logger ?? silentLogger,
      options.callTimeoutMs ?? 10_000,
    );
    this.events = new EventProcessor(this.ctx, options.dedupeTtlMs ?? 86_400_000, options.reorderGapMs ?? 5_000);
    this.presence = options.presenceTexts ?? DEFAULT_PRESENCE;
    this.startBudgetMs = options.startBudgetMs ?? 15_000;
    this.ctx.defaultAssignmentTimeoutMs = (options.assignmentTimeoutSec ?? 600) * 1000;
    scheduler.setHandler((job) =>
      runTimer(this.ctx, this.events, this.timerHooks, job).catch((error) =>
        this.ctx.logger.error('timer failed', {
          kind: job.kind,
          handoverId: job.handoverId,
          error: toHandoverError(error).toJSON(),
        }),
      ),
    );
    // Connectors that push events in-process (the simulated center, Genesys' participant polling)
    // feed straight into ingest: those created before this service too, and every one created later.
    const detach = new Map<string, () => void>();
    const onConnector = (providerId: string, connector: HandoverConnectorV1) => {
      detach.get(providerId)?.(); // a replaced connector's listener goes with it
      detach.delete(providerId);
      const events = connector.events;
      if (!events) return;
      const handler = (event: unknown) => {
        void this.ingest(providerId, [event]).catch((error) =>
          this.ctx.logger.error('event ingest failed', { providerId, error: toHandoverError(error).toJSON() }),
        );
      };
      events.on('event', handler);
      detach.set(providerId, () => events.off('event', handler));
    };
    for (const [providerId, connector] of options.registry.liveConnectors()) onConnector(providerId, connector);
    options.registry.on('connector', onConnector);
    this.unsubscribe = () => {
      options.registry.off('connector', onConnector);
      for (const off of detach.values()) off();
      detach.clear();
    };
  }

  get store() {
    return this.ctx.store;
  }

  async checkAvailability(input: AvailabilityInput): Promise<AvailabilityOutcome> {
    const req = parseOrThrow(availabilityInputSchema, input, 'availability request');
    const connector = await this.ctx.connector(req.providerId);
    if (!connector.capabilities.availability)
      throw new UnsupportedCapabilityError('availability', {
        connectorType: connector.type,
        providerId: req.providerId,
      });
    const { routing } = routingFor(connector.type, req);
    const result = await this.ctx.call('checkAvailability', req.providerId, (signal) =>
      connector.doCheckAvailability({ routing }, { signal }),
    );
    return { ...result, providerId: req.providerId };
  }

  async startHandover(input: StartHandoverInput): Promise<StartHandoverOutcome> {
    const req = parseOrThrow(startHandoverInputSchema, input, 'handover request');
    const chain = [...new Set([req.providerId, ...req.fallbackProviderIds])];
    // An unknown provider is a typed error before anything starts.
    for (const id of chain) await this.registry.capabilitiesOf(id);
    const now = this.ctx.clock.now();
    const record: HandoverRecord = {
      id: newId('ho'),
      version: 1,
      providerId: chain[0]!,
      session: req.session,
      status: 'queue',
      createdAt: now,
      updatedAt: now,
      behaviour: this.intern(req.behaviour),
    };
    if (req.user && (req.user.id !== undefined || Object.keys(req.user).length > 0))
      record.user = { id: req.session.userId, ...req.user };
    let existing = await this.ctx.store.insertHandover(record);
    if (existing && !existing.conversationId && now - existing.createdAt > 2 * this.startBudgetMs) {
      // A start that never finished (its gateway instance died mid-call): end it, then start afresh.
      await this.ctx.commit(existing.id, (r) =>
        r.conversationId || !isLiveStatus(r.status)
          ? undefined
          : {
              ...r,
              status: 'error',
              error: { reason: 'error', message: 'The start was interrupted', code: 'timeout' },
            },
      );
      existing = await this.ctx.store.insertHandover(record);
    }
    if (existing) return { handover: toView(existing), alreadyInProgress: true };

    const outcome = await this.ctx.queue.run(record.id, () =>
      tryProviders(this.ctx, this.startBudgetMs, record, chain, req),
    );
    // Events that beat the start call's answer were parked; replay them now (outside the queue slot).
    if (outcome.handover.status !== 'error') {
      const stored = await this.ctx.store.getHandover(record.id);
      if (stored?.conversationId) await this.events.drainOrphans(stored.providerId, stored.conversationId);
      return { handover: toView((await this.ctx.store.getHandover(record.id)) ?? stored!), alreadyInProgress: false };
    }
    return outcome;
  }

  async sendUserMessage(input: UserMessageInput): Promise<UserMessageOutcome> {
    const req = parseOrThrow(userMessageInputSchema, input, 'user message');
    const found = await this.ctx.store.findHandoverBySession(sessionKeyOf(req.session));
    if (!found || !isLiveStatus(found.status))
      return { forwarded: false, duplicate: false, handover: found ? toView(found) : null };
    return this.ctx.queue.run(found.id, async () => {
      const record = await this.ctx.store.getHandover(found.id);
      if (!record || !isLiveStatus(record.status) || !record.conversationId)
        return { forwarded: false, duplicate: false, handover: record ? toView(record) : null };
      if (record.status === 'queue' && wantsCancel(record.behaviour.cancel, req.text, req.intent)) {
        const { after } = await this.end(record, 'user-cancelled', true);
        return { forwarded: false, duplicate: false, cancelled: true, handover: toView(after) };
      }
      const messageId = req.messageId ?? newId('msg');
      const seenKey = `msg:${record.id}:${messageId}`;
      const store = this.ctx.store;
      // Marked once the contact center has it, not before: a crash mid-send leaves the message to
      // Cognigy's retry (sending is idempotent per message id), instead of dropping the retry as seen.
      const markAfter = store.isSeen !== undefined;
      const seen = markAfter ? await store.isSeen!(seenKey) : !(await store.markSeen(seenKey, MESSAGE_DEDUPE_MS));
      if (seen) return { forwarded: true, duplicate: true, handover: toView(record) };
      let text = req.text;
      let kind: 'user' | 'system' = 'user';
      // Nothing to say (an empty input, a bare channel event): the agent gets nothing, the bot stays quiet.
      if (!req.presence && text.trim() === '' && !req.attachments?.length)
        return { forwarded: true, duplicate: false, handover: toView(record) };
      if (req.presence) {
        const enabled =
          req.presence === 'connected' ? record.behaviour.userConnectsMessage : record.behaviour.userDisconnectsMessage;
        if (!enabled) return { forwarded: true, duplicate: false, handover: toView(record) };
        text = this.presence[req.presence];
        kind = 'system';
      }
      try {
        const connector = await this.ctx.connector(record.providerId);
        // Sending is idempotent per message id, so a passing failure (5xx, 429, timeout) is retried
        // briefly here rather than losing the user's message.
        const sent = await retryWithBackoff(
          () =>
            this.ctx.call('sendMessage', record.providerId, (signal) =>
              connector.doSendMessage(
                {
                  conversationId: record.conversationId!,
                  messageId,
                  user: record.user ?? { id: record.session.userId },
                  text,
                  kind,
                  ...(req.attachments ? { attachments: req.attachments } : {}),
                },
                { signal },
              ),
            ),
          { maxAttempts: 3, baseDelayMs: 200, maxDelayMs: 2_000 },
        );
        if (markAfter) await store.markSeen(seenKey, MESSAGE_DEDUPE_MS);
        const updated = await this.touchAfterUserMessage(record, kind === 'user');
        const reply = kind === 'user' && updated.status === 'queue' ? record.behaviour.repeatMessage : undefined;
        return { forwarded: true, duplicate: sent.duplicate, handover: toView(updated), ...(reply ? { reply } : {}) };
      } catch (error) {
        if (!markAfter) await store.forgetSeen(seenKey);
        const e = toHandoverError(error);
        // The end race: the agent closed while this message was on its way and the contact center
        // refused it. It goes back to the flow (the bot answers) with the handover's one end.
        const ended = await endedUnderUs(this.ctx, record);
        if (ended) return { forwarded: false, duplicate: false, returned: true, handover: toView(ended) };
        throw e;
      }
    });
  }

  async getHandover(input: GetHandoverInput): Promise<HandoverView | null> {
    const req = parseOrThrow(getHandoverInputSchema, input, 'handover lookup');
    const record =
      'handoverId' in req
        ? await this.ctx.store.getHandover(req.handoverId)
        : await this.ctx.store.findHandoverBySession(sessionKeyOf(req.session));
    return record ? toView(record) : null;
  }

  async closeHandover(input: CloseHandoverInput): Promise<CloseHandoverOutcome> {
    const req = parseOrThrow(closeHandoverInputSchema, input, 'close request');
    const found = await this.ctx.store.findHandoverBySession(sessionKeyOf(req.session));
    if (!found || !isLiveStatus(found.status)) return { closed: false, handover: found ? toView(found) : null };
    return this.ctx.queue.run(found.id, async () => {
      const record = await this.ctx.store.getHandover(found.id);
      if (!record || !isLiveStatus(record.status)) return { closed: false, handover: record ? toView(record) : null };
      const { after, providerError } = await this.end(record, req.reason, req.closeInProvider, req.message);
      return { closed: true, handover: toView(after), ...(providerError ? { providerError } : {}) };
    });
  }

  async setInactivity(input: SetInactivityInput): Promise<SetInactivityOutcome> {
    const req = parseOrThrow(setInactivityInputSchema, input, 'inactivity timer');
    const found = await this.ctx.store.findHandoverBySession(sessionKeyOf(req.session));
    if (!found || !isLiveStatus(found.status)) return { armed: false, handover: found ? toView(found) : null };
    const timeoutMs = Math.round(req.minutes * 60_000);
    // One expiry per arming, as Cognigy's: the flow re-arms it (the documented recipe does). 0 disarms.
    const committed = await this.ctx.queue.run(found.id, () =>
      this.ctx.commit(found.id, (r) =>
        !isLiveStatus(r.status)
          ? undefined
          : timeoutMs <= 0
            ? { ...r, inactivity: r.inactivity ? { ...r.inactivity, timeoutMs: 0, dueAt: undefined } : undefined }
            : {
                ...r,
                inactivity: {
                  timeoutMs,
                  count: r.inactivity?.count ?? 0,
                  dueAt: this.ctx.clock.now() + timeoutMs,
                  ...(req.autoCloseAfter ? { autoCloseAfter: req.autoCloseAfter } : {}),
                },
              },
      ),
    );
    return committed ? { armed: true, handover: toView(committed.after) } : { armed: false, handover: toView(found) };
  }

  /** Feeds connector events (parsed webhooks, pushed events) into the handovers they belong to. */
  ingest(providerId: string, events: readonly unknown[]): Promise<IngestResult> {
    return this.ctx.queue.track(this.events.ingest(providerId, events));
  }

  /** Resolves when no event, timer or call is being processed (tests and graceful shutdown). */
  idle(): Promise<void> {
    return this.ctx.queue.idle();
  }

  async close(): Promise<void> {
    this.unsubscribe();
    await this.idle();
    await this.ctx.scheduler.close();
  }

  /** Closes at the vendor (best effort) and ends the record. Caller holds the handover's queue slot. */
  private async end(
    record: HandoverRecord,
    reason: CloseReason,
    closeInProvider: boolean,
    message?: string,
    deliveries?: (after: HandoverRecord) => DeliveryItem[],
  ) {
    let providerError: { code: string; message: string } | undefined;
    if (closeInProvider && record.conversationId) {
      try {
        const connector = await this.ctx.connector(record.providerId);
        if (connector.capabilities.closeFromBot) {
          await this.ctx.call('closeHandover', record.providerId, (signal) =>
            connector.doCloseHandover(
              { conversationId: record.conversationId!, reason, ...(message ? { message } : {}) },
              { signal },
            ),
          );
        } else {
          providerError = {
            code: 'unsupported_capability',
            message:
              `Provider "${record.providerId}" cannot close the conversation from the bot side; the ` +
              `agent closes it there`,
          };
          this.ctx.logger.info('connector cannot close from the bot side; ending locally', {
            handoverId: record.id,
            providerId: record.providerId,
          });
        }
      } catch (error) {
        const e = toHandoverError(error);
        providerError = { code: e.code, message: e.message };
        this.ctx.logger.error('closing at the contact center failed; the user is back with the bot', {
          handoverId: record.id,
          error: e.toJSON(),
        });
      }
    }
    const status: HandoverStatus = reason === 'user-cancelled' ? 'cancelled' : 'completed';
    const committed = await this.ctx.commit(
      record.id,
      (r) =>
        isLiveStatus(r.status)
          ? { ...r, status, inactivity: undefined, idleDueAt: undefined, pending: undefined }
          : undefined,
      deliveries,
    );
    const after = committed?.after ?? (await this.ctx.store.getHandover(record.id)) ?? record;
    return { after, providerError, ended: committed !== undefined };
  }

  /** Auto-close by a timer: the flow is not running, so the end is delivered as an event (with the end). */
  private async endFromService(record: HandoverRecord, reason: 'inactivity' | 'timeout') {
    await this.end(record, reason, true, undefined, (after) => [
      {
        type: 'event',
        id: `${record.id}:auto-close`,
        ...address(after),
        handover: {
          status: after.status,
          data: { by: 'timeout', reason },
          handoverId: after.id,
          providerId: after.providerId,
        },
      },
    ]);
  }

  /** A user message resets the inactivity count and timer, and the idle timer. */
  private async touchAfterUserMessage(record: HandoverRecord, fromUser: boolean): Promise<HandoverRecord> {
    const idle = record.behaviour.idleTimeoutMinutes;
    if (!fromUser || (!record.inactivity && !idle)) return record;
    const now = this.ctx.clock.now();
    const committed = await this.ctx.commit(record.id, (r) => ({
      ...r,
      // The user wrote: the count starts again and an armed (or expired) timer restarts.
      ...(r.inactivity
        ? {
            inactivity: {
              ...r.inactivity,
              count: 0,
              dueAt: r.inactivity.timeoutMs > 0 ? now + r.inactivity.timeoutMs : undefined,
            },
          }
        : {}),
      ...(idle ? { idleDueAt: now + idle * 60_000 } : {}),
    }));
    return committed?.after ?? record;
  }

  /** Identical node configs share one behaviour object (memory per handover stays small). */
  private intern(behaviour: HandoverBehaviour): HandoverBehaviour {
    const key = JSON.stringify(behaviour);
    const known = this.behaviours.get(key);
    if (known) return known;
    if (this.behaviours.size > 1000) this.behaviours.clear();
    const frozen = Object.freeze(behaviour);
    this.behaviours.set(key, frozen);
    return frozen;
  }
}

/** A cancel intent matches exactly; a cancel text matches the message ignoring case and outer spaces. */
function wantsCancel(cancel: HandoverBehaviour['cancel'], text: string, intent: string | undefined): boolean {
  if (!cancel) return false;
  if (cancel.intent && intent === cancel.intent) return true;
  return !!cancel.text && text.trim().toLowerCase() === cancel.text.trim().toLowerCase();
}
