import { objectShape } from 'handover-kit/contract';
import { zendeskSettingsSchema } from './schema';

/**
 * The Cognigy Connection for extension users (`IConnectionSchema` of @cognigy/extension-tools):
 * one field per settings key, derived from the settings schema so the two never drift. Cognigy
 * keeps every connection field as a string; validate with `zendeskSettingsSchema` after coercing
 * the numeric field (`requestTimeoutMs`, `transcriptLimit`).
 */
export interface ZendeskConnectionSchema {
  type: string;
  label: string;
  fields: Array<{ fieldName: string }>;
}

export const ZENDESK_CONNECTION_TYPE = 'handover-kit-zendesk';

export const zendeskConnection: ZendeskConnectionSchema = {
  type: ZENDESK_CONNECTION_TYPE,
  label: 'Zendesk Sunshine Conversations (handover-kit)',
  fields: Object.keys(objectShape(zendeskSettingsSchema) ?? {}).map((fieldName) => ({ fieldName })),
};
