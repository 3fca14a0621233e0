import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { Clock, ConnectorStateV1 } from 'handover-kit/contract';
import { BoundedMap, SharedIdList } from 'handover-kit/connector-utils';
import { emptyView, type ConversationView } from './entries';

/** How long a conversation's mapping and cursor are kept (MIAW conversations rarely last a week). */
export const RECORD_TTL_MS = 7 * 86_400_000;
/** Guest tokens live 6 hours (verified ones 1 hour): a stored token is useless after that. */
export const TOKEN_TTL_MS = 6 * 3_600_000;
const MEMORY = 10_000;
const INDEX_MAX = 5_000;

/** The end user's credentials for one conversation: secrets, never stored in clear. */
export interface ConversationCredentials {
  accessToken: string;
  /** Authenticated mode: the customer identity token, to mint a new access token on a 401. */
  identityToken?: string;
}

/**
 * Everything the connector keeps per conversation, in `runtime.state` so that another gateway
 * instance (or this one after a restart) carries on: the idempotency mapping, the stream cursor
 * (last event id), the view the stream built (agents, ended, wait) and the index of live
 * conversations. Access tokens stay in process memory; with an encryption key they are also stored
 * AES-256-GCM encrypted, never in clear.
 */
export class MiawState {
  private readonly tokens = new BoundedMap<string, ConversationCredentials>(MEMORY);
  private readonly key: Buffer | undefined;
  /** Conversations streamed by this provider, read by every instance's sweep. */
  private readonly liveIndex: SharedIdList;

  constructor(
    private readonly state: ConnectorStateV1,
    private readonly clock: Clock,
    encryptionKey: string | undefined,
  ) {
    this.liveIndex = new SharedIdList(state, {
      key: 'live',
      lock: 'live-index',
      clock,
      ttlMs: RECORD_TTL_MS,
      what: 'salesforce-miaw live-conversation index',
    });
    this.key = encryptionKey
      ? Buffer.from(hkdfSync('sha256', encryptionKey, 'handover-kit', 'salesforce-miaw tokens', 32))
      : undefined;
  }

  get sharesTokens(): boolean {
    return this.key !== undefined;
  }

  // ---- idempotency ----------------------------------------------------------------------------
  startedConversation(idempotencyKey: string): Promise<string | undefined> {
    return this.state.get(`start:${idempotencyKey}`);
  }

  rememberStart(idempotencyKey: string, conversationId: string): Promise<void> {
    return this.state.set(`start:${idempotencyKey}`, conversationId, { ttlMs: RECORD_TTL_MS });
  }

  // ---- view and cursor ------------------------------------------------------------------------
  async view(conversationId: string): Promise<ConversationView | undefined> {
    const raw = await this.state.get(`view:${conversationId}`);
    if (!raw) return undefined;
    try {
      return { ...emptyView(), ...(JSON.parse(raw) as Partial<ConversationView>) };
    } catch {
      return emptyView();
    }
  }

  saveView(conversationId: string, view: ConversationView): Promise<void> {
    return this.state.set(`view:${conversationId}`, JSON.stringify(view), { ttlMs: RECORD_TTL_MS });
  }

  cursor(conversationId: string): Promise<string | undefined> {
    return this.state.get(`cursor:${conversationId}`);
  }

  saveCursor(conversationId: string, lastEventId: string): Promise<void> {
    return this.state.set(`cursor:${conversationId}`, lastEventId, { ttlMs: RECORD_TTL_MS });
  }

  /** Set by a close from the bot, on whichever instance: the stream owner then reports no end of its own. */
  closedByBot(conversationId: string): Promise<boolean> {
    return this.state.get(`closed:${conversationId}`).then((v) => v !== undefined);
  }

  markClosedByBot(conversationId: string): Promise<void> {
    return this.state.set(`closed:${conversationId}`, String(this.clock.now()), { ttlMs: RECORD_TTL_MS });
  }

  unmarkClosedByBot(conversationId: string): Promise<void> {
    return this.state.delete(`closed:${conversationId}`);
  }

  // ---- tokens -------------------------------------------------------------------------------
  /** The credentials this process holds in memory (what `credentials` answers first), without a promise. */
  knownCredentials(conversationId: string): ConversationCredentials | undefined {
    return this.tokens.get(conversationId);
  }

  async credentials(conversationId: string): Promise<ConversationCredentials | undefined> {
    const known = this.tokens.get(conversationId);
    if (known || !this.key) return known;
    const sealed = await this.state.get(`token:${conversationId}`);
    const opened = sealed ? this.open(sealed) : undefined;
    if (opened) this.tokens.set(conversationId, opened);
    return opened;
  }

  async saveCredentials(conversationId: string, credentials: ConversationCredentials): Promise<void> {
    this.tokens.set(conversationId, credentials);
    if (this.key) await this.state.set(`token:${conversationId}`, this.seal(credentials), { ttlMs: TOKEN_TTL_MS });
  }

  async forget(conversationId: string): Promise<void> {
    this.tokens.delete(conversationId);
    await Promise.all([this.state.delete(`token:${conversationId}`), this.removeLive(conversationId)]);
  }

  // ---- the index of live conversations (read by every instance's sweep) -----------------------
  live(): Promise<string[]> {
    return this.liveIndex.read();
  }

  addLive(conversationId: string): Promise<void> {
    return this.liveIndex.edit((list) =>
      list.includes(conversationId) ? list : [...list, conversationId].slice(-INDEX_MAX),
    );
  }

  removeLive(conversationId: string): Promise<void> {
    return this.liveIndex.edit((list) => list.filter((id) => id !== conversationId));
  }

  private seal(credentials: ConversationCredentials): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key!, iv);
    const body = Buffer.concat([cipher.update(JSON.stringify(credentials), 'utf8'), cipher.final()]);
    return ['v1', iv.toString('base64'), cipher.getAuthTag().toString('base64'), body.toString('base64')].join('.');
  }

  private open(sealed: string): ConversationCredentials | undefined {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || !body) return undefined;
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key!, Buffer.from(iv, 'base64'));
      decipher.setAuthTag(Buffer.from(tag, 'base64'));
      const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64')), decipher.final()]).toString('utf8');
      const parsed = JSON.parse(text) as ConversationCredentials;
      return typeof parsed.accessToken === 'string' ? parsed : undefined;
    } catch {
      return undefined; // another key, or tampered: as if there were none
    }
  }
}
