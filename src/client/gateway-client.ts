import { Pool, type Dispatcher } from 'undici';
import { HandoverError, HandoverTimeoutError, handoverErrorFromJSON, type HandoverErrorJSON } from '../contract';
import type {
  AvailabilityInput,
  AvailabilityOutcome,
  CloseHandoverInput,
  CloseHandoverOutcome,
  GetHandoverInput,
  HandoverApi,
  HandoverView,
  SetInactivityInput,
  SetInactivityOutcome,
  StartHandoverInput,
  StartHandoverOutcome,
  UserMessageInput,
  UserMessageOutcome,
} from '../model';

/**
 * The handover service over HTTP: the same `HandoverApi` the in-process service implements, so the
 * nodes run unchanged in a Cognigy extension against a gateway. One HTTP request per call, on a
 * keep-alive pool; the gateway's typed errors come back as the same typed errors.
 *
 * It only needs undici and the spec: importing it does not pull in the gateway server, Redis or BullMQ.
 */
export interface GatewayClientOptions {
  /** The gateway's base URL, e.g. `https://handover.example.com` (a path prefix is kept). */
  url: string;
  /** A key with the `nodes` (or `admin`) role. */
  apiKey: string;
  /** Deadline per call (default 15 s; Cognigy gives a node 20 s). */
  timeoutMs?: number;
  /** Keep-alive connections to the gateway (default 16). */
  connections?: number;
  /** Your own undici dispatcher (then `close()` leaves it open). */
  dispatcher?: Dispatcher;
}

export interface GatewayClient extends HandoverApi {
  /** HTTP requests sent so far (exactly one per call). */
  readonly requestCount: number;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const base = new URL(options.url);
  const origin = base.origin;
  const prefix = base.pathname.replace(/\/+$/, '');
  const ownsDispatcher = !options.dispatcher;
  // One keep-alive pool to the gateway; the deadline is undici's header/body timeout rather than an
  // AbortSignal per call, which would cost more CPU than the call itself.
  const dispatcher = options.dispatcher ?? new Pool(origin, { keepAliveTimeout: 30_000, keepAliveMaxTimeout: 600_000, connections: options.connections ?? 16 });
  const timeoutMs = options.timeoutMs ?? 15_000;
  const headers = { 'content-type': 'application/json', accept: 'application/json', 'x-api-key': options.apiKey };
  let requestCount = 0;

  async function call<T>(path: string, body: unknown): Promise<T> {
    requestCount++;
    let res: Dispatcher.ResponseData;
    try {
      res = await dispatcher.request({ origin, path: prefix + path, method: 'POST', headers, body: JSON.stringify(body ?? {}), headersTimeout: timeoutMs, bodyTimeout: timeoutMs });
    } catch (error) {
      const code = (error as { code?: string })?.code;
      if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
        throw new HandoverTimeoutError(`The handover gateway did not answer within ${timeoutMs} ms`, { path }, error);
      }
      throw new HandoverError('internal', `The handover gateway could not be reached${code ? ` (${code})` : ''}`, { cause: error, isRetryable: true, details: { path } });
    }
    const text = await res.body.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    if (res.statusCode >= 400) {
      const json = (parsed as { error?: HandoverErrorJSON } | undefined)?.error;
      if (json && typeof json.code === 'string' && typeof json.message === 'string') throw handoverErrorFromJSON(json);
      throw new HandoverError('internal', `The handover gateway answered ${res.statusCode}`, { isRetryable: res.statusCode >= 500, details: { path, status: res.statusCode } });
    }
    if (parsed === undefined) throw new HandoverError('internal', 'The handover gateway sent a body that is not JSON', { details: { path, status: res.statusCode } });
    return parsed as T;
  }

  return {
    get requestCount() {
      return requestCount;
    },
    checkAvailability: (input: AvailabilityInput) => call<AvailabilityOutcome>('/v1/handover/availability', input),
    startHandover: (input: StartHandoverInput) => call<StartHandoverOutcome>('/v1/handover/start', input),
    sendUserMessage: (input: UserMessageInput) => call<UserMessageOutcome>('/v1/handover/message', input),
    getHandover: async (input: GetHandoverInput) => (await call<{ handover: HandoverView | null }>('/v1/handover/get', input)).handover,
    closeHandover: (input: CloseHandoverInput) => call<CloseHandoverOutcome>('/v1/handover/close', input),
    setInactivity: (input: SetInactivityInput) => call<SetInactivityOutcome>('/v1/handover/inactivity', input),
    async close() {
      if (ownsDispatcher) await dispatcher.close();
    },
  };
}
