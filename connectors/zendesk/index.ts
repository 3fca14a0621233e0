import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { zendeskSettingsSchema } from './schema';
import { ZENDESK_CAPABILITIES, createZendeskConnector, type ZendeskConnectorOverrides } from './connector';

export * from './connector';
export {
  zendeskSettingsSchema,
  zendeskOptionsSchema,
  type ZendeskSettings,
  type ZendeskSettingsInput,
  type ZendeskOptions,
} from './schema';
export { zendeskConnection, ZENDESK_CONNECTION_TYPE, type ZendeskConnectionSchema } from './connection';
export {
  createZendeskWebhook,
  parseZendeskWebhook,
  verifyApiKey,
  API_KEY_HEADER,
  AGENT_WORKSPACE_SOURCE,
  type ZendeskWebhookOptions,
} from './webhook';
export { JwtSigner, basicAuthorization, scopeForKey } from './auth';
export { zendeskErrorDetails, REQUEST_ID_HEADER } from './errors';
export { META as ZENDESK_METADATA_KEYS, handoverMetadata, matchesIntegration } from './metadata';
export { TICKET_STAYS_OPEN } from './handover';

/** The connector definition for the provider registry. */
export function zendeskConnector(overrides: ZendeskConnectorOverrides = {}) {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'zendesk',
    label: 'Zendesk (Sunshine Conversations)',
    description:
      'Hands the conversation to Zendesk Agent Workspace through the Sunshine Conversations switchboard; agent ' +
      'replies arrive as webhooks.',
    settingsSchema: zendeskSettingsSchema,
    capabilities: ZENDESK_CAPABILITIES,
    create: (settings, runtime) => createZendeskConnector(settings, runtime, overrides),
  });
}
