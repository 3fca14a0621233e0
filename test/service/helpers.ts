import { createHandoverKit, type HandoverEvent } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { SimulatedCenters, simulatedConnector, type CenterConfig } from 'handover-kit/connectors/simulated';

export const session = { userId: 'user-1', sessionId: 'session-1', urlToken: 'url-token' };

/** A kit on the fake clock with one simulated center; `center` acts as the agents. */
export async function setup(
  config: CenterConfig = { agents: [{ id: 'anna', name: 'Anna', capacity: 5 }] },
  providers = [{ id: 'sim', name: 'Sim', type: 'simulated' }],
) {
  const clock = createFakeClock();
  const centers = new SimulatedCenters();
  const center = centers.get('default', config, clock);
  const kit = await createHandoverKit({ connectors: [simulatedConnector({ centers })], clock, providers });
  clock.settle = () => kit.service.idle();
  return { clock, centers, center, kit, service: kit.service, delivery: kit.delivery };
}

export function event(
  conversationId: string,
  sequence: number | undefined,
  body: Record<string, unknown>,
): HandoverEvent {
  return {
    conversationId,
    eventId: `e-${sequence ?? body.text}`,
    occurredAt: 1000 + (sequence ?? 0),
    ...(sequence !== undefined ? { sequence } : {}),
    ...body,
  } as HandoverEvent;
}
