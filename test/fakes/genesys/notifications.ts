import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FakeConversation, FakeParticipant } from './model';
import { acceptUpgrade, type FakeSocket } from './websocket';

/**
 * The fake's Notifications API: channels (24 h, 20 per client), topic subscriptions (1,000 per
 * channel), one WebSocket per channel on the same server with `channel.metadata` heartbeats and
 * `v2.system.socket_closing`, and topic events when an agent joins, leaves or ends a conversation.
 */

export const MAX_CHANNELS = 20;
export const MAX_TOPICS = 1000;
const LIFETIME_MS = 24 * 3600_000;

export interface FakeChannel {
  id: string;
  topics: Set<string>;
  expires: string;
  sockets: FakeSocket[];
}

type Answer = { status: number; body?: unknown; error?: { code: string; message: string } };

export class FakeNotifications {
  readonly channels = new Map<string, FakeChannel>();
  /** False → creating a channel answers 403 (the OAuth client lacks the notifications scope). */
  permitted = true;
  /** Each socket close, with the topics then held by other connected channels (rollover order). */
  readonly closes: Array<{ channelId: string; otherTopics: string[] }> = [];
  /** Frames sent to clients (topic names), in order. */
  readonly sent: string[] = [];

  constructor(
    private readonly queueId: string,
    private readonly baseUrl: () => string,
  ) {}

  createChannel(): Answer {
    if (!this.permitted)
      return {
        status: 403,
        error: { code: 'missing.permissions', message: 'You are missing the following permission(s): notifications' },
      };
    if (this.channels.size >= MAX_CHANNELS)
      return { status: 400, error: { code: 'bad.request', message: `Channel limit of ${MAX_CHANNELS} reached` } };
    const id = `streaming-0-${randomBytes(12).toString('hex')}`;
    const expires = new Date(Date.now() + LIFETIME_MS).toISOString();
    this.channels.set(id, { id, topics: new Set(), expires, sockets: [] });
    return {
      status: 200,
      body: { id, connectUri: `${this.baseUrl().replace(/^http/, 'ws')}/channels/${id}`, expires },
    };
  }

  /** GET / PUT (replace) / POST (add) / DELETE (remove all) …/channels/{id}/subscriptions. */
  subscriptions(method: string, channelId: string, body: unknown): Answer {
    const ch = this.channels.get(channelId);
    if (!ch) return { status: 404, error: { code: 'not.found', message: 'The requested channel could not be found.' } };
    if (method === 'GET') return { status: 200, body: this.listing(ch) };
    if (method === 'DELETE') {
      ch.topics.clear();
      return { status: 200 };
    }
    if (!Array.isArray(body) || body.some((t) => typeof t?.id !== 'string'))
      return { status: 400, error: { code: 'bad.request', message: 'Expected [{id}]' } };
    const topics = body.map((t: { id: string }) => t.id);
    const invalid = topics.find((t) => !this.validTopic(t));
    if (invalid) return { status: 400, error: { code: 'bad.request', message: `Invalid topic ${invalid}` } };
    const next = method === 'PUT' ? new Set(topics) : new Set([...ch.topics, ...topics]);
    if (next.size > MAX_TOPICS)
      return { status: 400, error: { code: 'bad.request', message: `A channel holds at most ${MAX_TOPICS} topics` } };
    ch.topics = next;
    return { status: 200, body: this.listing(ch) };
  }

  upgrade(req: IncomingMessage, socket: Duplex): void {
    const ch = this.channels.get(/^\/channels\/([^/?]+)/.exec(req.url ?? '')?.[1] ?? '');
    if (!ch) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
      return;
    }
    const ws = acceptUpgrade(req, socket, () => {
      ch.sockets.splice(ch.sockets.indexOf(ws!), 1);
      const others = [...this.channels.values()].filter((c) => c !== ch && c.sockets.some((s) => !s.closed));
      this.closes.push({ channelId: ch.id, otherTopics: others.flatMap((c) => [...c.topics]) });
    });
    if (ws) ch.sockets.push(ws);
  }

  /** Open sockets across channels. */
  openSockets(): Array<{ channel: FakeChannel; socket: FakeSocket }> {
    return [...this.channels.values()].flatMap((channel) =>
      channel.sockets.filter((s) => !s.closed).map((socket) => ({ channel, socket })),
    );
  }

  heartbeat(): void {
    this.broadcast(() => true, 'channel.metadata', { message: 'WebSocket Heartbeat' });
  }

  /** Genesys announces a socket going away (maintenance) about a minute ahead. */
  socketClosing(): void {
    this.broadcast(() => true, 'v2.system.socket_closing', { message: 'Socket closing' });
  }

  /** A frame as is (malformed input tests). */
  sendRaw(text: string): void {
    for (const { socket } of this.openSockets()) socket.send(text);
  }

  /** Every socket drops without a close frame. */
  dropSockets(): void {
    for (const { socket } of this.openSockets()) socket.terminate();
  }

  /** What subscribers of this conversation see after a change. */
  publish(
    c: FakeConversation,
    kinds: Array<{ kind: 'user.start' | 'user.end' | 'customer.end'; participant: FakeParticipant }>,
  ): void {
    const queue = `v2.routing.queues.${this.queueId}.conversations.messages`;
    this.broadcast((ch) => ch.topics.has(queue), queue, {
      id: c.id,
      participants: c.participants.map((p) => ({
        id: p.id,
        name: p.name,
        purpose: p.purpose,
        state: p.state,
        connectedTime: p.connectedTime,
        endTime: p.endTime,
        disconnectType: p.disconnectType,
        user: p.user ? { id: p.user.id } : undefined,
        queue: p.queue ? { id: p.queue.id } : undefined,
      })),
    });
    for (const { kind, participant } of kinds) {
      const topic = `v2.detail.events.conversation.${c.id}.${kind}`;
      this.broadcast((ch) => ch.topics.has(topic), topic, {
        eventTime: Date.now(),
        conversationId: c.id,
        participantId: participant.id,
        sessionId: randomUUID(),
        mediaType: 'MESSAGE',
        ...(participant.user ? { userId: participant.user.id } : {}),
        ...(participant.disconnectType ? { disconnectType: participant.disconnectType.toUpperCase() } : {}),
      });
    }
  }

  close(): void {
    this.dropSockets();
  }

  private broadcast(to: (ch: FakeChannel) => boolean, topicName: string, eventBody: unknown): void {
    const frame = JSON.stringify({ topicName, version: '2', eventBody, metadata: { CorrelationId: randomUUID() } });
    for (const { channel, socket } of this.openSockets()) {
      if (!to(channel)) continue;
      socket.send(frame);
      this.sent.push(topicName);
    }
  }

  private validTopic(topic: string): boolean {
    if (topic === `v2.routing.queues.${this.queueId}.conversations.messages`) return true;
    return /^v2\.detail\.events\.conversation\.[0-9a-f-]{36}\.(user\.start|user\.end|customer\.end|acd\.start|acd\.end)$/.test(
      topic,
    );
  }

  private listing(ch: FakeChannel) {
    return {
      entities: [...ch.topics].map((id) => ({ id, selfUri: `/api/v2/notifications/channels/${ch.id}/subscriptions` })),
    };
  }
}
