import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { vendorContract } from './vendors';
import { twilioFlexVendor } from './vendors/twilio-flex';

runConnectorContract(vendorContract('twilio-flex', twilioFlexVendor), { describe, it });
