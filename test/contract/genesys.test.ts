import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { genesysVendor } from './vendors/genesys';

runConnectorContract(vendorContract('genesys', genesysVendor), { describe, it });
