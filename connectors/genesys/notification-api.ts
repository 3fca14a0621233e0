import { WebSocket } from 'undici';
import { z } from 'zod';
import { VendorApiError } from 'handover-kit/contract';
import type { HttpClient } from 'handover-kit/connector-utils';
import { VENDOR } from './api';
import { conversationSchema } from './vendor-types';

/** Topics one channel may hold (Genesys refuses more). */
export const MAX_TOPICS = 1000;
/** A channel lives 24 h; a new one is opened this long before it expires. */
export const CHANNEL_LIFETIME_MS = 24 * 3600_000;

/** One topic for every message conversation of the queue (the scalable choice). */
export const queueTopic = (queueId: string) => `v2.routing.queues.${queueId}.conversations.messages`;
/** Per-conversation analytics detail events that mark agent joined / left and the end. */
export const DETAIL_KINDS = ['user.start', 'user.end', 'customer.end'] as const;
export const detailTopics = (conversationId: string) =>
  DETAIL_KINDS.map((k) => `v2.detail.events.conversation.${conversationId}.${k}`);
const DETAIL_TOPIC = /^v2\.detail\.events\.conversation\.([^.]+)\./;

const channelSchema = z.object({ id: z.string().min(1), connectUri: z.string().min(1), expires: z.string().nullish() });
const messageSchema = z.object({ topicName: z.string(), eventBody: z.unknown().optional() });

export type ChannelMessage =
  | { kind: 'heartbeat' }
  | { kind: 'closing' }
  | { kind: 'conversation'; conversation: z.infer<typeof conversationSchema> }
  | { kind: 'detail'; conversationId: string }
  | { kind: 'other'; topic: string };

/** What a frame on the channel means; undefined for a frame that is not a notification. */
export function parseChannelMessage(data: string): ChannelMessage | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(data);
  } catch {
    return undefined;
  }
  const parsed = messageSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const { topicName, eventBody } = parsed.data;
  if (topicName === 'channel.metadata') return { kind: 'heartbeat' };
  if (topicName === 'v2.system.socket_closing') return { kind: 'closing' };
  if (/^v2\.routing\.queues\.[^.]+\.conversations\.messages$/.test(topicName)) {
    const conversation = conversationSchema.safeParse(eventBody);
    return conversation.success
      ? { kind: 'conversation', conversation: conversation.data }
      : { kind: 'other', topic: topicName };
  }
  const detail = DETAIL_TOPIC.exec(topicName);
  if (detail) return { kind: 'detail', conversationId: detail[1]! };
  return { kind: 'other', topic: topicName };
}

export interface ChannelInfo {
  id: string;
  connectUri: string;
  expiresAt: number;
}

/** POST /api/v2/notifications/channels. One attempt: the channel manager's reconnect is the retry. */
export async function createChannel(http: HttpClient, now: number): Promise<ChannelInfo> {
  const res = await http.send<unknown>({
    method: 'POST',
    path: 'api/v2/notifications/channels',
    operation: 'create notifications channel',
    retry: false,
  });
  const parsed = channelSchema.safeParse(res.body);
  if (!parsed.success) {
    throw new VendorApiError('genesys create notifications channel returned an unexpected body', {
      vendor: VENDOR,
      status: res.status,
      operation: 'create notifications channel',
    });
  }
  const expires = parsed.data.expires ? Date.parse(parsed.data.expires) : NaN;
  return {
    id: parsed.data.id,
    connectUri: parsed.data.connectUri,
    expiresAt: Number.isFinite(expires) ? expires : now + CHANNEL_LIFETIME_MS,
  };
}

/**
 * PUT …/subscriptions: replaces the channel's topics with exactly these (idempotent, so unsubscribing is a PUT too).
 */
export async function replaceSubscriptions(http: HttpClient, channelId: string, topics: string[]): Promise<void> {
  await http.send({
    method: 'PUT',
    path: `api/v2/notifications/channels/${encodeURIComponent(channelId)}/subscriptions`,
    json: topics.map((id) => ({ id })),
    operation: 'subscribe notifications',
    retry: false,
  });
}

/** The socket the channel manager needs; tests and the bench may swap the implementation. */
export interface ChannelSocket {
  close(): void;
}
export interface SocketHandlers {
  open(): void;
  message(data: string): void;
  /** Closed or failed (called once). */
  closed(reason: string): void;
}
export type ConnectSocket = (url: string, handlers: SocketHandlers) => ChannelSocket;

/**
 * undici's WebSocket (undici is already a dependency; its WebSocket is stable in undici 7 and works on
 * Node 20, where the global one is still experimental), so no `ws` package is needed.
 */
export const connectWithUndici: ConnectSocket = (url, handlers) => {
  const socket = new WebSocket(url);
  let done = false;
  const closed = (reason: string) => {
    if (done) return;
    done = true;
    handlers.closed(reason);
  };
  socket.addEventListener('open', () => handlers.open());
  socket.addEventListener('message', (event) => {
    if (typeof event.data === 'string') handlers.message(event.data);
  });
  socket.addEventListener('error', () => closed('socket error'));
  socket.addEventListener('close', (event) => closed(`closed (${event.code})`));
  return {
    close() {
      done = true;
      try {
        socket.close();
      } catch {
        // already closing
      }
    },
  };
};
