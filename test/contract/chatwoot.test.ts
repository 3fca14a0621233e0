import { describe, it } from 'vitest';
import { runConnectorContract } from 'handover-kit/testing';
import { contractHarness } from './vendors';
import { chatwootVendor } from './vendors/chatwoot';

const runner = { describe, it };
runConnectorContract({ name: 'chatwoot (signed webhooks)', setup: (events) => contractHarness(chatwootVendor('chatwoot'), events) }, runner);
runConnectorContract({ name: 'cognigy live agent (url-token webhooks)', setup: (events) => contractHarness(chatwootVendor('live-agent'), events) }, runner);
