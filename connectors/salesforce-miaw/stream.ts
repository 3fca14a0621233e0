import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { request } from 'undici';
import type { ConnectorRuntime, ConnectorStateV1 } from 'handover-kit/contract';
import { BoundedMap, parseRetryAfter, HeldLease } from 'handover-kit/connector-utils';
import type { MiawApi } from './api';
import type { MiawState } from './state';

/** Longest wait between reconnects (the sample app's cap). */
export const MAX_RECONNECT_DELAY_MS = 30_000;
/** Consecutive failed connects after which the stream is given up and the handover ends in error. */
export const MAX_CONNECT_FAILURES = 10;
const SEEN_IDS = 2_000;

export interface StreamOptions extends Pick<ConnectorRuntime, 'clock' | 'logger'> {
  conversationId: string;
  api: MiawApi;
  state: MiawState;
  leases: ConnectorStateV1;
  organizationId: string;
  heartbeatTimeoutMs: number;
  reconnectBaseMs: number;
  leaseMs: number;
  /** The current access token, or undefined when this instance has none. */
  token(): Promise<string | undefined>;
  /** After a 401: fetch a new token for the same user; false when that is impossible. */
  refreshToken(): Promise<boolean>;
  /**
   * After every connect: list the conversation's newest entries and handle those the stream missed
   * (in case Salesforce does not replay from `Last-Event-Id`). Runs before the stream's own events.
   */
  catchUp(): Promise<void>;
  /** Also catch up on the first connect (a stream taken over or resumed, not one just started). */
  catchUpFirst: boolean;
  /** One stream message, in order. The cursor is saved after it returns (at-least-once). */
  onMessage(message: EventSourceMessage): Promise<void>;
  /** The stream cannot be kept up (auth lost, too many failures). Called once. */
  onGiveUp(code: string, message: string): Promise<void>;
}

export const streamLease = (conversationId: string) => `stream:${conversationId}`;

/**
 * The server-sent-events stream of one conversation (`GET /eventrouter/v1/sse`), owned by exactly
 * one gateway instance through the lease `stream:<conversationId>`, renewed every third of its
 * time; losing the lease stops the stream here (another instance has it). Bytes are parsed by
 * `eventsource-parser`. Every processed event id is saved as the cursor and sent back as
 * `Last-Event-Id` on reconnect, so a drop loses nothing; ids already processed are skipped if the
 * server repeats them. Reconnects back off 1.5× per failure up to 30 s (Retry-After wins); a stream
 * silent for the heartbeat timeout is reconnected.
 */
export class ConversationStream {
  /** Successful connects (the first included), for tests and benchmarks. */
  connects = 0;
  private stopped = false;
  private controller: AbortController | undefined;
  private failures = 0;
  private authRetried = false;
  private heartbeat: unknown;
  private renewTimer: unknown;
  private reconnectTimer: unknown;
  private readonly seen = new BoundedMap<string, true>(SEEN_IDS);
  /** Events are handled one after the other, across reconnects too (the cursor is read after the last). */
  private chain: Promise<void> = Promise.resolve();

  private readonly lease: HeldLease;

  constructor(private readonly o: StreamOptions) {
    this.lease = new HeldLease(o.leases, streamLease(o.conversationId), o.leaseMs);
  }

  get running(): boolean {
    return !this.stopped;
  }

  /** Takes the lease and connects; false (and nothing started) when another instance owns it. */
  async start(): Promise<boolean> {
    if (!(await this.lease.renew())) {
      this.stopped = true;
      return false;
    }
    this.scheduleRenew();
    void this.connect();
    return true;
  }

  /** Stops reading; `release` hands the lease back at once (otherwise it expires). */
  async stop(release = true): Promise<void> {
    if (this.stopped && !release) return;
    this.stopped = true;
    this.controller?.abort();
    for (const t of [this.heartbeat, this.renewTimer, this.reconnectTimer])
      if (t !== undefined) this.o.clock.clearTimeout(t);
    if (release) await this.lease.release();
  }

  private scheduleRenew(): void {
    this.renewTimer = this.o.clock.setTimeout(
      async () => {
        if (this.stopped) return;
        if (!(await this.lease.renew().catch(() => false))) {
          this.o.logger.warn('salesforce-miaw stream lease lost; another instance owns the stream now', {
            conversationId: this.o.conversationId,
          });
          await this.stop(false);
          return;
        }
        this.scheduleRenew();
      },
      Math.max(1, Math.floor(this.o.leaseMs / 3)),
    );
  }

  private armHeartbeat(controller: AbortController): void {
    if (this.heartbeat !== undefined) this.o.clock.clearTimeout(this.heartbeat);
    this.heartbeat = this.o.clock.setTimeout(
      () => controller.abort(new Error('heartbeat timeout')),
      this.o.heartbeatTimeoutMs,
    );
  }

  private async connect(): Promise<void> {
    this.reconnectTimer = undefined;
    if (this.stopped) return;
    const { conversationId, logger } = this.o;
    const token = await this.o.token();
    if (!token) {
      logger.warn('salesforce-miaw: no access token for this conversation on this instance; not streaming it', {
        conversationId,
      });
      await this.stop(true);
      return;
    }
    await this.chain; // events of the previous connection are handled and their cursor saved first
    const cursor = await this.o.state.cursor(conversationId);
    if (this.stopped) return;
    const controller = new AbortController();
    this.controller = controller;
    this.armHeartbeat(controller);
    let delivered = false;
    let retryAfterMs: number | undefined;
    try {
      const res = await request(this.o.api.sseUrl, {
        method: 'GET',
        headers: {
          accept: 'text/event-stream',
          authorization: `Bearer ${token}`,
          'x-org-id': this.o.organizationId,
          ...(cursor ? { 'last-event-id': cursor } : {}),
        },
        signal: controller.signal,
        dispatcher: this.o.api.streamDispatcher,
      });
      if (res.statusCode === 401 || res.statusCode === 403) {
        await res.body.dump();
        if (!this.authRetried && (await this.o.refreshToken().catch(() => false))) {
          this.authRetried = true;
          return void this.schedule(0);
        }
        return void (await this.giveUp(
          'stream-unauthorized',
          `The stream was refused (${res.statusCode}) and the access token could not be renewed`,
        ));
      }
      if (res.statusCode !== 200) {
        await res.body.dump();
        retryAfterMs = parseRetryAfter(res.headers['retry-after']);
        throw new Error(`stream answered ${res.statusCode}`);
      }
      this.connects++;
      this.authRetried = false;
      if (this.connects > 1 || this.o.catchUpFirst)
        this.chain = this.chain.then(() =>
          this.o.catchUp().catch((error: unknown) => {
            logger.warn('salesforce-miaw catch-up failed', { conversationId, error: (error as Error)?.message });
          }),
        );
      const parser = createParser({
        onEvent: (message) => {
          delivered = true;
          this.chain = this.chain.then(() => this.handle(message));
        },
        // A comment is the server's keep-alive: the connection works, even without events.
        onComment: () => {
          delivered = true;
        },
      });
      const decoder = new TextDecoder();
      for await (const chunk of res.body) {
        this.armHeartbeat(controller);
        parser.feed(decoder.decode(chunk as Uint8Array, { stream: true }));
        if (this.stopped) break;
      }
      await this.chain;
    } catch (error) {
      if (this.stopped) return;
      logger.debug('salesforce-miaw stream dropped', { conversationId, error: (error as Error)?.message });
    } finally {
      if (this.heartbeat !== undefined) this.o.clock.clearTimeout(this.heartbeat);
      this.heartbeat = undefined;
    }
    if (this.stopped) return;
    this.failures = delivered ? 0 : this.failures + 1;
    if (this.failures >= MAX_CONNECT_FAILURES) {
      await this.giveUp('stream-lost', `The Salesforce event stream failed ${this.failures} times in a row`);
      return;
    }
    const backoff = Math.min(this.o.reconnectBaseMs * 1.5 ** this.failures, MAX_RECONNECT_DELAY_MS);
    this.schedule(retryAfterMs ?? backoff);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.reconnectTimer = this.o.clock.setTimeout(() => void this.connect(), delayMs);
  }

  private async handle(message: EventSourceMessage): Promise<void> {
    if (this.stopped) return;
    if (message.id && this.seen.has(message.id)) return; // the server repeated what we already processed
    try {
      await this.o.onMessage(message);
    } catch (error) {
      this.o.logger.error('salesforce-miaw stream event failed', {
        conversationId: this.o.conversationId,
        event: message.event,
        error: (error as Error)?.message,
      });
    }
    if (message.id) {
      this.seen.set(message.id, true);
      await this.o.state.saveCursor(this.o.conversationId, message.id).catch(() => undefined);
    }
  }

  private async giveUp(code: string, message: string): Promise<void> {
    await this.stop(true);
    await this.o.onGiveUp(code, message).catch(() => undefined);
  }
}
