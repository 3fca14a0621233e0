// "Test connection" checks the key against the app, the two switchboard integrations and the Support API, naming what failed.
import { afterEach, describe, expect, it } from 'vitest';
import { setup, type Setup } from './helpers';

let s: Setup | undefined;
afterEach(async () => {
  await s?.close();
  s = undefined;
});

const test = () => s!.connector.doTestConnection!();

describe('zendesk test connection', () => {
  it('finds the app, both switchboard integrations and the Support API', async () => {
    s = await setup({ webhook: false });
    const result = await test();
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['auth', 'ok'],
      ['agent integration', 'ok'],
      ['bot integration', 'ok'],
      ['support api', 'ok'],
    ]);
    expect(result.ok).toBe(true);
    expect(result.checks[1]!.message).toBe('switchboard integration "zd-agentWorkspace"');
  });

  it('a wrong key secret fails auth and checks nothing else', async () => {
    s = await setup({ webhook: false, settings: { keySecret: 'not-the-secret' } });
    const result = await test();
    expect(result.ok).toBe(false);
    expect(result.checks.map((c) => c.status)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
    expect(result.checks[0]).toMatchObject({ field: 'settings.keySecret', error: { code: 'vendor_auth' } });
  });

  it('a bot integration the switchboard does not have is named, with the ones it has', async () => {
    s = await setup({ webhook: false, settings: { botIntegration: 'no-such-bot' } });
    const result = await test();
    expect(result.ok).toBe(false);
    const failed = result.checks.find((c) => c.status === 'failed')!;
    expect(failed).toMatchObject({
      name: 'bot integration',
      field: 'settings.botIntegration',
      error: { code: 'vendor_not_found' },
    });
    expect(failed.message).toContain('no integration "no-such-bot"');
  });

  it('wrong Support API credentials are named; none at all is a skipped check', async () => {
    s = await setup({ webhook: false, settings: { supportApiToken: 'wrong-token' } });
    expect((await test()).checks[3]).toMatchObject({
      name: 'support api',
      status: 'failed',
      error: { code: 'vendor_auth' },
    });
    await s.close();
    s = await setup({ webhook: false, settings: { supportEmail: undefined, supportApiToken: undefined } });
    const result = await test();
    expect(result.ok).toBe(true);
    expect(result.checks[3]).toMatchObject({ name: 'support api', status: 'skipped' });
  });
});
