import { objectShape, parseOrThrow, settingMeta } from 'handover-kit/contract';
import { chatwootSettingsSchema, type ChatwootSettings, type ChatwootSettingsInput } from './schema';

/**
 * The Cognigy Connection for extension users (`IConnectionSchema` of `@cognigy/extension-tools`).
 * Its fields are the settings schema's keys, so the two cannot drift; every value arrives as a
 * string, which the settings schema accepts ("7", "true", "a, b", "" for unset).
 */
export interface CognigyConnectionSchema {
  type: string;
  label: string;
  fields: Array<{ fieldName: string }>;
}

export const CHATWOOT_CONNECTION_TYPE = 'handover-kit-chatwoot';

const shape = objectShape(chatwootSettingsSchema);
if (!shape) throw new Error('chatwoot settings schema has no object shape');

/** Field names in schema order. */
export const chatwootConnectionFields = Object.keys(shape) as Array<keyof ChatwootSettings>;

export const chatwootConnection: CognigyConnectionSchema = {
  type: CHATWOOT_CONNECTION_TYPE,
  label: 'Chatwoot / Cognigy Live Agent (handover-kit)',
  fields: chatwootConnectionFields.map((fieldName) => ({ fieldName })),
};

/** What a node receives as `config.connection` for this connection. */
export type ChatwootConnection = { [K in keyof ChatwootSettingsInput]?: string };

/** Labels and help texts per field, for README tables and forms. */
export function chatwootConnectionHelp(): Array<{
  fieldName: string;
  label?: string;
  description?: string;
  secret: boolean;
}> {
  return chatwootConnectionFields.map((fieldName) => {
    const meta = settingMeta(shape![fieldName]!);
    return { fieldName, label: meta.label, description: meta.description, secret: meta.secret === true };
  });
}

/** Validates a connection's values into settings; a `HandoverConfigError` names each bad field. */
export function settingsFromConnection(connection: ChatwootConnection | Record<string, unknown>): ChatwootSettings {
  // Cognigy may hand over keys it added itself; only ours are validated.
  const known = Object.fromEntries(
    Object.entries(connection).filter(([k]) => (chatwootConnectionFields as string[]).includes(k)),
  );
  return parseOrThrow(chatwootSettingsSchema, known, 'Chatwoot connection', 'connection');
}
