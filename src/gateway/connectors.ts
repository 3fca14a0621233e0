import type { ConnectorDefinitionV1 } from '../contract';
import { SimulatedCenters, simulatedConnector } from '../../connectors/simulated';
import { chatwootConnector } from '../../connectors/chatwoot';
import { cxoneConnector } from '../../connectors/cxone';
import { genesysConnector } from '../../connectors/genesys';
import { ringcentralConnector } from '../../connectors/ringcentral';
import { zendeskConnector } from '../../connectors/zendesk';
import { twilioFlexConnector } from '../../connectors/twilio-flex';
import { eightByEightConnector } from '../../connectors/8x8';
import { salesforceMiawConnector } from '../../connectors/salesforce-miaw';

/**
 * The connector types `npx handover-kit gateway` offers out of the box. Embedding the gateway, pass
 * your own list to `createGateway({ connectors })` instead.
 */
export function builtInConnectors(options: { centers?: SimulatedCenters } = {}): ConnectorDefinitionV1[] {
  return [
    simulatedConnector({ centers: options.centers ?? new SimulatedCenters() }),
    chatwootConnector(),
    cxoneConnector(),
    genesysConnector(),
    ringcentralConnector(),
    zendeskConnector(),
    twilioFlexConnector(),
    eightByEightConnector(),
    salesforceMiawConnector(),
  ];
}
