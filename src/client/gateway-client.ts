import * as http from 'node:http';
import type { ClientRequest, Agent as HttpAgent, request as httpRequest, IncomingMessage } from 'node:http';
import * as https from 'node:https';
import type { Socket } from 'node:net';
import { DeadlineSignal, Deadlines } from '../connector-utils/http-deadlines';
// From the errors module, not the contract's index: the extension bundle then loads no zod schemas.
import {
  HandoverConfigError,
  HandoverError,
  HandoverTimeoutError,
  handoverErrorFromJSON,
  type HandoverErrorJSON,
} from '../contract/errors';
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
  /** HTTP requests sent so far: one per call (two when a kept-alive socket turned out closed and it was resent). */
  readonly requestCount: number;
  /** Closes the connection pool. */
  close(): Promise<void>;
}

export function createGatewayClient(options: GatewayClientOptions): GatewayClient {
  const base = new URL(options.url);
  const secure = base.protocol === 'https:';
  if (!secure && base.protocol !== 'http:')
    throw new HandoverConfigError(`The gateway URL must start with http: or https:, not ${base.protocol}`, [
      { path: 'url', message: 'Use an http: or https: URL' },
    ]);
  // `[::1]` in a URL is `::1` to node:http.
  const hostname = base.hostname.startsWith('[') ? base.hostname.slice(1, -1) : base.hostname;
  const prefix = base.pathname.replace(/\/+$/, '');
  const ownsAgent = !options.agent;
  const timeoutMs = options.timeoutMs ?? 15_000;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 2_147_483_647)
    throw new HandoverConfigError(`timeoutMs must be a whole number of milliseconds, not ${timeoutMs}`, [
      { path: 'timeoutMs', message: 'Use a whole number from 1 to 2147483647' },
    ]);
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.connections ?? 16,
    maxFreeSockets: options.connections ?? 16,
    scheduling: 'lifo' as const,
  };
  // The agent is made on the first call. node:http/https are imported statically: a lazy `import()` fails
  // under jest (CommonJS without --experimental-vm-modules), where flows using the nodes are tested.
  let transport: { agent: HttpAgent; send: typeof httpRequest } | undefined;
  // Every call's deadline, whatever the agent: calls in flight in one list under one timer, oldest first
  // (no timer, socket timeout or listener pair per call). The whole call counts, not idle time: a
  // gateway that trickles an answer still fails the call in time for Cognigy's 20 s per node.
  const deadlines = new Deadlines(timeoutMs);
  const connect = () =>
    (transport ??= secure
      ? { agent: options.agent ?? idleClosing(new https.Agent(agentOptions)), send: https.request }
      : { agent: options.agent ?? idleClosing(new http.Agent(agentOptions)), send: http.request });
  let requestCount = 0;
  let closed = false;

  // One promise per call, settled where the answer ends (no async frames, no `.then` layer): it runs once
  // per node execution, so what it allocates is measured against a bare POST (issue 15).
  function call<T>(path: string, input: unknown): Promise<T> {
    requestCount++;
    let body: string;
    try {
      body = JSON.stringify(input ?? {});
    } catch (error) {
      return Promise.reject(error); // a rejection, as from an async function (e.g. a BigInt in the input)
    }
    const { agent, send } = transport ?? connect();
    return new Promise<T>((resolve, reject) => {
      const deadline = new DeadlineSignal();
      let req: ClientRequest | undefined;
      let answered = false;
      let resent = false;
      const fail = (error: unknown) => {
        // A kept-alive socket the gateway (or a proxy) closed just as it was reused: the request never got
        // there. Sent once more, on another socket (every gateway call is idempotent).
        if (!resent && !answered && !closed && !deadline.aborted && req?.reusedSocket && isReset(error)) {
          resent = true;
          requestCount++;
          return attempt();
        }
        deadlines.remove(deadline);
        reject(unreachable(path, error));
      };
      const onAnswer = (res: IncomingMessage) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          // A small answer arrives in one chunk: read it without copying it into a new buffer.
          const text = (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8');
          deadlines.remove(deadline);
          try {
            resolve(decode<T>(path, res.statusCode ?? 0, text));
          } catch (error) {
            reject(error);
          }
        });
        res.on('error', fail);
      };
      const headers = {
        'content-type': 'application/json',
        accept: 'application/json',
        'x-api-key': options.apiKey,
        'content-length': Buffer.byteLength(body),
      };
      const attempt = (): void => {
        try {
          req = send(
            { protocol: base.protocol, hostname, port: base.port, path: prefix + path, method: 'POST', headers, agent },
            onAnswer,
          );
        } catch (error) {
          req = undefined;
          return fail(error); // e.g. a character node:http refuses in a header, an agent for another protocol
        }
        req.on('error', fail);
        req.end(body);
      };
      // Settled here, not by the request's 'error': a request still waiting for a socket has none to fail.
      deadline.on('abort', () => {
        const error = new HandoverTimeoutError(`The handover gateway did not answer within ${timeoutMs} ms`, { path });
        reject(error);
        req?.destroy(error);
      });
      deadlines.add(deadline);
      attempt();
    });
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
      // The deadline timer stays (unref'd, idle once the list is empty): calls still in flight keep theirs.
      closed = true;
      if (ownsAgent && transport) transport.agent.destroy();
    },
  };
}

/** The gateway's answer: its JSON, or the typed error it carries. */
function decode<T>(path: string, status: number, text: string): T {
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (status >= 400) {
    const json = (parsed as { error?: HandoverErrorJSON } | undefined)?.error;
    if (json && typeof json.code === 'string' && typeof json.message === 'string') throw handoverErrorFromJSON(json);
    throw new HandoverError('internal', `The handover gateway answered ${status}`, {
      isRetryable: status >= 500,
      details: { path, status },
    });
  }
  if (parsed === undefined)
    throw new HandoverError('internal', 'The handover gateway sent a body that is not JSON', {
      details: { path, status },
    });
  return parsed as T;
}

/** The gateway closes a kept-alive socket after 5 s without a request (node's default); we close it first. */
const IDLE_SOCKET_MS = 4_000;

/**
 * Our agent closes an idle kept-alive socket after `IDLE_SOCKET_MS`, so a call rarely takes a socket the
 * gateway is closing. Set where a socket goes back to the pool (node's documented `keepSocketAlive`
 * hook: its default steps plus the timeout); an agent `timeout` option would do it too, but node:http
 * then also relays each socket's timeout to every request.
 */
function idleClosing<A extends http.Agent>(agent: A): A {
  const keepAliveMsecs = 30_000;
  (agent as unknown as { keepSocketAlive(socket: Socket): boolean }).keepSocketAlive = (socket) => {
    socket.setKeepAlive(true, keepAliveMsecs);
    socket.unref();
    if (socket.timeout !== IDLE_SOCKET_MS) socket.setTimeout(IDLE_SOCKET_MS);
    return true;
  };
  return agent;
}

const isReset = (error: unknown) => {
  const code = (error as { code?: string } | undefined)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE';
};

/** A transport failure as the typed error nodes branch on (a typed one, e.g. our timeout, passes as it is). */
function unreachable(path: string, error: unknown): HandoverError {
  if (HandoverError.isInstance(error)) return error;
  const code = (error as { code?: string })?.code;
  if (code === 'ERR_INVALID_PROTOCOL')
    return new HandoverConfigError(`The gateway client's agent cannot reach its URL: ${(error as Error).message}`, [
      { path: 'agent', message: "Pass an agent for the URL's protocol (http.Agent for http:, https.Agent for https:)" },
    ]);
  return new HandoverError('internal', `The handover gateway could not be reached${code ? ` (${code})` : ''}`, {
    cause: error,
    isRetryable: true,
    details: { path },
  });
}
