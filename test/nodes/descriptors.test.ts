import { createExtension, type INodeDescriptor } from '@cognigy/extension-tools';
import { describe, expect, it } from 'vitest';
import {
  HandoverConfigError,
  UnsupportedCapabilityError,
  createHandoverNodes,
  type FlowHandoverInput,
  type HandoverApi,
} from 'handover-kit';
import { LOOKUP_CASES } from '../../nodes/lookup-handover-status';
import { defineCapabilities } from 'handover-kit/contract';
import { flowEventData } from '../../src/delivery';

const noService = new Proxy({}, { get: () => () => Promise.reject(new Error('not called')) }) as HandoverApi;
type Node = Required<INodeDescriptor>;
const nodes = createHandoverNodes({ service: noService }) as Node[];
const byType = (t: string) => nodes.find((n) => n.type === t)!;
const field = (n: Node, key: string) => n.fields.find((f) => f.key === key);

describe('node descriptors', () => {
  it('createHandoverNodes returns the five nodes (Cognigy type ids), the branches they declare, and the old inactivity id', () => {
    const parents = nodes.filter((n) => !n.parentType).map((n) => n.type);
    expect(parents).toEqual([
      'handoverToAgent',
      'checkAgentAvailability',
      'lookupHandoverStatus',
      'closeHandover',
      'handoverInactivityTimer',
      'setHandoverInactivity',
    ]);
    expect(byType('setHandoverInactivity').constraints.creatable).toBe(false); // earlier flows run; new nodes use Cognigy's id
    expect(byType('handoverInactivityTimer').constraints.creatable).toBe(true);
    for (const parent of nodes.filter((n) => n.dependencies.children.length > 0)) {
      for (const child of parent.dependencies.children) expect(byType(child)?.parentType).toBe(parent.type);
    }
    expect(byType('lookupHandoverStatus').dependencies.children).toHaveLength(LOOKUP_CASES.length);
    expect(byType('checkAgentAvailability').dependencies.children).toEqual([
      'onAgentsAvailable',
      'onNoAgentsAvailable',
      'onAvailabilityError',
    ]);
  });

  it('uses Cognigy field keys, types and defaults where the meaning is the same', () => {
    const h = byType('handoverToAgent');
    expect(field(h, 'text')).toMatchObject({ type: 'cognigyText', label: 'Handover Accepted Message' });
    expect(field(h, 'repeatHandoverMessage')).toMatchObject({ type: 'toggle', defaultValue: false });
    expect(field(h, 'cancelIntent')).toMatchObject({ type: 'cognigyText' });
    expect(field(h, 'quickReply')).toMatchObject({ type: 'cognigyText', label: 'Cancel Button Text' });
    expect(field(h, 'resolveBehavior')).toMatchObject({ type: 'select', defaultValue: 'resetEntrypoint' });
    expect(field(h, 'sendResolveEvent')).toMatchObject({ type: 'toggle', defaultValue: true });
    expect(field(h, 'sendOnQueueEvent')).toMatchObject({ type: 'toggle', defaultValue: false });
    expect(field(h, 'sendTranscriptAsFirstMessage')).toMatchObject({ type: 'toggle', defaultValue: false });
    expect(field(h, 'updateIntervalQueuePosition')).toMatchObject({
      type: 'number',
      condition: { key: 'getQueuePosition', value: true },
    });
    expect(field(h, 'updateIntervalQueuePosition')!.defaultValue).toBeUndefined(); // Cognigy: no default, no minimum
    expect(field(h, 'liveAgentPriority')).toMatchObject({ type: 'select', defaultValue: 'none' });
    expect(field(h, 'genesysCustomAttributes')).toMatchObject({ type: 'json', defaultValue: {} });
    expect(h.sections.map((s) => s.key)).toEqual([
      'cancelSettings',
      'resolveOptions',
      'liveAgentSettings',
      'chatwootSettings',
      'genesysSettings',
      'eventSettings',
      'queueSettings',
      'transcriptSettings',
      'routingSettings',
      'presenceSettings',
    ]);
    expect(h.form.slice(0, 3)).toEqual([
      { type: 'field', key: 'providerId' },
      { type: 'field', key: 'text' },
      { type: 'field', key: 'repeatHandoverMessage' },
    ]);
    expect(h.behavior.entrypoint).toBe(true);
    const a = byType('checkAgentAvailability');
    expect(field(a, 'storeLocation')).toMatchObject({ type: 'select', defaultValue: 'input' });
    expect(field(a, 'inputKey')).toMatchObject({
      defaultValue: 'availableAgents',
      condition: { key: 'storeLocation', value: 'input' },
    });
    expect(field(a, 'abortOnError')).toMatchObject({ type: 'toggle', defaultValue: false });
    expect(field(byType('closeHandover'), 'closeHandoverInProvider')).toMatchObject({
      type: 'toggle',
      defaultValue: true,
    });
    expect(field(byType('handoverInactivityTimer'), 'timer')).toMatchObject({ type: 'cognigyText' });
    const additions = nodes.flatMap((n) =>
      n.fields.filter((f) => /not in Cognigy/.test(String(f.label))).map((f) => [`${n.type}.${f.key}`, f] as const),
    );
    expect(additions.length).toBeGreaterThan(5);
    for (const [key, f] of additions)
      if (f.type === 'toggle') expect(f.defaultValue, `${key}: a kit addition is off by default`).toBe(false);
    for (const n of nodes)
      for (const s of n.sections) for (const k of s.fields) expect(field(n, k), `${n.type}.${k}`).toBeDefined();
  });

  it('shows routing and queue fields only for providers whose connector supports them', () => {
    const full = defineCapabilities({ queuePosition: true, skills: true, availability: true });
    const none = defineCapabilities({});
    const withProviders = createHandoverNodes({
      service: noService,
      providers: [
        { id: 'rich', name: 'Rich', type: 'x', capabilities: full },
        { id: 'poor', name: 'Poor', type: 'y', capabilities: none },
      ],
    });
    const h = withProviders.find((n) => n.type === 'handoverToAgent')! as Node;
    expect(field(h, 'providerId')).toMatchObject({
      type: 'select',
      params: { options: [{ value: 'rich' }, { value: 'poor' }] },
    });
    expect(field(h, 'getQueuePosition')!.condition).toEqual({ key: 'providerId', value: ['rich'] });
    expect(field(h, 'skills')!.condition).toEqual({ key: 'providerId', value: ['rich'] });
    expect(field(h, 'languages')!.condition).toEqual({ key: 'providerId', value: [] });
  });

  it('adds a Connection field first when the nodes talk to a gateway, and prefixes types on request', () => {
    const gw = createHandoverNodes({
      service: noService,
      connection: { type: 'handover-gateway' },
      typePrefix: 'acme',
    });
    const h = gw.find((n) => n.type === 'acmeHandoverToAgent')! as Node;
    expect(h.form[0]).toEqual({ type: 'field', key: 'connection' });
    expect(field(h, 'connection')).toMatchObject({
      type: 'connection',
      params: { connectionType: 'handover-gateway' },
    });
    expect(gw.find((n) => n.type === 'acmeOnHandoverQueue')?.parentType).toBe('acmeLookupHandoverStatus');
  });

  it('loads into an extension with @cognigy/extension-tools', () => {
    const ext = createExtension({ nodes, options: { label: 'Handover' } });
    expect(ext.nodes.map((n) => n.type)).toContain('lookupHandoverStatus');
    expect(ext.nodes).toHaveLength(nodes.length);
  });
});

/** Runs a node function the way Cognigy does, with a recording api. */
async function run(
  node: Node,
  config: Record<string, unknown>,
  input: Record<string, unknown>,
  context: Record<string, unknown> = {},
) {
  const calls: Array<[string, ...unknown[]]> = [];
  const api = new Proxy(
    {},
    {
      get:
        (_, name: string) =>
        (...args: unknown[]) =>
          void calls.push([name, ...args]),
    },
  );
  const childConfigs = node.dependencies.children.map((type) => ({ id: `id-${type}`, type, config: {} }));
  await node.function!({ cognigy: { api, input, context, profile: {} } as never, config, childConfigs, nodeId: 'n1' });
  return { calls, next: calls.find((c) => c[0] === 'setNextNode')?.[1] };
}

describe('Lookup Handover Status', () => {
  const lookup = byType('lookupHandoverStatus');
  const event = (h: Partial<FlowHandoverInput>) => ({
    userId: 'u',
    sessionId: 's',
    data: flowEventData({ handoverId: 'ho', providerId: 'p', status: 'queue', ...h } as FlowHandoverInput),
  });

  it('routes every status to its case, as Cognigy compares input.handover.status', async () => {
    const cases: Array<[Partial<FlowHandoverInput>, string]> = [
      [
        { status: 'queue', eventType: 'queueUpdate', data: { position: 3, estimatedWaitTime: 300000 } },
        'onHandoverQueue',
      ],
      [{ status: 'active' }, 'onHandoverActive'],
      [{ status: 'completed' }, 'onHandoverCompleted'],
      [{ status: 'cancelled' }, 'onHandoverCancelled'],
      [{ status: 'error', error: { reason: 'error', message: 'x' } }, 'onHandoverError'],
      [{ status: 'active', eventType: 'handoverInactivity', inactivityCount: 2 }, 'onHandoverActive'], // keeps its status
      [{ status: 'handoverAlreadyInProgress' }, 'onHandoverAlreadyInProgress'],
      [{ status: 'agentInject', data: { name: 'conversation-snoozed' } }, 'onHandoverEvent'],
      [
        { status: 'genericHandoverUpdate', eventType: 'genericHandoverUpdate', data: { text: 'Bot: hold on' } },
        'onHandoverGenericUpdate',
      ],
    ];
    for (const [h, child] of cases)
      expect((await run(lookup, {}, event(h))).next, `${h.status}/${h.eventType}`).toBe(`id-${child}`);
    expect((await run(lookup, {}, { userId: 'u', sessionId: 's', text: 'hello' })).next).toBe('id-onHandoverDefault');
    const inactivity = event({ status: 'queue', eventType: 'handoverInactivity', inactivityCount: 1 });
    expect((await run(lookup, { inactivityCase: true }, inactivity)).next).toBe('id-onHandoverInactivity'); // the kit's opt-in
  });

  it('puts the event on input.handover as Cognigy does (queue data in ms)', async () => {
    const input: Record<string, any> = event({
      status: 'queue',
      eventType: 'queueUpdate',
      data: { position: 3, estimatedWaitTime: 300000 },
    });
    const { calls } = await run(lookup, {}, input);
    expect(input.handover).toMatchObject({
      status: 'queue',
      eventType: 'queueUpdate',
      data: { position: 3, estimatedWaitTime: 300000 },
    });
    expect(calls.filter((c) => c[0] === 'addToContext')[0]?.[1]).toBe('handoverKit');
  });
});

describe('broken configs fail with an error naming the field', () => {
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['handoverToAgent', {}, 'providerId'],
    ['handoverToAgent', { providerId: 'p', customAttributes: '{not json' }, 'customAttributes'],
    ['handoverToAgent', { providerId: 'p', priority: 'asap' }, 'priority'],
    ['checkAgentAvailability', { providerId: 'p', storeLocation: 'cookie' }, 'storeLocation'],
    ['closeHandover', { closeHandoverInProvider: 'yes' }, 'closeHandoverInProvider'],
  ];
  for (const [type, config, path] of cases) {
    it(`${type}: ${JSON.stringify(config)} → ${path}`, async () => {
      const error = await run(byType(type), config, { userId: 'u', sessionId: 's' }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(HandoverConfigError.isInstance(error)).toBe(true);
      expect((error as HandoverConfigError).field).toBe(path);
      expect((error as Error).message).toContain(path);
    });
  }
});

describe('configs Cognigy accepts never throw', () => {
  const armed: unknown[] = [];
  const service = {
    ...noService,
    setInactivity: async (i: unknown) => (armed.push(i), { armed: true, handover: null }),
    startHandover: async () => ({
      alreadyInProgress: false,
      handover: {
        id: 'h',
        providerId: 'p',
        status: 'queue',
        createdAt: 0,
        updatedAt: 0,
        inactivityCount: 0,
        attempts: [],
      },
    }),
  } as HandoverApi;
  const fresh = createHandoverNodes({ service }) as Node[];
  const get = (t: string) => fresh.find((n) => n.type === t)!;

  it('Set Handover Inactivity: an empty or non-numeric timer switches the timer off (Cognigy: 0 / NaN), with a warning', async () => {
    for (const timer of ['', 'soon', '0', '1.5']) {
      const { calls } = await run(get('handoverInactivityTimer'), { timer }, { userId: 'u', sessionId: 's' });
      if (timer !== '1.5')
        expect(
          calls.some((c) => c[0] === 'log' && c[1] === 'warn'),
          timer,
        ).toBe(true);
    }
    expect(armed.map((a) => (a as { minutes: number }).minutes)).toEqual([0, 0, 0, 1.5]);
  });

  it("Handover to Agent: Alternative Update without text, intervals empty or below 5 s, other providers' keys", async () => {
    const config = {
      providerId: 'p',
      alternativeUpdate: true,
      maximumQueuePosition: 5,
      getQueuePosition: true,
      updateIntervalQueuePosition: '',
      getEstimatedWaitTime: true,
      updateIntervalEstimatedWaitTime: 2,
      buttonId: 'sf',
      eightByEightQueueId: 'q',
      allowAgentInject: true,
    };
    const { calls } = await run(get('handoverToAgent'), config, { userId: 'u', sessionId: 's' });
    expect(calls.some((c) => c[0] === 'stopExecution')).toBe(true);
    const { validateNodeConfig } = await import('handover-kit');
    expect(() =>
      validateNodeConfig('handoverToAgent', config, () =>
        defineCapabilities({ queuePosition: true, estimatedWaitTime: true }),
      ),
    ).not.toThrow();
  });

  it('an unknown provider or refused credentials: status "error" and the flow continues below', async () => {
    const { UnknownProviderError, UnauthorizedError } = await import('handover-kit/contract');
    for (const make of [() => new UnknownProviderError('nope'), () => new UnauthorizedError('bad key')]) {
      const failing = createHandoverNodes({
        service: { ...noService, startHandover: async () => Promise.reject(make()) } as HandoverApi,
      }) as Node[];
      const input: Record<string, any> = { userId: 'u', sessionId: 's' };
      const { calls } = await run(failing.find((n) => n.type === 'handoverToAgent')!, { providerId: 'nope' }, input);
      expect(input.handover).toMatchObject({ status: 'error', error: { reason: 'error' } });
      expect(calls.some((c) => c[0] === 'stopExecution')).toBe(false);
    }
  });
});

describe('configs saved by another release', () => {
  it('a field the node no longer knows is ignored at run time (a build still reports it)', async () => {
    const service = {
      ...noService,
      setInactivity: async () => ({ armed: true, handover: null }),
      startHandover: async () => ({
        alreadyInProgress: false,
        handover: {
          id: 'h',
          providerId: 'p',
          status: 'queue',
          createdAt: 0,
          updatedAt: 0,
          inactivityCount: 0,
          attempts: [],
        },
      }),
    } as HandoverApi;
    const fresh = createHandoverNodes({ service }) as Node[];
    const get = (t: string) => fresh.find((n) => n.type === t)!;
    await expect(
      run(get('setHandoverInactivity'), { timer: '2', removedField: true }, { userId: 'u', sessionId: 's' }),
    ).resolves.toBeDefined();
    await expect(
      run(get('handoverInactivityTimer'), { timer: '2', removedField: true }, { userId: 'u', sessionId: 's' }),
    ).resolves.toBeDefined();
    const started = await run(
      get('handoverToAgent'),
      { providerId: 'p', sendTranscript: true },
      { userId: 'u', sessionId: 's' },
    );
    expect(started.calls.some((c) => c[0] === 'stopExecution')).toBe(true);
  });
});

describe('capabilities are checked where the flow is built', () => {
  it('a node asking a provider for something its connector cannot do fails at flow build time', async () => {
    const { createFlowTester } = await import('handover-kit/testing');
    const { simulatedConnector, SimulatedCenters } = await import('handover-kit/connectors/simulated');
    const base = simulatedConnector({ centers: new SimulatedCenters() });
    const narrow = defineCapabilities({ availability: true, closeFromBot: true, pushEvents: true });
    const limited = {
      ...base,
      type: 'limited',
      capabilities: narrow,
      create: (s: never, r: never) => ({ ...base.create(s, r), capabilities: narrow }),
    };
    const tester = await createFlowTester({
      connectors: [base, limited as never],
      providers: [{ id: 'plain', name: 'Plain', type: 'limited' }],
    });
    const build = (config: Record<string, unknown>) => () =>
      tester.flow({
        start: 'h',
        nodes: { h: { type: 'handoverToAgent', config: { providerId: 'plain', ...config } } },
      });
    expect(build({})).not.toThrow();
    for (const [config, fieldName] of [
      [{ getQueuePosition: true }, 'getQueuePosition'],
      [{ skills: ['billing'] }, 'skills'],
      [{ priority: 'high' }, 'priority'],
    ] as const) {
      try {
        build(config)();
        expect.unreachable();
      } catch (e) {
        expect(UnsupportedCapabilityError.isInstance(e)).toBe(true);
        expect((e as UnsupportedCapabilityError).details.field).toBe(fieldName);
      }
    }
    expect(() =>
      tester.flow({ start: 'h', nodes: { h: { type: 'handoverToAgent', config: { providerId: 'nope' } } } }),
    ).toThrow(/nope/);
    await tester.close();
  });
});

describe('build-time checks with CognigyScript in the config', () => {
  it('still checks capabilities of the fields that are not templated, and names the node', async () => {
    const { createFlowTester } = await import('handover-kit/testing');
    const { simulatedConnector, SimulatedCenters } = await import('handover-kit/connectors/simulated');
    const base = simulatedConnector({ centers: new SimulatedCenters() });
    const narrow = defineCapabilities({ closeFromBot: true, pushEvents: true, priority: true });
    const limited = {
      ...base,
      type: 'limited',
      capabilities: narrow,
      create: (s: never, r: never) => ({ ...base.create(s, r), capabilities: narrow }),
    };
    const tester = await createFlowTester({
      connectors: [limited as never],
      providers: [{ id: 'g', name: 'G', type: 'limited' }],
    });
    const flow = (config: Record<string, unknown>) => () =>
      tester.flow({
        start: 'vipHandover',
        nodes: { vipHandover: { type: 'handoverToAgent', config: { providerId: 'g', ...config } } },
      });
    expect(flow({ priority: '{{profile.priority}}' })).not.toThrow(); // known only at run time
    const e = (() => {
      try {
        flow({ inboxId: 'support', priority: '{{profile.priority}}' })();
      } catch (x) {
        return x as UnsupportedCapabilityError;
      }
    })();
    expect(UnsupportedCapabilityError.isInstance(e)).toBe(true);
    expect(e!.details).toMatchObject({ field: 'inboxId', node: 'vipHandover' });
    expect(e!.message).toContain('Node "vipHandover"');
    expect(flow({ timer: 1 } as never)).toThrow(/vipHandover/); // unknown field: a config error naming the node
    await tester.close();
  });
});

describe("Cognigy's provider sections become routing for their connector type", () => {
  it('Live Agent / Chatwoot keys go to chatwoot (the inbox id picks the inbox), Genesys keys to genesys', async () => {
    const started: any[] = [];
    const service = {
      ...noService,
      startHandover: async (i: unknown) => (
        started.push(i),
        {
          alreadyInProgress: false,
          handover: {
            id: 'h',
            providerId: 'p',
            status: 'queue',
            createdAt: 0,
            updatedAt: 0,
            inactivityCount: 0,
            attempts: [],
          },
        }
      ),
    } as HandoverApi;
    const h = (createHandoverNodes({ service }) as Node[]).find((n) => n.type === 'handoverToAgent')!;
    await run(
      h,
      {
        providerId: 'p',
        liveAgentInboxId: '12',
        liveAgentSkills: 'billing, vip',
        liveAgentLanguages: ['english'],
        liveAgentPriority: 'urgent',
        genesysLanguage: 'english',
        genesysSkills: ['escalation'],
        genesysPriority: '1',
        genesysCustomAttributes: '{"order":{"id":42}}',
      },
      { userId: 'u', sessionId: 's' },
    );
    expect(started[0].routing).toEqual({});
    expect(started[0].byConnectorType).toEqual({
      chatwoot: {
        routing: { queue: 'inbox:12', skills: ['billing', 'vip'], languages: ['english'], priority: 'urgent' },
      },
      genesys: {
        routing: { skills: ['escalation'], languages: ['english'] },
        customAttributes: { 'order.id': 42 },
        options: { customAttributes: { 'handover.routing.priority': '1' } },
      },
    });
    expect(started[0].transcript).toEqual([]); // sendTranscriptAsFirstMessage: off, as in Cognigy
  });
});

describe('a failed start keeps why nobody could take it', () => {
  it('input.handover.error.unavailableReason, so a flow can branch on outside hours vs holiday vs no agents', async () => {
    const error = {
      reason: 'error',
      message: 'Nobody available: holiday',
      code: 'agents_unavailable',
      unavailableReason: 'holiday',
    } as const;
    const service = {
      ...noService,
      startHandover: async () => ({
        alreadyInProgress: false,
        handover: {
          id: 'h',
          providerId: 'p',
          status: 'error',
          createdAt: 0,
          updatedAt: 0,
          inactivityCount: 0,
          attempts: [],
          error,
        },
      }),
    } as HandoverApi;
    const input: Record<string, any> = { userId: 'u', sessionId: 's' };
    const { calls } = await run(
      (createHandoverNodes({ service }) as Node[]).find((n) => n.type === 'handoverToAgent')!,
      { providerId: 'p', requireAvailableAgent: true },
      input,
    );
    expect(input.handover).toEqual({ status: 'error', handoverId: 'h', providerId: 'p', error });
    expect(calls.some((c) => c[0] === 'stopExecution')).toBe(false); // continues below at once
  });
});
