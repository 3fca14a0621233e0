import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { simulatedVendor } from './vendors/simulated';

const runner = { describe, it };
runConnectorContract({ name: 'simulated (push)', setup: (events) => contractHarness(simulatedVendor('push'), events) }, runner);
runConnectorContract({ name: 'simulated (webhook)', setup: (events) => contractHarness(simulatedVendor('webhook'), events) }, runner);
