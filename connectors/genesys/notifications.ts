import { HandoverError, type Clock, type ConnectorStateV1, type Logger } from 'handover-kit/contract';
import { BoundedMap, SingleFlight, type HttpClient, parseIdList } from 'handover-kit/connector-utils';
import {
  DETAIL_KINDS,
  MAX_TOPICS,
  connectWithUndici,
  createChannel,
  detailTopics,
  parseChannelMessage,
  queueTopic,
  replaceSubscriptions,
  type ChannelSocket,
  type ConnectSocket,
} from './notification-api';
import type { GenesysConversation } from './vendor-types';

export const LEASE_NAME = 'notifications';
/** The channel lease: renewed every RENEW_MS, so a dead holder is replaced within LEASE_TTL_MS. */
export const LEASE_TTL_MS = 30_000;
export const RENEW_MS = 10_000;
/** Genesys sends `channel.metadata` every 30 s; two missed heartbeats and some slack mean a dead socket. */
export const HEARTBEAT_TIMEOUT_MS = 75_000;
export const MAX_RECONNECT_MS = 60_000;
/** Open the replacement channel this long before the 24 h lifetime runs out. */
export const ROLLOVER_MARGIN_MS = 5 * 60_000;
/** Subscription changes are gathered this long and sent as one PUT. */
export const SUBSCRIBE_BATCH_MS = 500;
/** Conversations one channel can watch topic by topic (no queueId). */
export const MAX_CONVERSATIONS_PER_CHANNEL = Math.floor(MAX_TOPICS / DETAIL_KINDS.length);

const INDEX_KEY = 'notifications:conversations';
const HEALTH_KEY = 'notifications:healthy';
const memberKey = (id: string) => `notifications:c:${id}`;
const MEMBER_TTL_MS = 48 * 3600_000;

export interface NotificationsOptions {
  http: HttpClient;
  clock: Clock;
  logger: Logger;
  state: ConnectorStateV1;
  queueId?: string;
  /** Handlers into the participant tracker (the poller holds what was already reported). */
  track(conversationId: string): void;
  untrackEnded(conversationId: string): void;
  tracked(): string[];
  observe(conversationId: string, conversation: GenesysConversation): void;
  /** One GET of the conversation, fed through `observe` (detail events carry no participant list). */
  refresh(conversationId: string): Promise<void>;
  connect?: ConnectSocket;
}

interface Channel {
  id: string;
  socket: ChannelSocket;
  topics: string[];
  ready: boolean;
  watchdog?: unknown;
  rollover?: unknown;
}

/**
 * The Genesys Notifications API as the source of agent joined / left / ended: one WebSocket channel
 * per provider, held by the gateway instance that owns the `notifications` lease. With a queueId it
 * subscribes one queue topic for all handovers; otherwise three detail-event topics per handover.
 * The set of watched conversations lives in `runtime.state`, so a takeover instance resubscribes.
 * While the channel is healthy the poller skips its polls; when it is down, polling resumes.
 */
export class NotificationsChannel {
  channelsOpened = 0;
  subscriptionRequests = 0;
  /** Frames received (heartbeats included): tests wait on it instead of on time. */
  framesReceived = 0;
  private holder = false;
  private peerHealthy = false;
  private current: Channel | undefined;
  /** The channel being replaced: still delivering until its successor is subscribed. */
  private draining: Channel | undefined;
  private members = new Set<string>();
  /** Consecutive failures to open or keep the channel (sets the reconnect delay). */
  failures = 0;
  private tickTimer: unknown;
  private reconnectTimer: unknown;
  private syncTimer: unknown;
  private disposed = false;
  private opening = false;
  private writes: Promise<void> = Promise.resolve();
  private readonly refreshes = new SingleFlight<void>();
  /** Closed by the bot here: its end is the service's own doing, not an event to report. */
  private readonly muted = new BoundedMap<string, true>(10_000);

  constructor(private readonly o: NotificationsOptions) {}

  /** True when the channel watches this conversation now (its polls are skipped). */
  covers(conversationId: string): boolean {
    // A peer cannot see which handovers the holder fits into its topics: past the limit it polls its own.
    if (!this.holder)
      return this.peerHealthy && (this.o.queueId !== undefined || this.members.size <= MAX_CONVERSATIONS_PER_CHANNEL);
    const topic = this.o.queueId !== undefined ? queueTopic(this.o.queueId) : detailTopics(conversationId)[0]!;
    return [this.current, this.draining].some((ch) => ch?.ready === true && ch.topics.includes(topic));
  }

  get healthy(): boolean {
    return this.holder ? this.current?.ready === true || this.draining?.ready === true : this.peerHealthy;
  }

  get isHolder(): boolean {
    return this.holder;
  }

  start(): void {
    void this.tick();
  }

  /** A handover is watched: record it for whichever instance holds the channel. */
  add(conversationId: string): void {
    this.muted.delete(conversationId);
    if (this.members.has(conversationId)) return;
    this.members.add(conversationId);
    this.write(async () => {
      await this.o.state.set(memberKey(conversationId), '1', { ttlMs: MEMBER_TTL_MS });
      await this.updateIndex((ids) => ids.add(conversationId));
    });
    if (this.holder) this.scheduleSync();
  }

  /** The bot is closing it: deliver nothing more for it (until `add` again, should the close fail). */
  mute(conversationId: string): void {
    this.muted.set(conversationId, true);
  }

  /** A handover is over: forget it everywhere and drop its topics. */
  remove(conversationId: string): void {
    if (!this.members.delete(conversationId)) return;
    this.write(async () => {
      await this.o.state.delete(memberKey(conversationId));
      await this.updateIndex((ids) => ids.delete(conversationId));
    });
    if (this.holder) this.scheduleSync();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    for (const t of [this.tickTimer, this.reconnectTimer, this.syncTimer])
      if (t !== undefined) this.o.clock.clearTimeout(t);
    this.closeChannel();
    await this.writes;
    if (!this.holder) return;
    // Peers start polling at once instead of when the health key expires.
    await this.o.state.delete(HEALTH_KEY).catch(() => undefined);
    await this.o.state.releaseLease(LEASE_NAME).catch(() => undefined);
  }

  /** Lease renewal, state sync and the peers' view of the holder's health, every RENEW_MS. */
  private async tick(): Promise<void> {
    this.tickTimer = undefined;
    if (this.disposed) return;
    try {
      await this.writes;
      const held = await this.o.state.acquireLease(LEASE_NAME, LEASE_TTL_MS);
      if (this.disposed) return;
      if (held !== this.holder)
        this.o.logger.info(
          held ? 'genesys notifications: this instance holds the channel' : 'genesys notifications: lease lost',
          {},
        );
      this.holder = held;
      await this.syncMembers();
      if (held) {
        if (!this.current && this.reconnectTimer === undefined) await this.open();
        else this.scheduleSync();
        if (this.current?.ready) await this.o.state.set(HEALTH_KEY, '1', { ttlMs: LEASE_TTL_MS });
      } else {
        this.closeChannel();
        this.peerHealthy = (await this.o.state.get(HEALTH_KEY)) === '1';
      }
    } catch (error) {
      this.o.logger.warn('genesys notifications: state unavailable; polling', { error: describe(error) });
      this.peerHealthy = false;
    } finally {
      if (!this.disposed) this.tickTimer = this.o.clock.setTimeout(() => void this.tick(), RENEW_MS);
    }
  }

  /** Reads the shared set: adds what others started, repairs our own entries, drops what ended elsewhere. */
  private async syncMembers(): Promise<void> {
    const shared = await this.readIndex();
    for (const id of this.o.tracked()) {
      if (shared.has(id)) continue;
      if ((await this.o.state.get(memberKey(id))) === '1') this.write(() => this.updateIndex((ids) => ids.add(id)));
      else if (this.members.has(id)) {
        this.members.delete(id);
        this.o.untrackEnded(id); // the holder saw it end and removed it
      }
    }
    for (const id of shared) this.members.add(id);
    const tracked = new Set(this.o.tracked());
    for (const id of [...this.members]) if (!shared.has(id) && !tracked.has(id)) this.members.delete(id);
  }

  private async open(): Promise<void> {
    if (this.disposed || !this.holder || this.opening) return;
    this.opening = true;
    try {
      const info = await createChannel(this.o.http, this.o.clock.now());
      if (this.disposed || !this.holder) return;
      this.channelsOpened++;
      if (this.current?.ready) this.draining = this.current;
      const ch: Channel = { id: info.id, topics: [], ready: false, socket: { close() {} } };
      this.current = ch;
      ch.socket = (this.o.connect ?? connectWithUndici)(info.connectUri, {
        open: () => void this.subscribe(ch),
        message: (data) => this.onMessage(ch, data),
        closed: (reason) => this.onClosed(ch, reason),
      });
      this.armWatchdog(ch);
      const rollAt = info.expiresAt - ROLLOVER_MARGIN_MS - this.o.clock.now();
      ch.rollover = this.o.clock.setTimeout(() => void this.rollover(ch), Math.max(rollAt, RENEW_MS));
    } catch (error) {
      this.failed(`channel not created: ${describe(error)}`);
    } finally {
      this.opening = false;
    }
  }

  /** The topics this channel should hold (at most MAX_TOPICS; overflow stays on polling). */
  private wantedTopics(): string[] {
    if (this.o.queueId !== undefined) return [queueTopic(this.o.queueId)];
    const topics: string[] = [];
    for (const id of this.members) {
      if (topics.length + 3 > MAX_TOPICS) break;
      topics.push(...detailTopics(id));
    }
    if (this.members.size > MAX_CONVERSATIONS_PER_CHANNEL) {
      this.o.logger.warn('genesys notifications: topic limit reached; the rest is polled (set queueId to watch all)', {
        conversations: this.members.size,
      });
    }
    return topics;
  }

  private async subscribe(ch: Channel): Promise<void> {
    const topics = this.wantedTopics();
    try {
      this.subscriptionRequests++;
      await replaceSubscriptions(this.o.http, ch.id, topics);
      if (this.current !== ch) return;
      const before = new Set([...ch.topics, ...(this.draining?.topics ?? [])]);
      ch.topics = topics;
      // A change between the start of a handover and its subscription is not notified: read it once.
      for (const t of topics) if (t.endsWith('.user.start') && !before.has(t)) this.refresh(t.split('.')[4]!);
      if (!ch.ready) {
        ch.ready = true;
        this.failures = 0;
        this.closeDraining();
        await this.o.state.set(HEALTH_KEY, '1', { ttlMs: LEASE_TTL_MS });
        this.o.logger.info('genesys notifications channel ready', { channelId: ch.id, topics: topics.length });
      }
    } catch (error) {
      if (this.current === ch) this.failed(`subscribe failed: ${describe(error)}`);
    }
  }

  private scheduleSync(): void {
    if (this.syncTimer !== undefined || !this.current?.ready || this.o.queueId !== undefined) return;
    this.syncTimer = this.o.clock.setTimeout(() => {
      this.syncTimer = undefined;
      const ch = this.current;
      if (ch?.ready && this.wantedTopics().join() !== ch.topics.join()) void this.subscribe(ch);
    }, SUBSCRIBE_BATCH_MS);
  }

  private onMessage(ch: Channel, data: string): void {
    if (this.current !== ch && this.draining !== ch) return;
    this.framesReceived++;
    this.armWatchdog(ch);
    const message = parseChannelMessage(data);
    if (!message) return;
    if (message.kind === 'closing') void this.rollover(ch);
    else if (message.kind === 'conversation') void this.deliver(message.conversation);
    else if (
      message.kind === 'detail' &&
      this.members.has(message.conversationId) &&
      !this.muted.has(message.conversationId)
    )
      this.refresh(message.conversationId);
  }

  private refresh(id: string): void {
    if (this.muted.has(id)) return;
    this.refreshes
      .run(id, () => this.o.refresh(id))
      .promise.catch((error: unknown) => {
        this.o.logger.warn('genesys notifications: conversation read failed', {
          conversationId: id,
          error: describe(error),
        });
      });
  }

  /** A queue-topic snapshot: only conversations handed over by this provider count. */
  private async deliver(conversation: GenesysConversation): Promise<void> {
    const id = conversation.id;
    if (this.muted.has(id)) return;
    if (!this.members.has(id)) {
      if ((await this.o.state.get(memberKey(id)).catch(() => undefined)) !== '1') return;
      this.members.add(id);
    }
    this.o.track(id);
    this.o.observe(id, conversation);
  }

  /** `v2.system.socket_closing` or the 24 h lifetime: open the next channel before this one goes. */
  private async rollover(ch: Channel): Promise<void> {
    if (this.current !== ch || this.disposed) return;
    this.o.logger.info('genesys notifications channel closing; opening a new one', { channelId: ch.id });
    await this.open();
  }

  private onClosed(ch: Channel, reason: string): void {
    this.clearChannelTimers(ch);
    if (this.draining === ch) this.draining = undefined;
    if (this.current !== ch) return;
    this.current = undefined;
    this.failed(reason);
  }

  private failed(reason: string): void {
    this.closeChannel();
    if (this.disposed || !this.holder) return;
    this.failures++;
    const delay = Math.min(1000 * 2 ** (this.failures - 1), MAX_RECONNECT_MS);
    this.o.logger.warn('genesys notifications channel down; polling until it is back', {
      reason,
      reconnectInMs: delay,
    });
    void this.o.state.delete(HEALTH_KEY).catch(() => undefined);
    if (this.reconnectTimer !== undefined) this.o.clock.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = this.o.clock.setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.open();
    }, delay);
  }

  private armWatchdog(ch: Channel): void {
    if (ch.watchdog !== undefined) this.o.clock.clearTimeout(ch.watchdog);
    ch.watchdog = this.o.clock.setTimeout(() => {
      ch.watchdog = undefined;
      if (this.draining === ch) this.closeDraining();
      else if (this.current === ch) {
        this.current = undefined;
        ch.socket.close();
        this.clearChannelTimers(ch);
        this.failed('no heartbeat');
      }
    }, HEARTBEAT_TIMEOUT_MS);
  }

  private closeDraining(): void {
    const old = this.draining;
    this.draining = undefined;
    if (old) this.closeChannel(old);
  }

  private closeChannel(ch = this.current): void {
    if (ch === this.current) this.closeDraining();
    if (!ch) return;
    if (this.current === ch) this.current = undefined;
    this.clearChannelTimers(ch);
    ch.socket.close();
  }

  private clearChannelTimers(ch: Channel): void {
    for (const t of [ch.watchdog, ch.rollover]) if (t !== undefined) this.o.clock.clearTimeout(t);
    ch.watchdog = ch.rollover = undefined;
  }

  private write(fn: () => Promise<void>): void {
    this.writes = this.writes.then(fn).catch((error: unknown) => {
      this.o.logger.warn('genesys notifications: state write failed', { error: describe(error) });
    });
  }

  private async readIndex(): Promise<Set<string>> {
    return new Set(parseIdList(await this.o.state.get(INDEX_KEY)));
  }

  /** Read-modify-write of the shared set; per-conversation keys repair a lost update on the next tick. */
  private async updateIndex(change: (ids: Set<string>) => void): Promise<void> {
    const ids = await this.readIndex();
    change(ids);
    await this.o.state.set(INDEX_KEY, JSON.stringify([...ids]), { ttlMs: MEMBER_TTL_MS });
  }
}

function describe(error: unknown): string {
  return HandoverError.isInstance(error) ? error.message : String(error);
}
