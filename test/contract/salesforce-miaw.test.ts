import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { salesforceMiawVendor } from './vendors/salesforce-miaw';

runConnectorContract(vendorContract('salesforce-miaw', salesforceMiawVendor), { describe, it });
