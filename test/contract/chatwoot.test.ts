import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { chatwootVendor } from './vendors/chatwoot';

runConnectorContract(
  vendorContract('chatwoot (signed webhooks)', () => chatwootVendor('chatwoot')),
  { describe, it },
);
const liveAgent = () => chatwootVendor('live-agent');
runConnectorContract(vendorContract('cognigy live agent (url-token webhooks)', liveAgent), { describe, it });
