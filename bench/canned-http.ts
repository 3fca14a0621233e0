/**
 * The gateway client's own CPU per node execution, without the network: node:http requests go to an
 * in-memory socket that answers every request with the gateway's real answer (captured from a real
 * gateway in the same run). The transport's cost is then the same on both sides and small, so the
 * client's and the node's own work stands out from the noise that a second process on the two
 * shared cores adds to a loopback measurement.
 */
import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Duplex } from 'node:stream';
import type { INodeDescriptor } from '@cognigy/extension-tools';
import { createGatewayClient, createHandoverNodes } from '../dist/index.js';
import { cpuMicros, interleavedRounds, trimmedMeanRatio, type BenchRow } from './lib';

const ROUNDS = 30;
const PER_ROUND = 500;
const KEY = 'bench-nodes-key-0123456789';
const HEAD_END = '\r\n\r\n';

/** A socket that reads HTTP/1.1 requests with a content-length body and answers each with `answer`. */
class CannedSocket extends Duplex {
  private buffered = '';
  constructor(private readonly answer: string) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.buffered += typeof chunk === 'string' ? chunk : chunk.toString('latin1');
    for (;;) {
      const head = this.buffered.indexOf(HEAD_END);
      if (head < 0) break;
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(this.buffered.slice(0, head))?.[1] ?? 0);
      const end = head + HEAD_END.length + length;
      if (this.buffered.length < end) break;
      this.buffered = this.buffered.slice(end);
      this.push(this.answer);
    }
    done();
  }
  override _read(): void {}
  // What node:http's client and agent call on a socket.
  setKeepAlive(): this {
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setTimeout(): this {
    return this;
  }
  ref(): this {
    return this;
  }
  unref(): this {
    return this;
  }
}

/**
 * A keep-alive agent whose one connection is a `CannedSocket`. The client's has the idle timeout the
 * client's own agent has (for idle sockets only: its calls' deadlines are its own); the floor's is plain.
 */
function cannedAgent(answer: string, timeout?: number): HttpAgent {
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1, ...(timeout ? { timeout } : {}) });
  (agent as unknown as { createConnection: () => Duplex }).createConnection = () => new CannedSocket(answer);
  return agent;
}

const responseOf = (body: string) =>
  `HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
  `connection: keep-alive\r\n\r\n${body}`;

/** The bare floor: the same POST by hand with node:http and a keep-alive agent, its answer decoded. */
function barePost(agent: HttpAgent, body: () => string): () => Promise<void> {
  return () =>
    new Promise<void>((resolve, reject) => {
      const payload = body();
      const req = httpRequest(
        {
          host: '127.0.0.1',
          port: 80,
          path: '/v1/handover/message',
          method: 'POST',
          agent,
          headers: {
            'content-type': 'application/json',
            accept: 'application/json',
            'x-api-key': KEY,
            'content-length': Buffer.byteLength(payload),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            // Read as the client reads it (one chunk without a copy), so only the rest differs.
            JSON.parse((chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)).toString('utf8'));
            resolve();
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
}

export interface ClientOverhead {
  /** CPU per node execution beyond the bare POST, µs. */
  own: number;
  /** The bare POST's CPU, µs. */
  floor: number;
  /** What the same method reads for the bare POST against itself, µs. */
  noise: number;
  requests: number;
}

type Executor = (
  node: INodeDescriptor,
  config: Record<string, unknown>,
  input: () => Record<string, unknown>,
  context: () => Record<string, unknown>,
) => () => unknown;

/**
 * Lookup forwarding a user message through the gateway client, against the same POST made by hand,
 * both over canned sockets answering with `gatewayAnswer` (the JSON body the gateway sends).
 */
export async function measureClientOverhead(
  gatewayAnswer: string,
  executor: Executor,
  input: (inputId: string) => Record<string, unknown>,
  live: () => Record<string, unknown>,
): Promise<ClientOverhead> {
  const answer = responseOf(gatewayAnswer);
  const client = createGatewayClient({ url: 'http://127.0.0.1', apiKey: KEY, agent: cannedAgent(answer, 15_000) });
  const lookup = createHandoverNodes({ service: client }).find((n) => n.type === 'lookupHandoverStatus')!;
  let n = 0;
  const forward = executor(lookup, { forwardUserInput: true }, () => input(`c${++n}`), live);
  let m = 0;
  const message = () =>
    JSON.stringify({ session: { userId: 'u1', sessionId: 's1' }, text: 'hello', messageId: `b${++m}` });
  // The floor runs as a node too (a hand-written one that only makes the POST), so both sides carry
  // what Cognigy does around a node execution (its argument objects, a fresh input built the same
  // way), and only our work differs.
  let k = 0;
  const bareNode = (post: () => Promise<void>) =>
    executor({ function: () => post() } as unknown as INodeDescriptor, {}, () => input(`b${++k}`), live);
  const bare = bareNode(barePost(cannedAgent(answer), message));
  const control = bareNode(barePost(cannedAgent(answer), message));
  for (const fn of [forward, bare, control]) await cpuMicros(fn, { iterations: 5_000, warmup: 0 });
  const measured = await interleavedRounds(forward, bare, ROUNDS, PER_ROUND);
  const check = await interleavedRounds(control, bare, ROUNDS, PER_ROUND);
  const requests = client.requestCount;
  await client.close();
  const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
  const floor = median(measured.bare.cpu);
  return {
    own: floor * (trimmedMeanRatio(measured.connector.cpu, measured.bare.cpu) - 1),
    floor,
    noise: floor * (trimmedMeanRatio(check.connector.cpu, check.bare.cpu) - 1),
    requests,
  };
}

export function clientOverheadRows(trip: number, o: ClientOverhead): BenchRow[] {
  return [
    {
      group: 'nodes: through the gateway client, transport canned (own process)',
      name: 'own CPU per node execution (Lookup forwarding a message) beyond a bare node:http POST',
      value: o.own,
      unit: 'µs CPU',
      baseline: { name: 'node:http keep-alive loopback round trip, µs', value: trip },
      ratio: o.own / trip,
      goal: '≤ 5 % of a round trip',
      met: o.own / trip <= 0.05,
      note:
        `a node doing a bare POST (node:http keep-alive agent, answer decoded) ${o.floor.toFixed(1)} µs CPU × ` +
        `(the trimmed mean ` +
        `of per-round ratios − 1), ${ROUNDS} interleaved rounds of ${PER_ROUND}; both over an in-memory socket ` +
        `answering with the gateway's JSON; method check (bare vs itself): ${o.noise.toFixed(2)} µs; ` +
        `${o.requests} client requests; the round trip measured after, in the same process`,
    },
  ];
}
