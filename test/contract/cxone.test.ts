import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { cxoneVendor } from './vendors/cxone';

runConnectorContract({ name: 'cxone', setup: (events) => contractHarness(cxoneVendor(), events) }, { describe, it });
