import { afterEach, describe, expect, it } from 'vitest';
import { createFakeClock } from 'handover-kit/testing';
import { VendorAuthError } from 'handover-kit/contract';
import { TOKEN_REFRESH_MARGIN_MS, hostsFor, tenantIdOf, type CxoneConnector } from 'handover-kit/connectors/cxone';
import { FAKE_DEFAULTS, FakeCxone } from '../../fakes/cxone';
import { MemoryConnectorState, connectorOn } from './harness';

describe('cxone API hosts', () => {
  it('builds the current and the migrating DFO host from area and domain', () => {
    const config = { area: 'na1', domain: 'niceincontact.com', api_endpoint: 'https://api-na1.niceincontact.com' };
    expect(hostsFor(config, 'current')).toEqual({
      area: 'na1',
      domain: 'niceincontact.com',
      dfo: 'https://api-de-na1.niceincontact.com',
      api: 'https://api-na1.niceincontact.com',
    });
    expect(hostsFor(config, 'facade')?.dfo).toBe('https://api-na1.niceincontact.com');
  });

  it('puts FedRAMP (area na2) on nicecxone-gov.com whatever domain the document names', () => {
    const hosts = hostsFor({ area: 'NA2', domain: 'niceincontact.com', api_endpoint: null }, 'current');
    expect(hosts).toEqual({
      area: 'na2',
      domain: 'nicecxone-gov.com',
      dfo: 'https://api-de-na2.nicecxone-gov.com',
      api: 'https://api-na2.nicecxone-gov.com',
    });
  });

  it('keeps sovereign domains, defaults a missing one and refuses hosts that are not host names', () => {
    expect(hostsFor({ area: 'eu2', domain: 'nicecxone-sov1.eu' }, 'current')?.dfo).toBe(
      'https://api-de-eu2.nicecxone-sov1.eu',
    );
    expect(hostsFor({ area: 'au1', domain: null }, 'current')?.dfo).toBe('https://api-de-au1.niceincontact.com');
    expect(hostsFor({ area: 'na1/../evil', domain: 'x.com' }, 'current')).toBeUndefined();
    expect(hostsFor({ area: 'na1', domain: 'evil.com:8443' }, 'current')).toBeUndefined();
    // An api_endpoint that is not https is not trusted; the area host is used instead.
    expect(
      hostsFor({ area: 'na1', domain: 'niceincontact.com', api_endpoint: 'http://attacker.example' }, 'current')?.api,
    ).toBe('https://api-na1.niceincontact.com');
  });

  it('reads the tenant id from the id_token claims', () => {
    const jwt = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`;
    expect(tenantIdOf(jwt({ tenantId: 't-1' }), 'opaque')).toBe('t-1');
    expect(tenantIdOf(undefined, jwt({ tenantId: 't-2' }))).toBe('t-2');
    expect(tenantIdOf('not-a-jwt', 'opaque')).toBeUndefined();
  });
});

describe('cxone session', () => {
  let fake: FakeCxone;
  let connector: CxoneConnector | undefined;
  afterEach(async () => {
    await connector?.dispose();
    await fake?.close();
  });

  async function setup(settings: Parameters<typeof connectorOn>[3] = {}) {
    fake = await FakeCxone.start({ tokenLifetimeSec: 3600 });
    const clock = createFakeClock(Date.now());
    connector = connectorOn(fake, clock, new MemoryConnectorState(clock).forProvider('p'), settings);
    return { clock, connector };
  }

  it('uses the password grant with the access key and Basic client credentials, once for many calls', async () => {
    const { connector } = await setup();
    await Promise.all([connector.doCheckAvailability({ routing: {} }), connector.doCheckAvailability({ routing: {} })]);
    const tokens = fake.requestsOf('token');
    expect(tokens).toHaveLength(1);
    const form = new URLSearchParams(tokens[0]!.rawBody);
    expect(Object.fromEntries(form)).toEqual({
      grant_type: 'password',
      username: FAKE_DEFAULTS.accessKeyId,
      password: FAKE_DEFAULTS.accessKeySecret,
    });
    expect(tokens[0]!.headers.authorization).toBe(
      `Basic ${Buffer.from(`${FAKE_DEFAULTS.clientId}:${FAKE_DEFAULTS.clientSecret}`).toString('base64')}`,
    );
    expect(fake.requestsOf('activity').every((r) => r.headers.authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('renews with the refresh token shortly before expiry, on the injected clock', async () => {
    const { connector, clock } = await setup();
    await connector.doCheckAvailability({ routing: {} });
    await clock.advance(3600_000 - TOKEN_REFRESH_MARGIN_MS + 1);
    await connector.doCheckAvailability({ routing: {} });
    const grants = fake.requestsOf('token').map((r) => new URLSearchParams(r.rawBody).get('grant_type'));
    expect(grants).toEqual(['password', 'refresh_token']);
  });

  it('on a 401 drops the token, fetches a new one and repeats the call once', async () => {
    const { connector } = await setup();
    await connector.doCheckAvailability({ routing: {} });
    fake.revokeTokens();
    const result = await connector.doCheckAvailability({ routing: {} });
    expect(result.available).toBe(true);
    expect(fake.requestsOf('activity').map((r) => r.status)).toEqual([200, 401, 200]);
    expect(fake.requestsOf('token')).toHaveLength(2);
  });

  it('maps refused credentials to VendorAuthError', async () => {
    const { connector } = await setup({ accessKeySecret: 'wrong-secret' });
    await expect(connector.doCheckAvailability({ routing: {} })).rejects.toSatisfy((e) =>
      VendorAuthError.isInstance(e),
    );
  });

  it('discovers the hosts: tenant from the id_token, area / domain from cxone-configuration', async () => {
    const { connector } = await setup({ dfoBaseUrl: undefined, apiBaseUrl: undefined });
    const hosts = await connector.hosts();
    expect(hosts).toEqual({
      area: 'na1',
      domain: 'niceincontact.com',
      dfo: 'https://api-de-na1.niceincontact.com',
      api: 'https://api-na1.niceincontact.com',
    });
    expect(fake.requestsOf('config').map((r) => r.query.get('tenantId'))).toEqual([FAKE_DEFAULTS.tenantId]);
  });

  it('uses the API facade host when told to, and the tenant id from settings when given', async () => {
    const { connector } = await setup({
      dfoBaseUrl: undefined,
      apiBaseUrl: undefined,
      dfoHostStyle: 'facade',
      tenantId: FAKE_DEFAULTS.tenantId,
    });
    expect((await connector.hosts()).dfo).toBe('https://api-na1.niceincontact.com');
  });
});
