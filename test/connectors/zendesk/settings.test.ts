import { describe, expect, it } from 'vitest';
import { HandoverConfigError, MASKED_SECRET, ProviderRegistry } from 'handover-kit';
import { objectShape, secretFields } from 'handover-kit/contract';
import {
  ZENDESK_CAPABILITIES,
  zendeskConnection,
  zendeskConnector,
  zendeskSettingsSchema,
} from 'handover-kit/connectors/zendesk';

const valid = {
  subdomain: 'acme',
  appId: '5ebee0975ac5304b664a12fa',
  keyId: 'app_5ebee0975ac5304b664a12fb',
  keySecret: 'key-secret-value-123',
  botIntegration: 'handover-bot',
  webhookSecret: 'webhook-secret-456',
};

async function createWith(settings: Record<string, unknown>) {
  const registry = new ProviderRegistry({ connectors: [zendeskConnector()] });
  try {
    return await registry.create({ id: 'zd', name: 'Zendesk', type: 'zendesk', settings });
  } finally {
    await registry.close();
  }
}

async function fieldOf(settings: Record<string, unknown>): Promise<{ paths: string[]; message: string }> {
  const error = await createWith(settings).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(HandoverConfigError.isInstance(error), 'expected HandoverConfigError').toBe(true);
  const e = error as HandoverConfigError;
  return { paths: e.issues.map((i) => i.path), message: e.message };
}

describe('zendesk settings', () => {
  it('fills the defaults', () => {
    expect(zendeskSettingsSchema.parse(valid)).toEqual({
      ...valid,
      authMode: 'basic',
      agentIntegration: 'zd-agentWorkspace',
      transcript: 'messages',
      transcriptLimit: 50,
      requestTimeoutMs: 10_000,
    });
  });

  it.each([
    ['no subdomain and no baseUrl', { subdomain: undefined }, 'settings.subdomain'],
    ['a full host as subdomain', { subdomain: 'acme.zendesk.com' }, 'settings.subdomain'],
    ['an http base URL', { baseUrl: 'http://api.smooch.io' }, 'settings.baseUrl'],
    ['a key id with the secret glued on', { keyId: 'app_1:secret' }, 'settings.keyId'],
    ['no bot integration', { botIntegration: undefined }, 'settings.botIntegration'],
    ['an integration name with spaces', { botIntegration: 'my bot' }, 'settings.botIntegration'],
    ['a short webhook secret', { webhookSecret: 'abc' }, 'settings.webhookSecret'],
    ['a Support email without token', { supportEmail: 'admin@example.com' }, 'settings.supportApiToken'],
    ['a Support token without email', { supportApiToken: 'tok-123' }, 'settings.supportEmail'],
    [
      'Support credentials without a host',
      { subdomain: undefined, baseUrl: 'https://api.smooch.io', supportEmail: 'a@b.co', supportApiToken: 't' },
      'settings.supportBaseUrl',
    ],
    ['an unknown key', { region: 'eu' }, 'settings'],
    ['an unknown auth mode', { authMode: 'oauth' }, 'settings.authMode'],
  ])('rejects %s, naming the field', async (_name, patch, path) => {
    const { paths, message } = await fieldOf({ ...valid, ...patch });
    expect(paths).toContain(path);
    expect(message).not.toContain(valid.keySecret);
  });

  it('accepts a legacy smooch host instead of a subdomain, and a loopback http URL for tests', async () => {
    await expect(
      createWith({ ...valid, subdomain: undefined, baseUrl: 'https://api.eu-1.smooch.io' }),
    ).resolves.toBeDefined();
    await expect(createWith({ ...valid, baseUrl: 'http://127.0.0.1:9999/sc' })).resolves.toBeDefined();
  });

  it('marks the three secrets, and the registry masks them', async () => {
    expect(secretFields(zendeskSettingsSchema).sort()).toEqual(['keySecret', 'supportApiToken', 'webhookSecret']);
    const view = await createWith({
      ...valid,
      supportEmail: 'admin@example.com',
      supportApiToken: 'support-token-789',
    });
    expect(view.settings).toMatchObject({
      keySecret: MASKED_SECRET,
      webhookSecret: MASKED_SECRET,
      supportApiToken: MASKED_SECRET,
      keyId: valid.keyId,
    });
  });

  it('derives the Cognigy connection fields from the settings schema', () => {
    expect(zendeskConnection.type).toBe('handover-kit-zendesk');
    expect(zendeskConnection.fields.map((f) => f.fieldName)).toEqual(Object.keys(objectShape(zendeskSettingsSchema)!));
    expect(zendeskConnection.fields.map((f) => f.fieldName)).toEqual(
      expect.arrayContaining(['subdomain', 'appId', 'keyId', 'keySecret', 'webhookSecret', 'supportApiToken']),
    );
  });
});

describe('zendesk capabilities', () => {
  it('declares what Zendesk can do; position, wait time, languages, hours and a joined signal it cannot', () => {
    expect(ZENDESK_CAPABILITIES).toMatchObject({
      availability: true,
      transcript: true,
      closeFromBot: true,
      webhooks: true,
      priority: true,
      queueRouting: true,
    });
    expect(ZENDESK_CAPABILITIES).toMatchObject({
      queuePosition: false,
      estimatedWaitTime: false,
      languages: false,
      businessHours: false,
      agentJoined: false,
      pushEvents: false,
    });
  });

  it('an instance has availability only with Support API credentials', async () => {
    const registry = new ProviderRegistry({ connectors: [zendeskConnector()] });
    try {
      await registry.create({ id: 'plain', name: 'Plain', type: 'zendesk', settings: valid });
      await registry.create({
        id: 'support',
        name: 'Support',
        type: 'zendesk',
        settings: { ...valid, supportEmail: 'admin@example.com', supportApiToken: 'tok-123' },
      });
      expect((await registry.capabilitiesOf('plain')).capabilities.availability).toBe(false);
      expect((await registry.capabilitiesOf('support')).capabilities.availability).toBe(true);
    } finally {
      await registry.close();
    }
  });
});
