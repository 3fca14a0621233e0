import { describe, expect, it } from 'vitest';
import { HandoverConfigError, createHandoverNodes, type HandoverApi } from 'handover-kit';

/**
 * A node keeps its last valid config and reuses the parsed result while the config is unchanged:
 * any change (a value, a nested list or object, a key added or removed) must be seen and validated.
 */
describe('a node run again with another config uses the new one', () => {
  const started: Array<Record<string, unknown>> = [];
  const service = new Proxy(
    {
      startHandover: async (input: Record<string, unknown>) => {
        started.push(input);
        return {
          alreadyInProgress: false,
          handover: { id: 'h', providerId: 'p', status: 'queue', createdAt: 0, updatedAt: 0, inactivityCount: 0 },
        };
      },
    },
    { get: (target, name) => (target as Record<string | symbol, unknown>)[name] ?? (() => Promise.resolve(null)) },
  ) as unknown as HandoverApi;
  const node = createHandoverNodes({ service }).find((n) => n.type === 'handoverToAgent')!;
  const noop = () => {};
  const api = { say: noop, log: noop, addToContext: noop, addToInput: noop, setNextNode: noop, stopExecution: noop };
  const run = (config: Record<string, unknown>, nodeId = 'same-node') =>
    node.function!({
      cognigy: { api, input: { userId: 'u', sessionId: 's', data: {} }, context: {}, profile: {} } as never,
      // A fresh object each time, as Cognigy passes it.
      config: structuredClone(config),
      childConfigs: (node.dependencies?.children ?? []).map((type) => ({ id: type, type, config: {} })),
      nodeId,
    });
  const last = () =>
    started.at(-1) as { providerId: string; routing: Record<string, unknown>; customAttributes: object };
  const base = { providerId: 'p', skills: ['billing'], priority: 'none', customAttributes: { tier: 'gold' } };

  it('values, nested lists and objects, added and removed keys', async () => {
    await run(base);
    await run(base);
    expect(started).toHaveLength(2);
    expect(last().routing.skills).toEqual(['billing']);
    // Each change comes right after the kept config ran, so only that change can tell them apart.
    const changes: Array<[Record<string, unknown>, (seen: ReturnType<typeof last>) => unknown, unknown]> = [
      [{ ...base, providerId: 'q' }, (seen) => seen.providerId, 'q'],
      [{ ...base, skills: ['billing', 'sales'] }, (seen) => seen.routing.skills, ['billing', 'sales']],
      [{ ...base, customAttributes: { tier: 'silver' } }, (seen) => seen.customAttributes, { tier: 'silver' }],
      [{ ...base, languages: ['de'] }, (seen) => seen.routing.languages, ['de']], // a key added
    ];
    for (const [changed, read, expected] of changes) {
      await run(base);
      await run(changed);
      expect(read(last())).toEqual(expected);
    }
    // One key for another, the values lining up by position: still another config.
    const queueEvents = { ...base, sendOnQueueEvent: true };
    const activeEvents = { ...base, sendOnActiveEvent: true };
    await run(activeEvents, 'fresh-node');
    const expected = (last() as unknown as { behaviour: unknown }).behaviour;
    await run(queueEvents);
    await run(activeEvents);
    expect((last() as unknown as { behaviour: unknown }).behaviour).toEqual(expected);
    await run({ ...base, languages: ['de'] });
    await run(base); // the added key gone again
    expect(last().routing.languages ?? []).toEqual([]);
  });

  it('a change to an invalid value fails, also right after the valid config was reused', async () => {
    await run(base);
    await run(base);
    const bad = await run({ ...base, priority: 'asap' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(HandoverConfigError.isInstance(bad)).toBe(true);
    expect((bad as HandoverConfigError).field).toBe('priority');

    const { providerId: _, ...withoutProvider } = base;
    const missing = await run(withoutProvider).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((missing as HandoverConfigError).field).toBe('providerId');
  });
});
