import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { eightByEightVendor } from './vendors/eight-by-eight';

runConnectorContract({ name: '8x8', setup: (events) => contractHarness(eightByEightVendor(), events) }, { describe, it });
