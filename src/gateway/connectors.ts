import type { ConnectorDefinition } from '../spec';
import { SimulatedCenters, simulatedConnector } from '../../connectors/simulated';

/**
 * The connector types `npx handover-kit gateway` offers out of the box. Embedding the gateway, pass
 * your own list to `createGateway({ connectors })` instead.
 */
export function builtInConnectors(options: { centers?: SimulatedCenters } = {}): ConnectorDefinition[] {
  return [simulatedConnector({ centers: options.centers ?? new SimulatedCenters() }) as unknown as ConnectorDefinition];
}
