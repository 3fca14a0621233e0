import { afterEach, describe, expect, it } from 'vitest';
import { UnsupportedCapabilityError } from 'handover-kit';
import { basicAuthorization } from 'handover-kit/connectors/zendesk';
import { SUPPORT, setup, type Setup } from './helpers';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

describe('zendesk agent availability (Support API)', () => {
  it('counts agents online for messaging, on the documented path with email/token auth', async () => {
    s = await setup({
      webhook: false,
      fake: { agents: [{ id: 1 }, { id: 2, messaging: 'away' }, { id: 3, messaging: 'online' }] },
    });
    expect(await s.connector.doCheckAvailability({ routing: {} })).toEqual({ available: true, agentsAvailable: 2 });
    const [req] = s.fake.requestsFor('agentAvailabilities');
    expect(req!.path).toBe('/api/v2/agent_availabilities');
    expect(req!.query).toEqual({ 'filter[channel_status]': 'messaging:online', 'page[size]': '100' });
    expect(req!.headers.authorization).toBe(
      basicAuthorization(`${SUPPORT.supportEmail}/token`, SUPPORT.supportApiToken),
    );
  });

  it('narrows to the routing group and to agents with capacity left', async () => {
    s = await setup({
      webhook: false,
      fake: {
        agents: [
          { id: 1, groupIds: [42] },
          { id: 2, groupIds: [7] },
          { id: 3, groupIds: [42], workItems: 2, maxCapacity: 2 },
          { id: 4, groupIds: [7, 42], workItems: 1, maxCapacity: 3 },
        ],
      },
    });
    expect(await s.connector.doCheckAvailability({ routing: { queue: '42' } })).toEqual({
      available: true,
      agentsAvailable: 2,
    });
    expect(await s.connector.doCheckAvailability({ routing: { queue: '99' } })).toEqual({
      available: false,
      agentsAvailable: 0,
      reason: 'no-agents',
    });
  });

  it('follows the cursor over pages', async () => {
    s = await setup({ webhook: false, fake: { agents: Array.from({ length: 230 }, (_, i) => ({ id: i + 1 })) } });
    expect((await s.connector.doCheckAvailability({ routing: {} })).agentsAvailable).toBe(230);
    expect(s.fake.requestsFor('agentAvailabilities').map((r) => r.query['page[after]'])).toEqual([
      undefined,
      '100',
      '200',
    ]);
  });

  it('says no agents when nobody is online, and warns that skills are not considered', async () => {
    s = await setup({ webhook: false, fake: { agents: [{ id: 1, messaging: 'offline' }] } });
    expect(await s.connector.doCheckAvailability({ routing: { skills: ['billing'] } })).toEqual({
      available: false,
      agentsAvailable: 0,
      reason: 'no-agents',
      warnings: [expect.objectContaining({ type: 'unsupported', feature: 'skills' })],
    });
  });

  it('without Support credentials: no capability, and the call refuses with UnsupportedCapabilityError', async () => {
    s = await setup({
      webhook: false,
      settings: { supportEmail: undefined, supportApiToken: undefined, supportBaseUrl: undefined },
    });
    expect(s.connector.capabilities.availability).toBe(false);
    const error = await s.connector.doCheckAvailability({ routing: {} }).catch((e) => e);
    expect(UnsupportedCapabilityError.isInstance(error)).toBe(true);
    expect(s.fake.requests).toEqual([]);
  });
});
