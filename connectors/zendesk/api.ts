import { z } from 'zod';
import { VendorApiError } from 'handover-kit/contract';
import type { HttpClient } from 'handover-kit/connector-utils';
import { VENDOR, hasStatus } from './errors';

/**
 * The Sunshine Conversations v2 calls the connector makes. Paths are relative (`v2/apps/…`) so a
 * base URL with a path prefix (`https://acme.zendesk.com/sc`) keeps it. Answers are read leniently:
 * only the fields used here, unknown fields ignored.
 */

export const switchboardRefSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string().nullish(),
  integrationId: z.string().nullish(),
  integrationType: z.string().nullish(),
});
export type SwitchboardRef = z.infer<typeof switchboardRefSchema>;

const conversationSchema = z.looseObject({
  id: z.string().min(1),
  type: z.string().nullish(),
  isDefault: z.boolean().nullish(),
  lastUpdatedAt: z.string().nullish(),
  activeSwitchboardIntegration: switchboardRefSchema.nullish(),
});
export type SunshineConversation = z.infer<typeof conversationSchema>;

const userSchema = z.looseObject({ id: z.string().min(1), externalId: z.string().nullish() });
const messageSchema = z.looseObject({ id: z.string().min(1), received: z.string().nullish() });
const participantSchema = z.looseObject({ userId: z.string().nullish() });

export type FlatMetadata = Record<string, string | number | boolean>;

export interface MessageAuthor {
  type: 'user' | 'business';
  /** User authors only: the SunCo user id, or the user's externalId. */
  userId?: string;
  userExternalId?: string;
  displayName?: string;
}

export type MessageContent =
  | { type: 'text'; text: string }
  | { type: 'image' | 'file'; mediaUrl: string; altText?: string; text?: string };

export interface UserProfile {
  givenName?: string;
  email?: string;
  locale?: string;
}

export class SunshineApi {
  /** `v2/apps/{appId}`, encoded once (every relayed message builds a path below it). */
  private readonly prefix: string;

  constructor(
    private readonly http: HttpClient,
    appId: string,
    /** passControl may be retried only with a named target and an integration (int_) key. */
    private readonly passControlRetrySafe: boolean,
  ) {
    this.prefix = `v2/apps/${encodeURIComponent(appId)}`;
  }

  private path(...segments: string[]): string {
    return segments.length ? `${this.prefix}/${segments.map(encodeURIComponent).join('/')}` : this.prefix;
  }

  /** `…/conversations/{id}` and a fixed sub-path below it, built without arrays (one per relayed message). */
  private conversationPath(conversationId: string, below?: 'messages' | 'participants' | 'passControl'): string {
    const path = `${this.prefix}/conversations/${encodeURIComponent(conversationId)}`;
    return below ? `${path}/${below}` : path;
  }

  /** Creates the user, or returns undefined when a user with this externalId exists (409). */
  async createUser(externalId: string, profile: UserProfile, signal?: AbortSignal) {
    try {
      const res = await this.http.send({
        method: 'POST',
        path: this.path('users'),
        json: { externalId, ...(Object.keys(profile).length ? { profile } : {}) },
        operation: 'create user',
        signal,
      });
      return read(userSchema, (res.body as { user?: unknown })?.user, 'create user', res.status);
    } catch (error) {
      if (hasStatus(error, 409)) return undefined;
      throw error;
    }
  }

  /** The app itself (connection test: the key works for this app). */
  async getApp(signal?: AbortSignal): Promise<{ name?: string }> {
    const res = await this.http.send({ method: 'GET', path: this.path(), operation: 'get app', signal });
    const app = (res.body as { app?: { displayName?: unknown } })?.app;
    return { name: typeof app?.displayName === 'string' ? app.displayName : undefined };
  }

  /** The app's switchboard integrations (connection test: the configured ones exist). */
  async switchboardIntegrations(
    signal?: AbortSignal,
  ): Promise<Array<{ id: string; name?: string; integrationType?: string }>> {
    const boards = await this.http.send({
      method: 'GET',
      path: this.path('switchboards'),
      operation: 'list switchboards',
      signal,
    });
    const board = read(
      z.object({ switchboards: z.array(z.looseObject({ id: z.string() })) }),
      boards.body,
      'list switchboards',
      boards.status,
    ).switchboards[0];
    if (!board) return [];
    const res = await this.http.send({
      method: 'GET',
      path: this.path('switchboards', board.id, 'switchboardIntegrations'),
      operation: 'list switchboard integrations',
      signal,
    });
    const item = z.looseObject({ id: z.string(), name: z.string().optional(), integrationType: z.string().optional() });
    return read(
      z.object({ switchboardIntegrations: z.array(item) }),
      res.body,
      'list switchboard integrations',
      res.status,
    ).switchboardIntegrations;
  }

  async getUser(idOrExternalId: string, signal?: AbortSignal) {
    const res = await this.http.send({
      method: 'GET',
      path: this.path('users', idOrExternalId),
      operation: 'get user',
      signal,
    });
    return read(userSchema, (res.body as { user?: unknown })?.user, 'get user', res.status);
  }

  /** The user's conversations (first page: 100 is plenty for a personal-conversation lookup). */
  async listConversations(userId: string, signal?: AbortSignal) {
    const res = await this.http.send({
      method: 'GET',
      path: this.path('conversations'),
      query: { 'filter[userId]': userId, 'page[size]': 100 },
      operation: 'list conversations',
      signal,
    });
    return read(
      z.array(conversationSchema),
      (res.body as { conversations?: unknown })?.conversations ?? [],
      'list conversations',
      res.status,
    );
  }

  async createConversation(userId: string, signal?: AbortSignal) {
    const res = await this.http.send({
      method: 'POST',
      path: this.path('conversations'),
      json: { type: 'personal', participants: [{ userId }] },
      operation: 'create conversation',
      signal,
    });
    return read(
      conversationSchema,
      (res.body as { conversation?: unknown })?.conversation,
      'create conversation',
      res.status,
    );
  }

  async getConversation(conversationId: string, operation: string, signal?: AbortSignal) {
    const res = await this.http.send({
      method: 'GET',
      path: this.conversationPath(conversationId),
      operation,
      signal,
    });
    return read(conversationSchema, (res.body as { conversation?: unknown })?.conversation, operation, res.status);
  }

  /** The user of a personal conversation, from its participants. */
  async participantUserId(conversationId: string, signal?: AbortSignal): Promise<string | undefined> {
    const res = await this.http.send({
      method: 'GET',
      path: this.conversationPath(conversationId, 'participants'),
      operation: 'list participants',
      signal,
    });
    const participants = read(
      z.array(participantSchema),
      (res.body as { participants?: unknown })?.participants ?? [],
      'list participants',
      res.status,
    );
    return participants.find((p) => p.userId)?.userId ?? undefined;
  }

  /** Posts one message; not retried (a repeat would duplicate it). Returns the first created message. */
  postMessage(
    conversationId: string,
    author: MessageAuthor,
    content: MessageContent,
    metadata: FlatMetadata,
    operation: string,
    signal?: AbortSignal,
  ): Promise<{ id: string }> {
    // Hot path (one call per relayed message): a plain promise, and the one field used read without
    // a schema pass (the schema only words the error when the id is missing).
    return this.http
      .send({
        method: 'POST',
        path: this.conversationPath(conversationId, 'messages'),
        json: { author, content, metadata },
        operation,
        idempotent: false,
        signal,
      })
      .then((res) => {
        const first = (res.body as { messages?: Array<{ id?: unknown }> } | undefined)?.messages?.[0];
        if (typeof first?.id !== 'string' || !first.id) return read(messageSchema, first, operation, res.status);
        return { id: first.id };
      });
  }

  async passControl(
    conversationId: string,
    switchboardIntegration: string,
    metadata: FlatMetadata,
    operation: string,
    signal?: AbortSignal,
  ): Promise<void> {
    await this.http.send({
      method: 'POST',
      path: this.conversationPath(conversationId, 'passControl'),
      json: { switchboardIntegration, ...(Object.keys(metadata).length ? { metadata } : {}) },
      operation,
      idempotent: this.passControlRetrySafe,
      signal,
    });
  }
}

function read<T extends z.ZodType>(schema: T, value: unknown, operation: string, status: number): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new VendorApiError(`${VENDOR} ${operation} answered ${status} without the expected fields`, {
    vendor: VENDOR,
    status,
    operation,
  });
}
