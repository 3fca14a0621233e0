/**
 * Node execution overhead: the CPU the node code itself spends per execution (config validation,
 * reading the input, building the request, routing), against one keep-alive loopback HTTP round
 * trip measured in the same run. The service is a stub that answers at once, so only the node's
 * own work is timed; the in-process service on the simulated center is reported beside it.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent, request } from 'undici';
import type { INodeDescriptor } from '@cognigy/extension-tools';
import { createHandoverNodes, flowEventData, type HandoverApi, type HandoverView } from '../dist/index.js';
import { SimulatedCenters, simulatedConnector } from '../dist/connectors/simulated.js';
import { createHandoverKit } from '../dist/index.js';
import { cpuMicros, wallMicros, type BenchRow } from './lib';

const view: HandoverView = { id: 'ho_1', providerId: 'p', status: 'queue', createdAt: 0, updatedAt: 0, inactivityCount: 0, attempts: [], queuePosition: 2 };
const stub: HandoverApi = {
  checkAvailability: async () => ({ providerId: 'p', available: true, agentsAvailable: 2 }),
  startHandover: async () => ({ handover: view, alreadyInProgress: false }),
  sendUserMessage: async () => ({ forwarded: true, duplicate: false, handover: view }),
  getHandover: async () => view,
  closeHandover: async () => ({ closed: true, handover: { ...view, status: 'completed' } }),
  setInactivity: async () => ({ armed: true, handover: view }),
};

const handoverConfig = {
  providerId: 'p', text: 'Connecting you…', repeatHandoverMessage: false, cancelIntent: 'cancel', quickReply: 'Cancel', resolveBehavior: 'resetEntrypoint',
  sendResolveEvent: true, sendOnQueueEvent: true, sendOnActiveEvent: true, getQueuePosition: true, updateIntervalQueuePosition: 30, queuePositionText: '',
  getEstimatedWaitTime: false, updateIntervalEstimatedWaitTime: 60, estimatedWaitTimeText: '', alternativeUpdate: false, maximumQueuePosition: '', maximumEstimatedWaitTime: '',
  alternativeText: '', inboxId: 'support', skills: ['billing'], languages: [], priority: 'none', customAttributes: { tier: 'gold' }, sendTranscript: false,
  fallbackProviderIds: [], requireAvailableAgent: false, enableUserConnectsMessage: true, enableUserDisconnectsMessage: true, agentJoinedText: '', idleTimeoutMinutes: '',
};

/** One execution as Cognigy makes it: fresh input and api objects each time. */
function executor(node: INodeDescriptor, config: Record<string, unknown>, input: () => Record<string, unknown>, context: () => Record<string, unknown> = () => ({})) {
  const children = (node.dependencies?.children ?? []).map((type) => ({ id: type, type, config: {} }));
  const noop = () => {};
  return () =>
    node.function!({
      cognigy: { api: { say: noop, log: noop, addToContext: noop, addToInput: noop, setNextNode: noop, stopExecution: noop }, input: input(), context: context(), profile: {} } as never,
      config: { ...config },
      childConfigs: children,
      nodeId: 'n1',
    });
}

async function roundTripMicros(): Promise<number> {
  const server = createServer((_, res) => res.end('{}'));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const dispatcher = new Agent({ keepAliveTimeout: 30_000 });
  const micros = await wallMicros(async () => (await request(url, { method: 'POST', body: '{}', dispatcher })).body.dump(), { iterations: 5000 });
  await dispatcher.close();
  server.close();
  return micros;
}

export async function benchNodes(): Promise<BenchRow[]> {
  const nodes = createHandoverNodes({ service: stub });
  const byType = (t: string) => nodes.find((n) => n.type === t)!;
  const session = () => ({ userId: 'u1', sessionId: 's1', text: 'hello', inputId: 'i1', data: {} });
  const live = () => ({ handoverKit: { handoverId: 'ho_1', providerId: 'p', status: 'active' } });
  const cases: Array<[string, () => unknown]> = [
    ['Handover to Agent (start)', executor(byType('handoverToAgent'), handoverConfig, session)],
    ['Handover to Agent (user message forwarded)', executor(byType('handoverToAgent'), handoverConfig, session, live)],
    ['Lookup Handover Status (routes an injected event)', executor(byType('lookupHandoverStatus'), { forwardUserInput: true }, () => ({ ...session(), data: flowEventData({ status: 'active', handoverId: 'ho_1', providerId: 'p' }) }))],
    ['Check Agent Availability', executor(byType('checkAgentAvailability'), { providerId: 'p', storeLocation: 'input', inputKey: 'availableAgents', contextKey: 'availableAgents', detailsKey: 'agentAvailability', errorLogging: 'basic', abortOnError: false }, session)],
    ['Close Handover', executor(byType('closeHandover'), { closeHandoverInProvider: true, storeLocation: 'input', inputKey: 'handoverClose', contextKey: 'handoverClose' }, session)],
    ['Set Handover Inactivity', executor(byType('setHandoverInactivity'), { timer: '2' }, session)],
  ];
  const trip = await roundTripMicros();
  const rows: BenchRow[] = [];
  for (const [name, run] of cases) {
    const cpu = await cpuMicros(run, { iterations: 20_000 });
    rows.push({
      group: 'nodes: own CPU per execution (service stubbed)',
      name,
      value: cpu,
      unit: 'µs CPU',
      baseline: { name: 'keep-alive loopback HTTP round trip, µs', value: trip },
      ratio: cpu / trip,
      goal: '≤ 5 % of a round trip',
      met: cpu / trip <= 0.05,
    });
  }

  // The same node on the real in-process service and simulated center, for scale.
  const centers = new SimulatedCenters();
  centers.get('bench', { autoAssign: true, agents: [{ id: 'a', name: 'A', capacity: 1_000_000 }] });
  const kit = await createHandoverKit({ connectors: [simulatedConnector({ centers })], providers: [{ id: 'p', name: 'P', type: 'simulated', settings: { center: 'bench' } }] });
  const inProcess = createHandoverNodes({ service: kit.service }).find((n) => n.type === 'lookupHandoverStatus')!;
  await kit.service.startHandover({ providerId: 'p', session: { userId: 'u1', sessionId: 's1' } });
  let n = 0;
  const forward = executor(inProcess, { forwardUserInput: true }, () => ({ ...session(), inputId: `i${++n}` }), live);
  const total = await wallMicros(forward, { iterations: 20_000 });
  rows.push({ group: 'nodes: own CPU per execution (service stubbed)', name: 'Lookup forwarding a user message, in-process service + simulated center (wall)', value: total, unit: 'µs', note: 'node + service + connector' });
  await kit.close();
  return rows;
}
