import { describe, expect, it } from 'vitest';
import { HandoverConfigError, MASKED_SECRET, ProviderRegistry } from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { parseOrThrow, secretFields } from 'handover-kit/contract';
import {
  GENESYS_REGIONS,
  genesysConnection,
  genesysConnector,
  genesysSettingsSchema,
  normalizeRegion,
} from 'handover-kit/connectors/genesys';

const valid = {
  region: 'mypurecloud.de',
  clientId: 'client-1',
  clientSecret: 'client-secret-value',
  integrationId: '73cb7fb7-c2db-4996-88f3-0a83a4fea1da',
  queueId: '5f2b8a3e-1c4d-4e6f-9a0b-7c8d9e0f1a2b',
  webhookSecret: 'webhook-secret-0123456789',
};

function issuesOf(settings: Record<string, unknown>): string[] {
  try {
    parseOrThrow(genesysSettingsSchema, settings, 'Genesys Cloud settings', 'settings');
  } catch (error) {
    expect(HandoverConfigError.isInstance(error)).toBe(true);
    return (error as HandoverConfigError).issues.map((i) => i.path);
  }
  return [];
}

describe('genesys settings', () => {
  it('accepts the region as host, URL or SDK key, against the SDK region list', () => {
    expect(Object.keys(GENESYS_REGIONS)).toHaveLength(18);
    expect(genesysSettingsSchema.parse(valid).region).toBe('mypurecloud.de');
    expect(genesysSettingsSchema.parse({ ...valid, region: 'https://api.usw2.pure.cloud/' }).region).toBe(
      'usw2.pure.cloud',
    );
    expect(genesysSettingsSchema.parse({ ...valid, region: 'eu_central_1' }).region).toBe('mypurecloud.de');
    expect(normalizeRegion('login.mypurecloud.com.au')).toBe('mypurecloud.com.au');
    expect(normalizeRegion('mypurecloud.example')).toBeUndefined();
  });

  it('names the offending field', () => {
    expect(issuesOf({ ...valid, region: 'example.com' })).toEqual(['settings.region']);
    expect(issuesOf({ ...valid, region: undefined })).toEqual(['settings.region']);
    expect(issuesOf({ ...valid, integrationId: 'my-integration' })).toEqual(['settings.integrationId']);
    expect(issuesOf({ ...valid, queueId: 'Support' })).toEqual(['settings.queueId']);
    expect(issuesOf({ ...valid, clientId: '' })).toEqual(['settings.clientId']);
    expect(issuesOf({ ...valid, webhookSecret: 'short' })).toEqual(['settings.webhookSecret']);
    expect(issuesOf({ ...valid, pollIntervalMs: 5 })).toEqual(['settings.pollIntervalMs']);
    expect(issuesOf({ ...valid, apiBaseUrl: 'http://api.example.com' })).toEqual(['settings.apiBaseUrl']);
    expect(issuesOf({ ...valid, clientSecrt: 'typo' })).toEqual(['settings']);
  });

  it('allows plain http overrides on loopback only, and coerces numbers from Cognigy connection strings', () => {
    const parsed = genesysSettingsSchema.parse({
      ...valid,
      apiBaseUrl: 'http://127.0.0.1:4010',
      loginBaseUrl: 'https://login.proxy.example',
      pollIntervalMs: '2500',
    });
    expect(parsed).toMatchObject({
      apiBaseUrl: 'http://127.0.0.1:4010',
      pollIntervalMs: 2500,
      requestTimeoutMs: 10_000,
    });
    expect(genesysSettingsSchema.parse(valid).pollIntervalMs).toBe(5000);
  });

  it('marks both secrets, which the registry masks', async () => {
    expect(secretFields(genesysSettingsSchema).sort()).toEqual(['clientSecret', 'webhookSecret']);
    const registry = new ProviderRegistry({ connectors: [genesysConnector()], clock: createFakeClock() });
    const view = await registry.create({ id: 'g', name: 'Genesys', type: 'genesys', settings: valid });
    expect(view.settings).toMatchObject({
      clientSecret: MASKED_SECRET,
      webhookSecret: MASKED_SECRET,
      clientId: 'client-1',
    });
    const error = await registry
      .create({ id: 'h', name: 'Genesys', type: 'genesys', settings: { ...valid, region: 'nowhere' } })
      .catch((e: unknown) => e);
    expect((error as HandoverConfigError).field).toBe('settings.region');
    expect((error as HandoverConfigError).message).not.toContain(valid.clientSecret);
  });

  it('derives the Cognigy connection from the schema keys', () => {
    expect(genesysConnection.type).toBe('genesys');
    expect(genesysConnection.fields.map((f) => f.fieldName)).toEqual(Object.keys(genesysSettingsSchema.shape));
    expect(genesysConnection.fields.map((f) => f.fieldName)).toContain('clientSecret');
  });

  it('declares honest static capabilities', () => {
    const caps = genesysConnector().capabilities;
    expect(caps).toMatchObject({
      queuePosition: false,
      estimatedWaitTime: true,
      availability: true,
      pushEvents: true,
      webhooks: true,
      agentJoined: true,
      skills: false,
      priority: false,
      queueRouting: false,
      businessHours: false,
    });
  });
});
