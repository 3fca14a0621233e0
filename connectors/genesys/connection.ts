import { objectShape } from 'handover-kit/contract';
import { genesysSettingsSchema } from './schema';

/** The shape of a Cognigy Extension connection (`IConnectionSchema` in @cognigy/extension-tools). */
export interface CognigyConnectionSchema {
  type: string;
  label: string;
  fields: Array<{ fieldName: string }>;
}

/**
 * The Cognigy Connection for extension users: one field per settings key, taken from the settings
 * schema so the two cannot drift. Numbers arrive as strings from Cognigy and are coerced by the schema.
 */
export const genesysConnection: CognigyConnectionSchema = {
  type: 'genesys',
  label: 'Genesys Cloud Open Messaging',
  fields: Object.keys(objectShape(genesysSettingsSchema) ?? {}).map((fieldName) => ({ fieldName })),
};
