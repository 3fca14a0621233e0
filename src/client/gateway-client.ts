import * as http from 'node:http';
import type { Agent as HttpAgent, request as httpRequest, IncomingMessage } from 'node:http';
import * as https from 'node:https';
// From the errors module, not the contract's index: the extension bundle then loads no zod schemas.
import { HandoverError, HandoverTimeoutError, handoverErrorFromJSON, type HandoverErrorJSON } from '../contract/errors';
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
 * keep-alive agent; the gateway's typed errors come back as the same typed errors.
 *
 * Plain `node:http` / `node:https` (no undici): it runs inside a Cognigy extension, where the bundle
 * must stay small, load fast and work on the extension runtime's Node version; on loopback it is also
 * the fastest client measured. Importing it pulls in no gateway server, Redis or BullMQ code.
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
  /** Your own `http.Agent` / `https.Agent` (then `close()` leaves it open). */
  agent?: HttpAgent;
}

export interface GatewayClient extends HandoverApi {
  /** HTTP requests sent so far (exactly one per call). */
  readonly requestCount: number;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  const prefix = base.pathname.replace(/\/+$/, '');
  const ownsAgent = !options.agent;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const agentOptions = {
    keepAlive: true,
    // The idle deadline is set on each socket once, by the agent: node:http then only forwards the
    // socket's timeout to the request in flight.
    timeout: timeoutMs,
    keepAliveMsecs: 30_000,
    maxSockets: options.connections ?? 16,
    maxFreeSockets: options.connections ?? 16,
    scheduling: 'lifo' as const,
  };
  // The agent is made on the first call. node:http/https are imported statically: a lazy `import()` fails
  // under jest (CommonJS without --experimental-vm-modules), where flows using the nodes are tested.
  let transport: { agent: HttpAgent; send: typeof httpRequest; socketDeadline: boolean } | undefined;
  const transportOf = (agent: HttpAgent, send: typeof httpRequest) => ({
    agent,
    send,
    // Whether the agent already gives every socket this idle deadline (ours does; a user's may).
    socketDeadline: (agent as { options?: { timeout?: number } }).options?.timeout === timeoutMs,
  });
  const connect = () =>
    (transport ??= secure
      ? transportOf(options.agent ?? new https.Agent(agentOptions), https.request)
      : transportOf(options.agent ?? new http.Agent(agentOptions), http.request));
  let requestCount = 0;

  // `post` and `call` are plain functions over promises (no async frames): they run once per node execution.
  function post(path: string, body: string): Promise<{ status: number; text: string }> {
    const { agent, send, socketDeadline } = connect();
    return new Promise((resolve, reject) => {
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-api-key': options.apiKey,
        'content-length': Buffer.byteLength(body),
      };
      const req = send(
        {
          protocol: base.protocol,
          hostname: base.hostname,
          port: base.port,
          path: prefix + path,
          method: 'POST',
          headers,
          agent,
        },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
          res.on('error', reject);
        },
      );
      // Idle deadline on the socket (no extra timer per call): fires when nothing moves for timeoutMs.
      const onTimeout = () =>
        req.destroy(new HandoverTimeoutError(`The handover gateway did not answer within ${timeoutMs} ms`, { path }));
      if (socketDeadline) req.once('timeout', onTimeout);
      else req.setTimeout(timeoutMs, onTimeout);
      req.on('error', reject);
      req.end(body);
    });
  }

  function call<T>(path: string, input: unknown): Promise<T> {
    requestCount++;
    let body: string;
    try {
      body = JSON.stringify(input ?? {});
    } catch (error) {
      return Promise.reject(error); // a rejection, as from an async function (e.g. a BigInt in the input)
    }
    return post(path, body).then(
      (res) => decode<T>(path, res),
      (error: unknown) => {
        if (HandoverError.isInstance(error)) throw error;
        const code = (error as { code?: string })?.code;
        throw new HandoverError('internal', `The handover gateway could not be reached${code ? ` (${code})` : ''}`, {
          cause: error,
          isRetryable: true,
          details: { path },
        });
      },
    );
  }

  return {
    get requestCount() {
      return requestCount;
    },
    checkAvailability: (input: AvailabilityInput) => call<AvailabilityOutcome>('/v1/handover/availability', input),
    startHandover: (input: StartHandoverInput) => call<StartHandoverOutcome>('/v1/handover/start', input),
    sendUserMessage: (input: UserMessageInput) => call<UserMessageOutcome>('/v1/handover/message', input),
    getHandover: async (input: GetHandoverInput) =>
      (await call<{ handover: HandoverView | null }>('/v1/handover/get', input)).handover,
    closeHandover: (input: CloseHandoverInput) => call<CloseHandoverOutcome>('/v1/handover/close', input),
    setInactivity: (input: SetInactivityInput) => call<SetInactivityOutcome>('/v1/handover/inactivity', input),
    async close() {
      if (ownsAgent && transport) (await transport).agent.destroy();
    },
  };
}

/** The gateway's answer: its JSON, or the typed error it carries. */
function decode<T>(path: string, res: { status: number; text: string }): T {
  let parsed: unknown;
  try {
    parsed = res.text ? JSON.parse(res.text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (res.status >= 400) {
    const json = (parsed as { error?: HandoverErrorJSON } | undefined)?.error;
    if (json && typeof json.code === 'string' && typeof json.message === 'string') throw handoverErrorFromJSON(json);
    throw new HandoverError('internal', `The handover gateway answered ${res.status}`, {
      isRetryable: res.status >= 500,
      details: { path, status: res.status },
    });
  }
  if (parsed === undefined)
    throw new HandoverError('internal', 'The handover gateway sent a body that is not JSON', {
      details: { path, status: res.status },
    });
  return parsed as T;
}
