import { describe, expect, it } from 'vitest';
import { objectShape, secretFields } from 'handover-kit/contract';
import {
  CHATWOOT_CAPABILITIES,
  chatwootConnection,
  chatwootConnectionHelp,
  chatwootConnector,
  chatwootSettingsSchema,
} from 'handover-kit/connectors/chatwoot';

describe('chatwoot definition and Cognigy Connection', () => {
  it('the connection lists exactly the settings keys, as Cognigy expects ({ type, label, fields: [{ fieldName }] })', () => {
    expect(chatwootConnection.type).toBe('handover-kit-chatwoot');
    expect(chatwootConnection.fields.map((f) => f.fieldName)).toEqual(
      Object.keys(objectShape(chatwootSettingsSchema)!),
    );
    expect(chatwootConnection.fields.map((f) => f.fieldName)).toEqual(
      expect.arrayContaining([
        'baseUrl',
        'accountId',
        'apiAccessToken',
        'inboxId',
        'webhookSecret',
        'teamId',
        'verification',
      ]),
    );
  });

  it('marks the token and the webhook secret as secrets, and labels every field', () => {
    expect(secretFields(chatwootSettingsSchema)).toEqual(['apiAccessToken', 'webhookSecret']);
    for (const help of chatwootConnectionHelp()) {
      expect(help.label, help.fieldName).toBeTruthy();
      expect(help.description, help.fieldName).toBeTruthy();
    }
  });

  it('the definition is type chatwoot with honest capabilities', () => {
    const def = chatwootConnector();
    expect(def).toMatchObject({ specificationVersion: 'v1', type: 'chatwoot', capabilities: CHATWOOT_CAPABILITIES });
    expect(CHATWOOT_CAPABILITIES).toMatchObject({
      availability: true,
      queuePosition: false,
      estimatedWaitTime: false,
      skills: false,
      languages: false,
      priority: true,
      queueRouting: true,
      transcript: true,
      customAttributes: true,
      closeFromBot: true,
      attachments: false,
      typing: true,
      agentJoined: true,
      webhooks: true,
      pushEvents: false,
      businessHours: false,
    });
  });
});
