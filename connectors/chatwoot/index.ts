import { SPECIFICATION_VERSION, defineConnector } from 'handover-kit/contract';
import { chatwootSettingsSchema } from './schema';
import { CHATWOOT_CAPABILITIES, createChatwootConnector, type ChatwootConnectorOptions } from './connector';

export * from './connector';
export {
  chatwootSettingsSchema,
  normalizeBaseUrl,
  verificationMode,
  type ChatwootSettings,
  type ChatwootSettingsInput,
  type Flavour,
  type VerificationMode,
} from './schema';
export {
  chatwootConnection,
  chatwootConnectionFields,
  chatwootConnectionHelp,
  settingsFromConnection,
  CHATWOOT_CONNECTION_TYPE,
  type ChatwootConnection,
  type CognigyConnectionSchema,
} from './connection';
export { chatwootOptionsSchema, type ChatwootOptions } from './routing';
export { sourceIdFor } from './start';
export {
  createChatwootWebhook,
  chatwootSignature,
  parseChatwootWebhook,
  verifyChatwootWebhook,
  DELIVERY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  TOKEN_PARAM,
  type ParseOptions,
  type VerifyOptions,
} from './webhook';

/** The connector definition (type `chatwoot`), for a `ProviderRegistry`. */
export function chatwootConnector(options: ChatwootConnectorOptions = {}) {
  return defineConnector({
    specificationVersion: SPECIFICATION_VERSION,
    type: 'chatwoot',
    label: 'Chatwoot / Cognigy Live Agent',
    description:
      'Hands conversations to agents in a Chatwoot (or Cognigy Live Agent) API inbox: routing by team, priority ' +
      'and labels, transcript as a private note, events by webhook.',
    settingsSchema: chatwootSettingsSchema,
    capabilities: CHATWOOT_CAPABILITIES,
    create: (settings, runtime) => createChatwootConnector(settings, runtime, options),
  });
}
