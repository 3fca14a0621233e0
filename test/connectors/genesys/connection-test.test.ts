// "Test connection" authenticates and reads every resource the settings name, and says which one failed.
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_SECRET_ENV } from 'handover-kit/connectors/genesys';
import { startTestBed, type GenesysTestBed } from './harness';

let bed: GenesysTestBed | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

const OTHER_GUID = '11111111-2222-4333-8444-555555555555';

describe('genesys test connection', () => {
  it('authenticates, then finds the integration and the queue by name', async () => {
    bed = await startTestBed();
    const result = await bed.connector.doTestConnection!();
    expect(result).toEqual({
      ok: true,
      checks: [
        { name: 'auth', field: 'settings.clientSecret', status: 'ok' },
        { name: 'integration', field: 'settings.integrationId', status: 'ok', message: 'integration "Cognigy bot"' },
        { name: 'queue', field: 'settings.queueId', status: 'ok', message: 'queue "Support"' },
      ],
    });
  });

  it('a refused client secret fails auth and checks nothing else', async () => {
    bed = await startTestBed({ settings: { clientSecret: 'not-the-secret' } });
    const result = await bed.connector.doTestConnection!();
    expect(result.ok).toBe(false);
    expect(result.checks.map((c) => [c.name, c.status])).toEqual([
      ['auth', 'failed'],
      ['integration', 'skipped'],
      ['queue', 'skipped'],
    ]);
    expect(result.checks[0]!.message).toMatch(/^auth \(settings\.clientSecret\): /);
    expect(result.checks[0]!.error?.code).toBe('vendor_auth');
  });

  it('no client secret at all (and no queue) is not "ok": auth fails', async () => {
    const saved = process.env[CLIENT_SECRET_ENV];
    delete process.env[CLIENT_SECRET_ENV];
    try {
      bed = await startTestBed({ settings: { clientSecret: undefined, queueId: undefined } });
      const result = await bed.connector.doTestConnection!();
      expect(result.ok).toBe(false);
      expect(result.checks[0]).toMatchObject({ name: 'auth', field: 'settings.clientSecret', status: 'failed' });
    } finally {
      if (saved !== undefined) process.env[CLIENT_SECRET_ENV] = saved;
    }
  });

  it('an integration or a queue that does not exist is named', async () => {
    bed = await startTestBed({ settings: { integrationId: OTHER_GUID } });
    let result = await bed.connector.doTestConnection!();
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.status === 'failed')).toMatchObject({
      name: 'integration',
      field: 'settings.integrationId',
      error: { code: 'vendor_not_found' },
    });
    await bed.close();

    bed = await startTestBed({ settings: { queueId: OTHER_GUID } });
    result = await bed.connector.doTestConnection!();
    expect(result.ok).toBe(false);
    expect(result.checks.find((c) => c.status === 'failed')).toMatchObject({
      name: 'queue',
      field: 'settings.queueId',
      error: { code: 'vendor_not_found' },
    });
  });

  it('without a queue id the queue check is skipped, and says what that means', async () => {
    bed = await startTestBed({ settings: { queueId: undefined } });
    const result = await bed.connector.doTestConnection!();
    expect(result.ok).toBe(true);
    expect(result.checks[2]).toMatchObject({
      name: 'queue',
      status: 'skipped',
      message: expect.stringContaining('availability and wait times are off'),
    });
  });
});
