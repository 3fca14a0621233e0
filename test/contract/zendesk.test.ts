import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { zendeskVendor } from './vendors/zendesk';

const runner = { describe, it };
runConnectorContract({ name: 'zendesk (basic auth, Support API)', setup: (events) => contractHarness(zendeskVendor({ authMode: 'basic', support: true }), events) }, runner);
runConnectorContract({ name: 'zendesk (jwt, no Support API)', setup: (events) => contractHarness(zendeskVendor({ authMode: 'jwt', support: false }), events) }, runner);
