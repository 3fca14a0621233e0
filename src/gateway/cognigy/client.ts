import { Pool, type Dispatcher } from 'undici';
import { parseRetryAfter } from '../../connector-utils/errors';
import { FLOW_DATA_KEY, flowEventData, type DeliveryItem } from '../../delivery';
import { assertNever } from '../../util/never';

/**
 * The two Cognigy REST calls a handover needs, addressed by the endpoint's URLToken and the session's
 * userId and sessionId:
 *   - inject (`POST /new/v2.0/endpoint/inject`): input into the flow, so the Lookup node routes handover
 *     events; `text: ''` and `data = flowEventData(handover)` (the nodes read `input.data.handoverKit`);
 *   - notify (`POST /new/v2.0/endpoint/notify`): straight to the user, no flow: agent text and notices,
 *     and typing indicators (text `''`, the indicator in `data.handoverKit.typing`).
 * Every body carries `data.handoverKit.messageId`, the item's stable id: the same on each retry.
 */
export interface CognigyApiOptions {
  /** e.g. `https://api-trial.cognigy.ai` (the REST API base, without `/new`). */
  apiBaseUrl: string;
  apiKey: string;
  /** URLToken for sessions that did not record one at start. */
  defaultUrlToken?: string;
  /** Per-request deadline (default 10 s). */
  timeoutMs?: number;
  /** Keep-alive connections to Cognigy (default 64). */
  connections?: number;
  dispatcher?: Dispatcher;
}

export type CognigyCall = 'inject' | 'notify';

export interface CognigyRequest {
  call: CognigyCall;
  path: string;
  body: {
    URLToken: string;
    userId: string;
    sessionId: string;
    text: string;
    data: Record<string, unknown>;
    attachments?: Array<{ name: string; url: string; type: string }>;
  };
}

/** Why a call failed; `retryable` per the outbox's policy (408, 429, 5xx, network: yes; other 4xx: no). */
export class CognigyCallError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'CognigyCallError';
  }
}

/** Builds the inject / notify request for a delivery item (pure; throws for a session with no URLToken). */
export function cognigyRequestFor(item: DeliveryItem, defaultUrlToken?: string): CognigyRequest {
  const URLToken = item.session.urlToken ?? defaultUrlToken;
  if (!URLToken)
    throw new CognigyCallError(
      'The session has no URLToken and no default is configured (COGNIGY_URL_TOKEN)',
      undefined,
      false,
    );
  const address = { URLToken, userId: item.session.userId, sessionId: item.session.sessionId };
  switch (item.type) {
    case 'event':
      return {
        call: 'inject',
        path: '/new/v2.0/endpoint/inject',
        body: { ...address, text: '', data: flowEventData(item.handover, item.id) },
      };
    case 'typing':
      return {
        call: 'notify',
        path: '/new/v2.0/endpoint/notify',
        body: {
          ...address,
          text: '',
          data: {
            [FLOW_DATA_KEY]: {
              version: 1,
              messageId: item.id,
              typing: { typing: item.typing, ...(item.agent ? { agent: item.agent } : {}) },
            },
          },
        },
      };
    case 'message': {
      // Built field by field (no spreads): this runs for every agent message.
      const message: { source: string; agent?: typeof item.agent } = { source: item.source };
      if (item.agent) message.agent = item.agent;
      const body: CognigyRequest['body'] = {
        URLToken,
        userId: item.session.userId,
        sessionId: item.session.sessionId,
        text: item.text,
        data: { [FLOW_DATA_KEY]: { version: 1, messageId: item.id, message } },
      };
      if (item.attachments?.length)
        body.attachments = item.attachments.map((a) => ({
          name: a.name ?? (a.url.split('/').pop() || a.type),
          url: a.url,
          type: a.type,
        }));
      return { call: 'notify', path: '/new/v2.0/endpoint/notify', body };
    }
    default:
      return assertNever(item, 'delivery item');
  }
}

/**
 * One keep-alive pool to the Cognigy API origin. Deadlines are undici's header and body timeouts,
 * not an AbortSignal per request: a signal with its timer costs more CPU than the request itself.
 */
export class CognigyApiClient {
  /** HTTP requests sent (each retry counts): the bench divides it by messages relayed. */
  requestCount = 0;
  private readonly dispatcher: Dispatcher;
  private readonly ownsDispatcher: boolean;
  private readonly origin: string;
  private readonly basePath: string;
  private readonly timeoutMs: number;
  /** The same for every call (undici only reads them): built once. */
  private readonly headers: Record<string, string>;

  constructor(private readonly options: CognigyApiOptions) {
    this.headers = { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': options.apiKey };
    const base = new URL(options.apiBaseUrl);
    this.origin = base.origin;
    this.basePath = base.pathname.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.ownsDispatcher = !options.dispatcher;
    this.dispatcher =
      options.dispatcher ??
      new Pool(base.origin, {
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        connections: options.connections ?? 64,
      });
  }

  /** Sends one item with one request; throws `CognigyCallError`. */
  async send(item: DeliveryItem): Promise<CognigyCall> {
    const req = cognigyRequestFor(item, this.options.defaultUrlToken);
    this.requestCount++;
    let res: Dispatcher.ResponseData;
    try {
      res = await this.dispatcher.request({
        origin: this.origin,
        path: this.basePath + req.path,
        method: 'POST',
        headers: this.headers,
        body: JSON.stringify(req.body),
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
      });
    } catch (error) {
      const code = (error as { code?: string })?.code;
      const what =
        code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
          ? 'timed out'
          : `could not connect (${code ?? 'network error'})`;
      throw new CognigyCallError(`Cognigy ${req.call} ${what}`, undefined, true);
    }
    // A success's body says nothing we use: drained, not decoded.
    if (res.statusCode < 300) {
      await res.body.dump().catch(() => {});
      return req.call;
    }
    const text = await res.body.text().catch(() => '');
    const status = res.statusCode;
    const retryable = status === 408 || status === 429 || status >= 500;
    throw new CognigyCallError(
      `Cognigy ${req.call} answered ${status}${describe(text)}`,
      status,
      retryable,
      parseRetryAfter(res.headers['retry-after']),
    );
  }

  async close(): Promise<void> {
    if (this.ownsDispatcher) await this.dispatcher.close().catch(() => {});
  }
}

/** A short, single-line summary of an error body (RFC 7807 `title`/`detail` when present). */
function describe(text: string): string {
  if (!text) return '';
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const parts = [body.title, body.detail, body.message].filter((v) => typeof v === 'string') as string[];
    if (parts.length) return `: ${parts.join(' — ').slice(0, 200)}`;
  } catch {
    // not JSON
  }
  return `: ${text.replace(/\s+/g, ' ').slice(0, 120)}`;
}
