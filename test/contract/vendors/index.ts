// Every connector type against its fake vendor, by name. The contract suite runs each entry; the
// routing example (examples/routing/any-connector.test.ts) puts each one behind the flow's VIP node.
// A new connector: add its vendor module here (one line), and both pick it up.
import { chatwootVendor } from './chatwoot';
import { cxoneVendor } from './cxone';
import { eightByEightVendor } from './eight-by-eight';
import { genesysVendor } from './genesys';
import { ringcentralVendor } from './ringcentral';
import { salesforceMiawVendor } from './salesforce-miaw';
import { simulatedVendor } from './simulated';
import { twilioFlexVendor } from './twilio-flex';
import type { Vendor } from './types';
import { zendeskVendor } from './zendesk';

export const VENDORS: Record<string, () => Promise<Vendor>> = {
  'simulated (push)': () => simulatedVendor('push'),
  'simulated (webhook)': () => simulatedVendor('webhook'),
  chatwoot: () => chatwootVendor('chatwoot'),
  'cognigy live agent': () => chatwootVendor('live-agent'),
  genesys: genesysVendor,
  zendesk: () => zendeskVendor({ authMode: 'basic', support: true }),
  '8x8': eightByEightVendor,
  ringcentral: ringcentralVendor,
  cxone: cxoneVendor,
  'twilio-flex': twilioFlexVendor,
  'salesforce-miaw': salesforceMiawVendor,
};

export { contractHarness, vendorContract, LateBinding, type Vendor } from './types';
