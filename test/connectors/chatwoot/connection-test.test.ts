// "Test connection" reaches the account with the token, reads the inbox and the default team, and names what failed.
import { afterEach, describe, expect, it } from 'vitest';
import { startChatwootTestbed, type ChatwootTestbed } from '../../fakes/chatwoot/harness';

let bed: ChatwootTestbed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const test = () => bed!.connector.doTestConnection!();

describe('chatwoot test connection', () => {
  it('authenticates and finds the inbox; no team set is a skipped check', async () => {
    bed = await startChatwootTestbed();
    const result = await test();
    expect(result.ok).toBe(true);
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['auth', 'ok'],
      ['inbox', 'ok'],
      ['team', 'skipped'],
    ]);
    expect(result.checks[1]!.message).toMatch(/^inbox \d+: \d+ agent\(s\)$/);
  });

  it('finds the default team by name', async () => {
    bed = await startChatwootTestbed({ settings: { teamId: 2 } });
    expect((await test()).checks[2]).toEqual({
      name: 'team',
      field: 'settings.teamId',
      status: 'ok',
      message: 'team "Support"',
    });
  });

  it('a wrong token fails auth and checks nothing else', async () => {
    bed = await startChatwootTestbed({ settings: { apiAccessToken: 'wrong-token' } });
    const result = await test();
    expect(result.ok).toBe(false);
    expect(result.checks.map((c) => c.status)).toEqual(['failed', 'skipped', 'skipped']);
    expect(result.checks[0]).toMatchObject({ field: 'settings.apiAccessToken', error: { code: 'vendor_auth' } });
  });

  it('an inbox or a team that does not exist is named', async () => {
    bed = await startChatwootTestbed({ settings: { inboxId: 987654 } });
    expect((await test()).checks.find((c) => c.status === 'failed')).toMatchObject({
      name: 'inbox',
      field: 'settings.inboxId',
      error: { code: 'vendor_not_found' },
    });
    await bed.close();
    bed = await startChatwootTestbed({ settings: { teamId: 987654 } });
    const result = await test();
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.status === 'failed')).toMatchObject({
      name: 'team',
      field: 'settings.teamId',
      error: { code: 'vendor_not_found' },
    });
  });
});
