/**
 * Node execution overhead: the CPU the node code itself spends per execution (config validation,
 * reading the input, building the request, routing), against one keep-alive loopback HTTP round
 * trip measured in the same run. The service is a stub that answers at once, so only the node's
 * own work is timed; the in-process service on the simulated center is reported beside it.
 */
import { Agent as HttpAgent, createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { INodeDescriptor } from '@cognigy/extension-tools';
import { spawn } from 'node:child_process';
import { createGatewayClient, createHandoverNodes, type HandoverApi, type HandoverView } from '../dist/index.js';
import { flowEventData } from '../dist/testing.js';
import { SimulatedCenters, simulatedConnector } from '../dist/connectors/simulated.js';
import { createHandoverKit } from '../dist/index.js';
import { cpuMicros, interleavedRounds, trimmedMeanRatio, wallMicros, type BenchRow } from './lib';

const GATEWAY_ROUNDS = 30;
const GATEWAY_PER_ROUND = 200;

const view: HandoverView = {
  id: 'ho_1',
  providerId: 'p',
  status: 'queue',
  createdAt: 0,
  updatedAt: 0,
  inactivityCount: 0,
  attempts: [],
  queuePosition: 2,
};
const stub: HandoverApi = {
  checkAvailability: async () => ({ providerId: 'p', available: true, agentsAvailable: 2 }),
  startHandover: async () => ({ handover: view, alreadyInProgress: false }),
  sendUserMessage: async () => ({ forwarded: true, duplicate: false, handover: view }),
  getHandover: async () => view,
  closeHandover: async () => ({ closed: true, handover: { ...view, status: 'completed' } }),
  setInactivity: async () => ({ armed: true, handover: view }),
};

const handoverConfig = {
  providerId: 'p',
  text: 'Connecting you…',
  repeatHandoverMessage: false,
  cancelIntent: 'cancel',
  quickReply: 'Cancel',
  sendResolveEvent: true,
  sendOnQueueEvent: true,
  sendOnActiveEvent: true,
  getQueuePosition: true,
  updateIntervalQueuePosition: 30,
  queuePositionText: '',
  getEstimatedWaitTime: false,
  updateIntervalEstimatedWaitTime: 60,
  estimatedWaitTimeText: '',
  alternativeUpdate: false,
  maximumQueuePosition: '',
  maximumEstimatedWaitTime: '',
  alternativeText: '',
  inboxId: 'support',
  skills: ['billing'],
  languages: [],
  priority: 'none',
  customAttributes: { tier: 'gold' },
  sendTranscriptAsFirstMessage: false,
  fallbackProviderIds: [],
  requireAvailableAgent: false,
  enableUserConnectsMessage: true,
  enableUserDisconnectsMessage: true,
  agentJoinedText: '',
  idleTimeoutMinutes: '',
};

/** One execution as Cognigy makes it: fresh input and api objects each time. */
export function executor(
  node: INodeDescriptor,
  config: Record<string, unknown>,
  input: () => Record<string, unknown>,
  context: () => Record<string, unknown> = () => ({}),
) {
  const children = (node.dependencies?.children ?? []).map((type) => ({ id: type, type, config: {} }));
  const noop = () => {};
  return () =>
    node.function!({
      cognigy: {
        api: { say: noop, log: noop, addToContext: noop, addToInput: noop, setNextNode: noop, stopExecution: noop },
        input: input(),
        context: context(),
        profile: {},
      } as never,
      config: { ...config },
      childConfigs: children,
      nodeId: 'n1',
    });
}

/** The floor (issue 15): one POST round trip on loopback with node:http and a keep-alive agent. */
export async function roundTripMicros(): Promise<number> {
  const server = createServer((_, res) => res.end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
  const post = () =>
    new Promise<void>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port, path: '/', method: 'POST', agent, headers: { 'content-length': '2' } },
        (res) => {
          res.resume();
          res.on('end', resolve);
        },
      );
      req.on('error', reject);
      req.end('{}');
    });
  const micros = await wallMicros(post, { iterations: 5000 });
  agent.destroy();
  server.close();
  return micros;
}

/**
 * A fresh Cognigy input per execution, built as one literal for every case. (A spread copy of another
 * input made objects V8 extends on a slow path when a node adds `input.handover`: 1–2 µs charged to
 * the node that a runtime's own input objects do not cost.)
 */
export const inputOf = (inputId = 'i1', data: Record<string, unknown> = {}) => ({
  userId: 'u1',
  sessionId: 's1',
  text: 'hello',
  inputId,
  data,
});

export async function benchNodes(): Promise<BenchRow[]> {
  const nodes = createHandoverNodes({ service: stub });
  const byType = (t: string) => nodes.find((n) => n.type === t)!;
  const session = () => inputOf();
  const live = () => ({ handoverKit: { handoverId: 'ho_1', providerId: 'p', status: 'active' } });
  const cases: Array<[string, () => unknown]> = [
    ['Handover to Agent (start)', executor(byType('handoverToAgent'), handoverConfig, session)],
    ['Handover to Agent (user message forwarded)', executor(byType('handoverToAgent'), handoverConfig, session, live)],
    [
      'Lookup Handover Status (routes an injected event)',
      executor(byType('lookupHandoverStatus'), { forwardUserInput: true }, () =>
        inputOf('i1', flowEventData({ status: 'active', handoverId: 'ho_1', providerId: 'p' })),
      ),
    ],
    [
      'Check Agent Availability',
      executor(
        byType('checkAgentAvailability'),
        {
          providerId: 'p',
          storeLocation: 'input',
          inputKey: 'availableAgents',
          contextKey: 'availableAgents',
          detailsKey: 'agentAvailability',
          errorLogging: 'basic',
          abortOnError: false,
        },
        session,
      ),
    ],
    [
      'Close Handover',
      executor(
        byType('closeHandover'),
        {
          closeHandoverInProvider: true,
          storeLocation: 'input',
          inputKey: 'handoverClose',
          contextKey: 'handoverClose',
        },
        session,
      ),
    ],
    ['Set Handover Inactivity', executor(byType('handoverInactivityTimer'), { timer: '2' }, session)],
  ];
  const trip = await roundTripMicros();
  const rows: BenchRow[] = [];
  // Every case warmed before any is timed: code they share (config reading, the runtime helpers) is
  // otherwise compiled while the first case is timed and charged to it alone. 20 000 executions each:
  // after 2 000, V8 was still re-optimising the start (its first timed round read 1.2–1.4 µs, then 0.9).
  for (const [, run] of cases) for (let i = 0; i < 20_000; i++) await run();
  for (const [name, run] of cases) {
    // The median of five rounds: V8 is still optimising the larger nodes a few thousand calls in, and a
    // node runs for the life of the extension process, so the steady state is the figure that matters.
    const runs: number[] = [];
    for (let r = 0; r < 5; r++) runs.push(await cpuMicros(run, { iterations: 10_000, warmup: 0 }));
    const cpu = runs.sort((a, b) => a - b)[2]!;
    rows.push({
      group: 'nodes: own CPU per execution (service stubbed)',
      name,
      value: cpu,
      unit: 'µs CPU',
      baseline: { name: 'node:http keep-alive loopback round trip, µs', value: trip },
      ratio: cpu / trip,
      goal: '≤ 5 % of a round trip',
      met: cpu / trip <= 0.05,
    });
  }

  // The same node on the real in-process service and simulated center, for scale.
  const centers = new SimulatedCenters();
  centers.get('bench', { autoAssign: true, agents: [{ id: 'a', name: 'A', capacity: 1_000_000 }] });
  const kit = await createHandoverKit({
    connectors: [simulatedConnector({ centers })],
    providers: [{ id: 'p', name: 'P', type: 'simulated', settings: { center: 'bench' } }],
  });
  const inProcess = createHandoverNodes({ service: kit.service }).find((n) => n.type === 'lookupHandoverStatus')!;
  await kit.service.startHandover({ providerId: 'p', session: { userId: 'u1', sessionId: 's1' } });
  let n = 0;
  const forward = executor(inProcess, { forwardUserInput: true }, () => inputOf(`i${++n}`), live);
  const total = await wallMicros(forward, { iterations: 20_000 });
  rows.push({
    group: 'nodes: own CPU per execution (service stubbed)',
    name: 'Lookup forwarding a user message, in-process service + simulated center (wall)',
    value: total,
    unit: 'µs',
    note: 'node + service + connector',
  });
  await kit.close();
  rows.push(...(await throughGateway(trip, session, live)));
  return rows;
}

/** A free loopback port (taken and released at once). */
async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const { port } = probe.address() as AddressInfo;
  await new Promise((r) => probe.close(r));
  return port;
}

/**
 * The nodes as a Cognigy extension runs them: through the gateway client against a gateway in its
 * own process on loopback. The client side's CPU per execution, minus a bare undici POST of the same
 * kind, is the library's own work; requests per execution come from the client's counter.
 */
async function throughGateway(
  trip: number,
  session: () => Record<string, unknown>,
  live: () => Record<string, unknown>,
): Promise<BenchRow[]> {
  const port = await freePort();
  const child = spawn(process.execPath, ['dist/cli.js', 'gateway'], {
    env: {
      ...process.env,
      HANDOVER_GATEWAY_PORT: String(port),
      HANDOVER_GATEWAY_NODE_KEYS: 'bench-nodes-key-0123456789',
      HANDOVER_GATEWAY_ADMIN_KEYS: 'bench-admin-key-0123456789',
      HANDOVER_LOG_LEVEL: 'silent',
    },
    stdio: 'ignore',
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    for (let i = 0; i < 100; i++) {
      const ok = await request(`${url}/readyz`).then(
        (r) => (r.body.dump(), r.statusCode === 200),
        () => false,
      );
      if (ok) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const client = createGatewayClient({ url, apiKey: 'bench-nodes-key-0123456789' });
    const nodes = createHandoverNodes({ service: client });
    const lookup = nodes.find((n) => n.type === 'lookupHandoverStatus')!;
    const handover = nodes.find((n) => n.type === 'handoverToAgent')!;
    await executor(handover, { providerId: 'simulated' }, session)();
    let n = 0;
    const forward = executor(lookup, { forwardUserInput: true }, () => inputOf(`g${++n}`), live);
    // The same request the node makes (same route, same server work), sent by hand with undici.
    const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
    let m = 0;
    const bareCall = async () => {
      const body = JSON.stringify({ session: { userId: 'u1', sessionId: 's1' }, text: 'hello', messageId: `b${++m}` });
      const res = await request(`${url}/v1/handover/message`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json', 'x-api-key': 'bench-nodes-key-0123456789' },
        dispatcher,
      });
      await res.body.text();
    };
    // Both warmed, then interleaved rounds (order swapped each round); the ratio is the trimmed mean of
    // per-round ratios, as for the connectors: the gateway shares the two cores with us.
    const before = client.requestCount;
    await cpuMicros(forward, { iterations: 1_000, warmup: 0 });
    await cpuMicros(bareCall, { iterations: 1_000, warmup: 0 });
    const rounds = await interleavedRounds(forward, bareCall, GATEWAY_ROUNDS, GATEWAY_PER_ROUND);
    const executions = 1_000 + GATEWAY_ROUNDS * (GATEWAY_PER_ROUND + 10);
    const median = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)]!;
    const bare = median(rounds.bare.cpu);
    const cpu = bare * trimmedMeanRatio(rounds.connector.cpu, rounds.bare.cpu);
    const perExecution = (client.requestCount - before) / executions;
    await dispatcher.close();
    await client.close();
    // Can come out below zero: both sides carry the same I/O and the two cores are shared with the gateway.
    const own = cpu - bare;
    return [
      {
        group: 'nodes: through the gateway client (gateway in its own process)',
        name: 'end to end: CPU per node execution minus a bare undici POST (informative)',
        value: own,
        unit: 'µs CPU',
        baseline: { name: 'node:http keep-alive loopback round trip, µs', value: trip },
        ratio: own / trip,
        note:
          'moves by several µs between runs (a second process on the two shared cores), more than the goal ' +
          'allows, so the goal is judged on the canned-transport row (`client` part); ' +
          `${cpu.toFixed(1)} µs with the request, bare POST ${bare.toFixed(1)} µs; ` +
          `bare POST × the trimmed mean of per-round ratios, ${GATEWAY_ROUNDS} interleaved rounds of ` +
          `${GATEWAY_PER_ROUND} calls` +
          `${own < 0 ? ' — below the noise of this measurement' : ''}`,
      },
      {
        group: 'nodes: through the gateway client (gateway in its own process)',
        name: 'HTTP requests per node execution',
        value: perExecution,
        unit: 'requests',
        goal: 'exactly 1',
        met: perExecution === 1,
      },
    ];
  } finally {
    child.kill('SIGTERM');
  }
}
