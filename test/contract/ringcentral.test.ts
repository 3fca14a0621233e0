import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { ringcentralVendor } from './vendors/ringcentral';

runConnectorContract({ name: 'ringcentral', setup: (events) => contractHarness(ringcentralVendor(), events) }, { describe, it });
