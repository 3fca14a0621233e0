import { describe, expect, it } from 'vitest';
import {
  HandoverConfigError,
  MASKED_SECRET,
  ProviderRegistry,
  UnknownConnectorError,
  UnknownProviderError,
  type ProviderChange,
} from 'handover-kit';
import { createFakeClock } from 'handover-kit/testing';
import { SimulatedCenters, simulatedConnector } from 'handover-kit/connectors/simulated';

const SECRET = 'webhook-secret-0123456789abcdef';

function registry() {
  return new ProviderRegistry({
    connectors: [simulatedConnector({ centers: new SimulatedCenters() })],
    clock: createFakeClock(),
  });
}

async function configError(p: Promise<unknown>): Promise<HandoverConfigError> {
  const e = await p.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(HandoverConfigError.isInstance(e)).toBe(true);
  return e as HandoverConfigError;
}

describe('provider registry', () => {
  it('creates, reads, lists, updates and deletes providers', async () => {
    const r = registry();
    const created = await r.create({ name: 'VIP', type: 'simulated', settings: { center: 'vip' } });
    expect(created.id).toMatch(/^[0-9a-f]{24}$/); // Cognigy-style id when none is given
    expect(created).toMatchObject({ name: 'VIP', type: 'simulated', settings: { center: 'vip', delivery: 'push' } });
    const named = await r.create({ id: 'basic', name: 'Basic', type: 'simulated' });
    expect((await r.list()).map((p) => p.id)).toEqual([created.id, 'basic']);
    const updated = await r.update('basic', { name: 'Basic questions', settings: { queue: 'general' } });
    expect(updated).toMatchObject({ name: 'Basic questions', settings: { center: 'default', queue: 'general' } });
    expect(updated.updatedAt).toBeGreaterThan(named.updatedAt);
    await r.delete('basic');
    await expect(r.get('basic')).rejects.toSatisfy((e) => UnknownProviderError.isInstance(e));
    await expect(r.delete('basic')).rejects.toSatisfy((e) => UnknownProviderError.isInstance(e));
  });

  it('rejects bad settings with errors that name the field', async () => {
    const r = registry();
    const e1 = await configError(r.create({ name: 'X', type: 'simulated', settings: { delivery: 'webhook' } }));
    expect(e1.field).toBe('settings.webhookSecret');
    expect(e1.message).toContain('settings.webhookSecret');
    const e2 = await configError(r.create({ name: 'X', type: 'simulated', settings: { queue: 42 } }));
    expect(e2.field).toBe('settings.queue');
    const e3 = await configError(r.create({ name: '', type: 'simulated' }));
    expect(e3.field).toBe('name');
    const e4 = await configError(r.create({ name: 'X', type: 'simulated', settings: { surprise: true } }));
    expect(e4.issues[0]!.path).toBe('settings');
    expect(e4.message).toContain('surprise');
    await expect(r.create({ name: 'X', type: 'nope' })).rejects.toSatisfy((e) => UnknownConnectorError.isInstance(e));
    expect(await r.list()).toEqual([]); // nothing half-created
  });

  it('masks secrets unless asked, and keeps a secret sent back masked', async () => {
    const r = registry();
    await r.create({ id: 'p', name: 'P', type: 'simulated', settings: { delivery: 'webhook', webhookSecret: SECRET } });
    expect((await r.get('p')).settings.webhookSecret).toBe(MASKED_SECRET);
    expect((await r.list())[0]!.settings.webhookSecret).toBe(MASKED_SECRET);
    expect((await r.get('p', { revealSecrets: true })).settings.webhookSecret).toBe(SECRET);
    const edited = await r.update('p', { settings: { ...(await r.get('p')).settings, queue: 'q2' } });
    expect(edited.settings.queue).toBe('q2');
    expect((await r.get('p', { revealSecrets: true })).settings.webhookSecret).toBe(SECRET);
  });

  it('exports and imports as JSON, validating everything before writing anything', async () => {
    const source = registry();
    await source.create({
      id: 'a',
      name: 'A',
      type: 'simulated',
      settings: { delivery: 'webhook', webhookSecret: SECRET },
    });
    await source.create({ id: 'b', name: 'B', type: 'simulated' });
    const masked = await source.export();
    expect(masked.providers[0]!.settings.webhookSecret).toBe(MASKED_SECRET);
    const target = registry();
    await expect(target.import(JSON.parse(JSON.stringify(masked)))).rejects.toSatisfy(
      (e) =>
        HandoverConfigError.isInstance(e) && (e as HandoverConfigError).field === 'providers.0.settings.webhookSecret',
    );
    expect(await target.list()).toEqual([]);
    const full = JSON.parse(JSON.stringify(await source.export({ includeSecrets: true })));
    await target.create({ id: 'stale', name: 'Stale', type: 'simulated' });
    expect(await target.import(full, { mode: 'replace' })).toEqual({ created: 2, updated: 0, deleted: 1 });
    expect((await target.list({ revealSecrets: true })).map((p) => [p.id, p.settings.webhookSecret])).toEqual([
      ['a', SECRET],
      ['b', undefined],
    ]);
    const broken = {
      ...full,
      providers: [...full.providers, { id: 'c', name: 'C', type: 'simulated', settings: { delivery: 'webhook' } }],
    };
    await expect(target.import(broken)).rejects.toSatisfy(
      (e) => (e as HandoverConfigError).field === 'providers.2.settings.webhookSecret',
    );
    expect((await target.list()).map((p) => p.id)).toEqual(['a', 'b']);
  });

  it('emits change events and recreates the connector when settings change', async () => {
    const r = registry();
    const changes: ProviderChange['type'][] = [];
    r.on('change', (c) => changes.push(c.type));
    await r.create({ id: 'p', name: 'P', type: 'simulated' });
    const first = (await r.connector('p')).connector;
    expect((await r.connector('p')).connector).toBe(first);
    await r.update('p', { settings: { queue: 'other' } });
    expect((await r.connector('p')).connector).not.toBe(first);
    await r.delete('p');
    expect(changes).toEqual(['created', 'updated', 'deleted']);
    await expect(r.connector('p')).rejects.toSatisfy((e) => UnknownProviderError.isInstance(e));
  });
});
