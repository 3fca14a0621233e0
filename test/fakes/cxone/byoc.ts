import { randomUUID } from 'node:crypto';
import { Agent as Dispatcher, request } from 'undici';
import { fixture, type FakeAgent } from './model';

/** CXone's BYOC form: where replies go and what CXone presents at the token endpoint. */
export interface ByocConfig {
  /** Integration Box URL, e.g. http://127.0.0.1:PORT/webhooks/<providerId>. */
  boxUrl: string;
  /** Authorization URL. */
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  /** Reply path below the box; `{thread}` / `{channel}` filled in. */
  replyPath?: string;
  /** Body shape: the sample's `posts` (default) or the 3.0 outbound message. */
  style?: 'posts' | 'outbound';
  /** Token request body: JSON as the sample shows (default) or a form. */
  tokenBody?: 'json' | 'form';
}

export interface ReplyInput {
  threadId: string;
  channelId: string;
  text: string;
  agent: FakeAgent;
  userId: string;
}

/**
 * The CXone side of a reply: post with the bearer token it holds; on a 401 ask the token endpoint
 * for one (client credentials) and post once more. Every attempt is recorded.
 */
export class ByocCaller {
  token: string | undefined;
  readonly attempts: Array<{ url: string; status: number; authorized: boolean }> = [];
  readonly tokenRequests: Array<{ status: number; body: unknown }> = [];
  private readonly dispatcher = new Dispatcher({ keepAliveTimeout: 10_000 });

  constructor(readonly config: ByocConfig) {}

  body(input: ReplyInput, style = this.config.style ?? 'posts'): Record<string, unknown> {
    if (style === 'posts') return { ...fixture('reply-posts-1.0'), message: input.text };
    const template = fixture<Record<string, unknown>>('reply-outbound-3.0');
    return {
      ...template,
      channel: { id: input.channelId },
      thread: { idOnExternalPlatform: input.threadId },
      messageContent: { type: 'TEXT', payload: { text: input.text } },
      endUserRecipients: [{ idOnExternalPlatform: input.userId }],
      authorUser: { id: input.agent.id, firstName: input.agent.firstName, surname: input.agent.surname },
      id: randomUUID(),
      createdAtWithMilliseconds: new Date().toISOString(),
    };
  }

  replyUrl(input: Pick<ReplyInput, 'threadId' | 'channelId'>): string {
    const path = (this.config.replyPath ?? '1.0/posts/{thread}/messages')
      .replace('{thread}', encodeURIComponent(input.threadId))
      .replace('{channel}', encodeURIComponent(input.channelId));
    return `${this.config.boxUrl.replace(/\/$/, '')}/${path}`;
  }

  async reply(input: ReplyInput, style?: 'posts' | 'outbound'): Promise<number> {
    const url = this.replyUrl(input);
    const body = JSON.stringify(this.body(input, style));
    let status = await this.post(url, body);
    if (status === 401) {
      await this.fetchToken();
      status = await this.post(url, body);
    }
    return status;
  }

  /** Sends exactly this body with exactly this authorization header (for forged-token tests). */
  async raw(url: string, body: string, authorization?: string): Promise<{ status: number; text: string }> {
    const res = await request(url, {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body,
    });
    return { status: res.statusCode, text: await res.body.text() };
  }

  async fetchToken(): Promise<number> {
    const fields = {
      client_id: this.config.clientId,
      client_secret: this.config.clientSecret,
      grant_type: 'client_credentials',
    };
    const form = this.config.tokenBody === 'form';
    const res = await request(this.config.tokenUrl, {
      method: 'POST',
      dispatcher: this.dispatcher,
      headers: { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' },
      body: form ? new URLSearchParams(fields).toString() : JSON.stringify({ ...fixture('token-request'), ...fields }),
    });
    const text = await res.body.text();
    const parsed = text ? (JSON.parse(text) as { access_token?: string }) : {};
    this.tokenRequests.push({ status: res.statusCode, body: parsed });
    if (res.statusCode === 200 && parsed.access_token) this.token = parsed.access_token;
    return res.statusCode;
  }

  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private async post(url: string, body: string): Promise<number> {
    const res = await this.raw(url, body, this.token ? `Bearer ${this.token}` : undefined);
    this.attempts.push({ url, status: res.status, authorized: Boolean(this.token) });
    return res.status;
  }
}
