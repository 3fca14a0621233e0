import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { ringcentralVendor } from './vendors/ringcentral';

runConnectorContract(vendorContract('ringcentral', ringcentralVendor), { describe, it });
