import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { simulatedVendor } from './vendors/simulated';

// #region readme
runConnectorContract(
  vendorContract('simulated (push)', () => simulatedVendor('push')),
  { describe, it },
);
runConnectorContract(
  vendorContract('simulated (webhook)', () => simulatedVendor('webhook')),
  { describe, it },
);
// #endregion
