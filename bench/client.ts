/**
 * The gateway client's own CPU per node execution, with the transport canned (see canned-http.ts),
 * in a process of its own that has opened no real socket before: node:http code that has seen only
 * one kind of socket runs as it does in an extension that talks to one gateway.
 */
import { SimulatedCenters, simulatedConnector } from '../dist/connectors/simulated.js';
import { createHandoverKit } from '../dist/index.js';
import { clientOverheadRows, measureClientOverhead } from './canned-http';
import type { BenchRow } from './lib';
import { executor, inputOf, roundTripMicros } from './nodes';

/** The JSON body the gateway answers a forwarded message with (the service's outcome, serialised). */
async function forwardAnswer(): Promise<string> {
  const centers = new SimulatedCenters();
  centers.get('bench', { autoAssign: true, agents: [{ id: 'a', name: 'A', capacity: 10 }] });
  const kit = await createHandoverKit({
    connectors: [simulatedConnector({ centers })],
    providers: [{ id: 'simulated', name: 'Simulated', type: 'simulated', settings: { center: 'bench' } }],
  });
  const session = { userId: 'u1', sessionId: 's1' };
  await kit.service.startHandover({ providerId: 'simulated', session });
  const outcome = await kit.service.sendUserMessage({ session, text: 'hello', messageId: 'm1' });
  await kit.close();
  return JSON.stringify(outcome);
}

export async function benchClient(): Promise<BenchRow[]> {
  const answer = await forwardAnswer();
  // The context remembers the handover the gateway answers with, as it does after a real start.
  const { handover } = JSON.parse(answer) as { handover: { id: string; providerId: string; status: string } };
  const state = { handoverId: handover.id, providerId: handover.providerId, status: handover.status };
  const live = () => ({ handoverKit: { ...state } });
  const measured = await measureClientOverhead(answer, executor, inputOf, live);
  return clientOverheadRows(await roundTripMicros(), measured);
}
