import type { Agent, ConnectorRuntime, HandoverEvent } from 'handover-kit/contract';
import {
  conversationGoneEvent,
  errorForLog,
  rateLimitedUntil,
  NotFoundStreaks,
  BoundedMap,
  MAX_POLLED,
} from 'handover-kit/connector-utils';
import type { GenesysApi } from './api';
import { diffSnapshot, newTrackState, type TrackState } from './participants';
import type { GenesysConversation } from './vendor-types';

/** Longest wait between polls after repeated errors (or the interval, if that is longer). */
export const MAX_POLL_BACKOFF_MS = 60_000;
const ENDED_MEMORY = 10_000;

export { NOT_FOUND_LIMIT, MAX_POLLED as MAX_TRACKED } from 'handover-kit/connector-utils';

export interface PollerOptions extends Pick<ConnectorRuntime, 'clock' | 'logger'> {
  api: GenesysApi;
  intervalMs: number;
  emit(events: HandoverEvent[]): void;
  maxTracked?: number;
  /** True while another source (the notifications channel) covers this conversation: its poll is skipped. */
  skip?(conversationId: string): boolean;
  /** Told when a conversation starts or stops being watched (`ended` when it is over for good). */
  onTrack?(conversationId: string): void;
  onUntrack?(conversationId: string, ended: boolean): void;
}

interface Tracked {
  id: string;
  state: TrackState;
  timer?: unknown;
  failures: number;
}

/**
 * The open-messaging webhook never says that an agent joined or that the conversation ended, so
 * each live handover this instance started is polled (GET the conversation) on the runtime clock:
 * one request per handover per interval, exponential backoff on errors, a shared pause on 429
 * (the rate limit is per token). Stops at the end of the handover, on close from the bot and on
 * dispose.
 */
export class ParticipantPoller {
  /** Poll requests sent (the benchmark reports them apart from relayed messages). */
  polls = 0;
  private readonly tracked = new Map<string, Tracked>();
  private readonly ended = new BoundedMap<string, true>(ENDED_MEMORY);
  private readonly notFound = new NotFoundStreaks(MAX_POLLED);
  private pausedUntil = 0;
  private disposed = false;

  constructor(private readonly options: PollerOptions) {}

  get size(): number {
    return this.tracked.size;
  }

  /** Starts polling a conversation (no-op when already polled or known to have ended). */
  track(conversationId: string): void {
    if (this.disposed || this.tracked.has(conversationId) || this.ended.has(conversationId)) return;
    if (this.tracked.size >= (this.options.maxTracked ?? MAX_POLLED)) {
      this.options.logger.warn('genesys poller is full; agent joined / ended will not be detected for this handover', {
        conversationId,
        tracked: this.tracked.size,
      });
      return;
    }
    const t: Tracked = { id: conversationId, state: newTrackState(), failures: 0 };
    this.tracked.set(conversationId, t);
    this.schedule(t, this.options.intervalMs);
    this.options.onTrack?.(conversationId);
  }

  /** Stops polling (closed from the bot side: no event for an end the service made itself). */
  untrack(conversationId: string, ended = false): void {
    const t = this.tracked.get(conversationId);
    if (t?.timer !== undefined) this.options.clock.clearTimeout(t.timer);
    this.tracked.delete(conversationId);
    this.notFound.reset(conversationId);
    if (ended) this.ended.set(conversationId, true);
    if (t || ended) this.options.onUntrack?.(conversationId, ended);
  }

  /** Conversations watched now. */
  ids(): string[] {
    return [...this.tracked.keys()];
  }

  isTracked(conversationId: string): boolean {
    return this.tracked.has(conversationId);
  }

  /** True once this instance saw the conversation end (or closed it). */
  hasEnded(conversationId: string): boolean {
    return this.ended.has(conversationId);
  }

  /** The agent last seen connected, for naming the author of webhook messages. */
  currentAgent(conversationId: string): Agent | undefined {
    const joined = this.tracked.get(conversationId)?.state.joined;
    return joined && joined.size > 0 ? [...joined.values()].at(-1) : undefined;
  }

  /** Feeds a snapshot fetched elsewhere (doGetStatus) through the same change detection. */
  observe(conversationId: string, conversation: GenesysConversation): void {
    const t = this.tracked.get(conversationId);
    if (t) this.apply(t, conversation);
  }

  dispose(): void {
    this.disposed = true;
    for (const t of this.tracked.values()) if (t.timer !== undefined) this.options.clock.clearTimeout(t.timer);
    this.tracked.clear();
  }

  private apply(t: Tracked, conversation: GenesysConversation): void {
    const events = diffSnapshot(t.id, conversation, t.state, this.options.clock.now());
    if (t.state.ended) this.untrack(t.id, true);
    if (events.length > 0) this.options.emit(events);
  }

  private schedule(t: Tracked, delayMs: number): void {
    const wait = Math.max(delayMs, this.pausedUntil - this.options.clock.now());
    t.timer = this.options.clock.setTimeout(() => void this.poll(t), wait);
  }

  private async poll(t: Tracked): Promise<void> {
    t.timer = undefined;
    if (this.disposed || this.tracked.get(t.id) !== t) return;
    if (this.options.skip?.(t.id)) return this.schedule(t, this.options.intervalMs);
    this.polls++;
    try {
      const conversation = await this.options.api.getConversation(t.id, {
        operation: 'poll participants',
        retry: false,
      });
      if (this.disposed || this.tracked.get(t.id) !== t) return;
      t.failures = 0;
      this.notFound.reset(t.id);
      this.apply(t, conversation);
      if (this.tracked.get(t.id) === t) this.schedule(t, this.options.intervalMs);
    } catch (error) {
      if (this.disposed || this.tracked.get(t.id) !== t) return;
      this.failed(t, error);
    }
  }

  private failed(t: Tracked, error: unknown): void {
    const { clock, intervalMs, logger } = this.options;
    t.failures++;
    if (this.notFound.isGone(t.id, error)) {
      this.untrack(t.id, true);
      logger.warn('genesys conversation is gone; ending the handover with an error', { conversationId: t.id });
      const gone = { code: 'conversation-not-found', message: 'The Genesys conversation no longer exists' };
      this.options.emit([conversationGoneEvent('genesys', t.id, clock.now(), gone)]);
      return;
    }
    this.pausedUntil = Math.max(this.pausedUntil, rateLimitedUntil(error, clock.now(), intervalMs * 2) ?? 0);
    const backoff = Math.min(intervalMs * 2 ** t.failures, Math.max(MAX_POLL_BACKOFF_MS, intervalMs));
    logger.warn('genesys participant poll failed; backing off', {
      conversationId: t.id,
      failures: t.failures,
      nextPollMs: backoff,
      error: errorForLog(error),
    });
    this.schedule(t, backoff);
  }
}
