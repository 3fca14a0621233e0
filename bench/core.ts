/**
 * Core benchmarks: the handover service's own overhead per operation on the simulated center,
 * and memory per live handover in the in-memory store.
 */
import { MemoryDelivery, ProviderRegistry, HandoverService } from '../dist/index.js';
import {
  SPECIFICATION_VERSION,
  defineCapabilities,
  defineConnector,
  type HandoverConnectorV1,
} from '../dist/contract.js';
import { SimulatedCenters, simulatedConnector } from '../dist/connectors/simulated.js';
import { z } from 'zod';
import { heapUsed, wallMicros, type BenchRow } from './lib';

/** A connector that keeps nothing, so memory figures count only handover-kit's own state. */
const nullConnector = defineConnector({
  specificationVersion: SPECIFICATION_VERSION,
  type: 'null',
  label: 'Null',
  settingsSchema: z.object({}),
  capabilities: defineCapabilities({ closeFromBot: true }),
  create(): HandoverConnectorV1 {
    let n = 0;
    return {
      specificationVersion: SPECIFICATION_VERSION,
      type: 'null',
      capabilities: defineCapabilities({ closeFromBot: true }),
      doCheckAvailability: async () => ({ available: true }),
      doStartHandover: async () => ({ conversationId: `x${++n}`, status: 'queue' }),
      doSendMessage: async () => ({ duplicate: false }),
      doGetStatus: async () => ({ status: 'queue' }),
      doCloseHandover: async () => ({ alreadyClosed: false }),
    };
  },
});

async function overheadRows(): Promise<BenchRow[]> {
  const centers = new SimulatedCenters();
  // Push routing keeps the queue empty, so each start costs the same (no growing queue to re-announce).
  const center = centers.get('bench', { autoAssign: true, agents: [{ id: 'a', name: 'A', capacity: 1_000_000 }] });
  const registry = new ProviderRegistry({ connectors: [simulatedConnector({ centers })] });
  await registry.create({ id: 'sim', name: 'Sim', type: 'simulated', settings: { center: 'bench' } });
  const delivery = new MemoryDelivery();
  const service = new HandoverService({ registry, delivery });
  const { connector } = await registry.connector('sim');
  const rows: BenchRow[] = [];
  const row = (name: string, viaService: number, direct: number) =>
    rows.push({
      group: 'core: service overhead per operation (simulated center)',
      name,
      value: viaService - direct,
      unit: 'µs added',
      baseline: { name: 'connector call alone, µs', value: direct },
      note: `${viaService.toFixed(2)} µs through the service`,
    });

  // start: each iteration a new session (the service part includes insert + commit).
  let i = 0;
  const startVia = await wallMicros(
    () => service.startHandover({ providerId: 'sim', session: { userId: `u${++i}`, sessionId: 's' } }),
    { iterations: 5000 },
  );
  let j = 0;
  const startDirect = await wallMicros(
    () =>
      connector.doStartHandover({
        idempotencyKey: `d${++j}`,
        user: { id: 'u' },
        routing: {},
        transcript: [],
        customAttributes: {},
      }),
    { iterations: 5000 },
  );
  row('start handover', startVia, startDirect);

  // a live session to message and query
  const session = { userId: 'live', sessionId: 's' };
  await service.startHandover({ providerId: 'sim', session });
  const conv = center.listConversations({ owner: 'sim' }).at(-1)!;
  let m = 0;
  const sendVia = await wallMicros(() => service.sendUserMessage({ session, text: 'hello', messageId: `m${++m}` }), {
    iterations: 20000,
  });
  const sendDirect = await wallMicros(
    () => connector.doSendMessage({ conversationId: conv.id, messageId: `d${++m}`, user: { id: 'u' }, text: 'hello' }),
    { iterations: 20000 },
  );
  row('forward a user message', sendVia, sendDirect);

  const getVia = await wallMicros(() => service.getHandover({ session }), { iterations: 20000 });
  const getDirect = await wallMicros(() => connector.doGetStatus({ conversationId: conv.id }), { iterations: 20000 });
  row('get status', getVia, getDirect);

  let e = 0;
  const ingest = await wallMicros(
    () =>
      service.ingest('sim', [
        { type: 'agent-message', conversationId: conv.id, eventId: `b${++e}`, occurredAt: 1, text: 'hi' },
      ]),
    { iterations: 20000 },
  );
  rows.push({
    group: 'core: service overhead per operation (simulated center)',
    name: 'ingest an agent message (dedupe, status machine, delivery)',
    value: ingest,
    unit: 'µs',
  });
  await service.close();
  await registry.close();
  return rows;
}

async function memoryRows(count: number): Promise<BenchRow[]> {
  const registry = new ProviderRegistry({ connectors: [nullConnector] });
  await registry.create({ id: 'null', name: 'Null', type: 'null' });
  const service = new HandoverService({ registry, delivery: new MemoryDelivery() });
  await registry.connector('null');
  // The same node config for every handover, as in a real flow (configs are shared, not copied).
  const behaviour = { sendQueueEvent: true, sendActiveEvent: true };
  await service.startHandover({ providerId: 'null', session: { userId: 'warm', sessionId: 'up' }, behaviour });
  const before = heapUsed();
  for (let n = 0; n < count; n++) {
    await service.startHandover({
      providerId: 'null',
      session: {
        userId: `user-${n}`,
        sessionId: `session-${n}-0123456789`,
        urlToken: 'url-token-of-the-endpoint-0123456789',
      },
      behaviour,
    });
  }
  const after = heapUsed();
  const counts = await registry.store.countByStatus();
  const perHandover = (after - before) / count;
  await service.close();
  return [
    {
      group: 'core: memory',
      name: `heap per live handover, ${counts.queue.toLocaleString('en')} live in the in-memory store`,
      value: perHandover,
      unit: 'bytes',
      goal: '≤ 2 KB',
      met: perHandover <= 2048,
      note: (globalThis as { gc?: unknown }).gc ? 'after forced GC' : 'run with --expose-gc for a stable figure',
    },
  ];
}

export async function benchCore(options: { liveHandovers?: number } = {}): Promise<BenchRow[]> {
  return [...(await overheadRows()), ...(await memoryRows(options.liveHandovers ?? 100_000))];
}
