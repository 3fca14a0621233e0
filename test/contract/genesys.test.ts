import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { genesysVendor } from './vendors/genesys';

runConnectorContract({ name: 'genesys', setup: (events) => contractHarness(genesysVendor(), events) }, { describe, it });
