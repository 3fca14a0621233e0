import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { cxoneVendor } from './vendors/cxone';

runConnectorContract(vendorContract('cxone', cxoneVendor), { describe, it });
