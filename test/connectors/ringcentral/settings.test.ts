import { describe, expect, it } from 'vitest';
import { HandoverConfigError, secretFields } from 'handover-kit/contract';
import {
  createRingcentralConnector,
  ringcentralConnector,
  ringcentralSettingsSchema,
  sourceIdOf,
} from 'handover-kit/connectors/ringcentral';
import { testConnectorRuntime } from 'handover-kit/testing';

const valid = {
  baseApiUrl: 'https://acme.api.digital.ringcentral.com/1.0',
  apiAccessToken: 'api-token',
  realtimeEndpointUrl: 'https://acme.engagement.dimelo.com/realtime/sdk/5f0c1d2e3a4b5c6d7e8f9a0b',
  realtimeAccessToken: 'source-token',
  webhookSecret: 'whs',
  verifyToken: 'cognigy123',
  botCategoryId: '4d0fb475b242228a32cbdf6d',
  agentCategoryId: '59248c4dae276a041cb296d2',
};

describe('ringcentral: settings', () => {
  it("uses Cognigy's fields, marks the secrets, defaults Get Queue Updates on", () => {
    const parsed = ringcentralSettingsSchema.parse(valid);
    expect(parsed).toMatchObject({
      getQueueUpdates: true,
      forwardOnlyHandoverConversations: true,
      requestTimeoutMs: 10_000,
    });
    expect(secretFields(ringcentralSettingsSchema).sort()).toEqual([
      'apiAccessToken',
      'realtimeAccessToken',
      'verifyToken',
      'webhookSecret',
    ]);
    expect(ringcentralConnector().type).toBe('ringcentral');
    expect(sourceIdOf(valid.realtimeEndpointUrl)).toBe('5f0c1d2e3a4b5c6d7e8f9a0b');
  });

  it.each([
    ['plain http off loopback', { baseApiUrl: 'http://acme.api.digital.ringcentral.com/1.0' }, 'baseApiUrl'],
    [
      'a realtime URL without /realtime/sdk/<source>',
      { realtimeEndpointUrl: 'https://acme.engagement.dimelo.com/' },
      'realtimeEndpointUrl',
    ],
    ['no agent category', { agentCategoryId: '' }, 'agentCategoryId'],
    ['forwarding every conversation', { forwardOnlyHandoverConversations: false }, 'forwardOnlyHandoverConversations'],
    ['an unknown field', { region: 'eu' }, '(root)'],
  ])('refuses %s with a HandoverConfigError naming the field', (_name, change, field) => {
    try {
      createRingcentralConnector({ ...valid, ...change } as never, testConnectorRuntime());
      expect.unreachable();
    } catch (error) {
      expect(HandoverConfigError.isInstance(error)).toBe(true);
      expect((error as HandoverConfigError).issues.map((i) => i.path).join(' ')).toContain(
        field === '(root)' ? 'settings' : `settings.${field}`,
      );
    }
  });
});
