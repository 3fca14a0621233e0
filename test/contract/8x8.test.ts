import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { eightByEightVendor } from './vendors/eight-by-eight';

runConnectorContract(vendorContract('8x8', eightByEightVendor), { describe, it });
