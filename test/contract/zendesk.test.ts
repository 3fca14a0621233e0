import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { zendeskVendor } from './vendors/zendesk';

const basic = () => zendeskVendor({ authMode: 'basic', support: true });
const jwt = () => zendeskVendor({ authMode: 'jwt', support: false });
runConnectorContract(vendorContract('zendesk (basic auth, Support API)', basic), { describe, it });
runConnectorContract(vendorContract('zendesk (jwt, no Support API)', jwt), { describe, it });
