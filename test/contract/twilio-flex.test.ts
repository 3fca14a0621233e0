import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { twilioFlexVendor } from './vendors/twilio-flex';

runConnectorContract({ name: 'twilio-flex', setup: (events) => contractHarness(twilioFlexVendor(), events) }, { describe, it });
