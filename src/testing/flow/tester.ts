import type { INodeDescriptor } from '@cognigy/extension-tools';
import {
  HandoverConfigError,
  UnsupportedCapabilityError,
  type Clock,
  type ConnectorCapabilities,
  type ConnectorDefinitionV1,
} from '../../contract';
import { createFakeClock, flushAsync, type FakeClock } from '../../clock';
import { flowEventData, readFlowEvent, type Delivery, type DeliveryItem, type FlowHandoverInput } from '../../delivery';
import { createHandoverKit, type HandoverKit } from '../../kit';
import { sessionKeyOf } from '../../model';
import {
  AVAILABILITY_CHILDREN,
  LOOKUP_CASES,
  NODE_TYPES,
  createHandoverNodes,
  validateNodeConfig,
} from '../../../nodes';
import {
  SimulatedCenters,
  simulatedConnector,
  type CenterConfig,
  type SimulatedContactCenter,
} from '../../../connectors/simulated';
import { ChatSession } from './session';
import { execute, type SessionState } from './runtime';
import type { BranchTaken, FlowDefinition } from './types';

export interface FlowTesterOptions {
  /** Providers to create. Default: one simulated provider, id `simulated`, on center `default`. */
  providers?: Array<{ id?: string; name: string; type: string; settings?: Record<string, unknown> }>;
  /** Connector types. Default: the simulated connector on the tester's centers. */
  connectors?: ConnectorDefinitionV1[];
  /** Setup of named simulated centers (queues, agents), created on the tester's clock. */
  centers?: Record<string, CenterConfig>;
  /** Epoch ms the fake clock starts at. */
  startTime?: number;
  /**
   * The clock everything runs on. Default: a fake clock that only moves with `advance()`. Pass a
   * real one (`systemClock`) to run flows on real time, as the gateway's playground does; `advance()`
   * then refuses.
   */
  clock?: Clock;
  /** Called after each execution of a flow (a user input or an injected event): what it saw and did. */
  onExecution?: (record: ExecutionRecord) => void;
  /** Your own extension nodes, to use in flows beside the handover nodes. */
  nodes?: INodeDescriptor[];
  /** The tester has no NLU: map input texts to intents here (or pass `intent` with each input). */
  intents?: Record<string, RegExp>;
}

/** One execution of a flow, as `onExecution` reports it. */
export interface ExecutionRecord {
  userId: string;
  sessionId: string;
  trigger: 'user' | 'event';
  /** The input as the nodes left it (`input.handover` is set once a handover node has read an event). */
  input: Record<string, any>;
  /** The handover event the flow saw: the injected one, or the `input.handover` a node set. */
  handover?: FlowHandoverInput;
  /** The nodes passed and the branch each took, in order. */
  steps: BranchTaken[];
  /** Set when the execution failed. */
  error?: unknown;
}

/** Routes deliveries to the chat sessions: texts into the transcript, events into the flow (inject). */
class TesterDelivery implements Delivery {
  constructor(private readonly tester: FlowTester<Clock>) {}
  async deliver(item: DeliveryItem): Promise<void> {
    const chat = this.tester.sessionFor(item.session);
    if (!chat) return;
    if (item.type === 'message')
      chat.state.transcript.push(
        item.source === 'agent'
          ? { from: 'agent', text: item.text, ...(item.agent?.name ? { agent: item.agent.name } : {}) }
          : { from: 'system', text: item.text },
      );
    else if (item.type === 'typing') chat.typing.push(item.typing);
    // Cognigy's inject is asynchronous: the flow runs after the service has moved on.
    else chat.enqueue({ text: '', data: flowEventData(item.handover) }, 'event');
  }
}

/**
 * Runs flows built from the handover nodes without Cognigy: an in-process handover service on
 * simulated contact centers and a fake clock. Send user messages, let agents act, advance time, and
 * read back what the user and the agent saw and every branch taken. No test-runner imports: works
 * under vitest, jest and node:test.
 */
export class FlowTester<C extends Clock = FakeClock> {
  readonly clock: C;
  readonly centers = new SimulatedCenters();
  kit!: HandoverKit<Delivery>;
  private readonly sessions = new Map<string, ChatSession>();
  private capabilities = new Map<string, ConnectorCapabilities>();
  private descriptors = new Map<string, INodeDescriptor>();
  readonly intents: Record<string, RegExp>;

  private constructor(private readonly options: FlowTesterOptions) {
    this.clock = (options.clock ?? createFakeClock(options.startTime)) as C;
    if (isFakeClock(this.clock)) this.clock.settle = () => this.settle();
    this.intents = options.intents ?? {};
  }

  static async create<C extends Clock = FakeClock>(
    options: FlowTesterOptions & { clock?: C } = {},
  ): Promise<FlowTester<C>> {
    const tester = new FlowTester<C>(options);
    for (const [name, setup] of Object.entries(options.centers ?? {})) tester.centers.get(name, setup, tester.clock);
    tester.kit = await createHandoverKit({
      connectors: options.connectors ?? [simulatedConnector({ centers: tester.centers })],
      clock: tester.clock,
      delivery: new TesterDelivery(tester),
      providers: options.providers ?? [{ id: 'simulated', name: 'Simulated', type: 'simulated' }],
    });
    await tester.refreshProviders();
    return tester;
  }

  /** Re-reads providers (after you create or change some through `kit.registry`). */
  async refreshProviders(): Promise<void> {
    const providers = await this.kit.registry.list();
    this.capabilities = new Map();
    for (const p of providers) this.capabilities.set(p.id, (await this.kit.registry.capabilitiesOf(p.id)).capabilities);
    const nodes = createHandoverNodes({
      service: this.kit.service,
      providers: providers.map((p) => ({ ...p, capabilities: this.capabilities.get(p.id)! })),
    });
    this.descriptors = new Map([...nodes, ...(this.options.nodes ?? [])].map((d) => [d.type, d]));
  }

  /** The simulated center `name` (created on the tester's clock if new). */
  center(name = 'default'): SimulatedContactCenter {
    return this.centers.get(name, this.options.centers?.[name], this.clock);
  }

  /**
   * Checks a flow the way a build would: every node exists, every branch and `next` leads
   * somewhere, every handover node's config is valid (errors name the field) and its providers
   * can do what it asks. Returns a handle to open chat sessions on.
   */
  flow(definition: FlowDefinition): TestFlow {
    const nodes: FlowDefinition['nodes'] = {};
    for (const [id, node] of Object.entries(definition.nodes)) {
      nodes[id] = node;
      if ('type' in node) {
        const descriptor = this.descriptors.get(node.type);
        if (!descriptor)
          throw new HandoverConfigError(`Node "${id}": unknown type "${node.type}"`, [
            { path: `${id}.type`, message: 'Unknown node type' },
          ]);
        if (node.type in NODE_TYPES)
          checkConfig(id, node.type as keyof typeof NODE_TYPES, node.config ?? {}, (p) => this.capabilitiesOf(p));
        nodes[id] = { ...node, branches: normaliseBranches(id, node.type, node.branches, descriptor) };
      }
      for (const target of targetsOf(nodes[id]!)) {
        if (!definition.nodes[target])
          throw new HandoverConfigError(`Node "${id}" leads to "${target}", which is not in the flow`, [
            { path: id, message: `Unknown node "${target}"` },
          ]);
      }
    }
    if (!definition.nodes[definition.start])
      throw new HandoverConfigError(`Start node "${definition.start}" is not in the flow`, [
        { path: 'start', message: 'Unknown node' },
      ]);
    return new TestFlow(this, { start: definition.start, nodes });
  }

  /** Moves the fake clock, firing timers (queue updates, inactivity…) and letting the flow react. */
  async advance(ms: number): Promise<void> {
    if (!isFakeClock(this.clock))
      throw new Error('advance() needs the fake clock; this tester runs on a real clock (options.clock)');
    await this.clock.advance(ms);
    await this.settle();
  }

  /** Waits until no event, timer, delivery or flow execution is pending; rethrows a failed injected run. */
  async settle(): Promise<void> {
    for (let round = 0; round < 100; round++) {
      await flushAsync(3);
      await this.kit.service.idle();
      const busy = [...this.sessions.values()].filter((s) => s.busy);
      if (busy.length === 0) break;
      await Promise.all(busy.map((s) => s.whenIdle()));
    }
    for (const s of this.sessions.values()) s.throwPendingError();
  }

  async close(): Promise<void> {
    await this.settle();
    await this.kit.close();
  }

  capabilitiesOf(providerId: string): ConnectorCapabilities {
    const caps = this.capabilities.get(providerId);
    if (!caps)
      throw new HandoverConfigError(`Unknown handover provider "${providerId}"`, [
        { path: 'providerId', message: `No provider "${providerId}"` },
      ]);
    return caps;
  }

  /** @internal */
  register(chat: ChatSession): void {
    this.sessions.set(sessionKeyOf(chat.state), chat);
  }

  /** @internal */
  sessionFor(session: { userId: string; sessionId: string }): ChatSession | undefined {
    return this.sessions.get(sessionKeyOf(session));
  }

  /** @internal */
  async run(
    flow: FlowDefinition,
    state: SessionState,
    input: Record<string, any>,
    trigger: 'user' | 'event',
  ): Promise<void> {
    const observe = this.options.onExecution;
    if (!observe) return execute(flow, this.descriptors, state, input, trigger);
    const from = state.branches.length;
    let error: unknown;
    try {
      await execute(flow, this.descriptors, state, input, trigger);
    } catch (e) {
      error = e;
      throw e;
    } finally {
      const handover =
        readFlowEvent(input.data) ??
        (input.handover && typeof input.handover.status === 'string'
          ? (input.handover as FlowHandoverInput)
          : undefined);
      observe({
        userId: state.userId,
        sessionId: state.sessionId,
        trigger,
        input,
        ...(handover ? { handover } : {}),
        steps: state.branches.slice(from),
        ...(error !== undefined ? { error } : {}),
      });
    }
  }
}

function isFakeClock(clock: Clock): clock is FakeClock {
  return typeof (clock as Partial<FakeClock>).advance === 'function';
}

export class TestFlow {
  constructor(
    readonly tester: FlowTester<Clock>,
    readonly definition: FlowDefinition,
  ) {}

  /** Opens a chat: one user session on this flow. */
  session(
    options: { userId?: string; sessionId?: string; profile?: Record<string, any>; channel?: string } = {},
  ): ChatSession {
    const n = Math.random().toString(36).slice(2, 8);
    const chat = new ChatSession(this.tester, this.definition, {
      userId: options.userId ?? `user-${n}`,
      sessionId: options.sessionId ?? `session-${n}`,
      urlToken: 'tester-url-token',
      channel: options.channel ?? 'webchat3',
      context: {},
      profile: options.profile ?? {},
      transcript: [],
      branches: [],
      logs: [],
      executions: 0,
      onceDone: new Set(),
    });
    this.tester.register(chat);
    return chat;
  }
}

export function createFlowTester<C extends Clock = FakeClock>(
  options: FlowTesterOptions & { clock?: C } = {},
): Promise<FlowTester<C>> {
  return FlowTester.create<C>(options);
}

function targetsOf(node: FlowDefinition['nodes'][string]): string[] {
  if ('goTo' in node) return [node.goTo];
  const out = 'next' in node && node.next ? [node.next] : [];
  if ('if' in node) out.push(...[node.then, node.else].filter((t): t is string => !!t));
  if ('once' in node) out.push(...[node.once, node.afterwards].filter((t): t is string => !!t));
  if ('branches' in node && node.branches) out.push(...Object.values(node.branches));
  return out;
}

const SHORT_NAMES: Record<string, Record<string, string>> = {
  // `event` / `events`: the Lookup's "Events" case (status agentInject), by its earlier short name.
  [NODE_TYPES.lookupHandoverStatus]: {
    ...Object.fromEntries(LOOKUP_CASES.map((c) => [c.case, c.child])),
    event: 'onHandoverEvent',
    events: 'onHandoverEvent',
  },
  [NODE_TYPES.checkAgentAvailability]: Object.fromEntries(AVAILABILITY_CHILDREN.map((c) => [c.key, c.child])),
};

function normaliseBranches(
  id: string,
  nodeType: string,
  branches: Record<string, string> | undefined,
  descriptor: INodeDescriptor,
) {
  if (!branches) return undefined;
  const children = descriptor.dependencies?.children ?? [];
  const out: Record<string, string> = {};
  for (const [name, target] of Object.entries(branches)) {
    const childType = children.includes(name) ? name : SHORT_NAMES[nodeType]?.[name];
    if (!childType)
      throw new HandoverConfigError(
        `Node "${id}" has no branch "${name}" (branches: ${children.join(', ') || 'none'})`,
        [{ path: `${id}.branches.${name}`, message: 'Unknown branch' }],
      );
    out[childType] = target;
  }
  return out;
}

/** Validates a handover node's config; errors say which node of the flow they are about. */
function checkConfig(
  id: string,
  nodeType: keyof typeof NODE_TYPES,
  config: Record<string, unknown>,
  caps: (p: string) => ConnectorCapabilities,
) {
  try {
    validateNodeConfig(nodeType, config, caps);
  } catch (error) {
    if (HandoverConfigError.isInstance(error))
      throw new HandoverConfigError(`Node "${id}": ${error.message}`, error.issues);
    if (UnsupportedCapabilityError.isInstance(error)) {
      const wrapped = new UnsupportedCapabilityError(
        String(error.details.capability),
        {
          connectorType: error.details.connectorType as string | undefined,
          providerId: error.details.providerId as string | undefined,
        },
        `Node "${id}": ${error.message}`,
      );
      Object.assign(wrapped.details, { field: error.details.field, node: id });
      throw wrapped;
    }
    throw error;
  }
}
