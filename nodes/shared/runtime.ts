import type { INodeFunctionBaseParams } from '@cognigy/extension-tools';
import { toHandoverError, type HandoverError } from '../../src/contract/errors';
import type { FlowHandoverInput } from '../../src/delivery';
import { readFlowEvent } from '../../src/delivery';
import type { HandoverApi, HandoverView, SessionAddress } from '../../src/model';

/**
 * What the nodes need from Cognigy's node API. Every member of the official typings is optional
 * and `addToInput` is missing from them, so the nodes use this small, explicit surface instead.
 */
export interface NodeApi {
  say(text: string, data?: unknown): void;
  log(level: 'debug' | 'info' | 'warn' | 'error', text: string): void;
  addToContext(key: string, value: unknown, mode: 'simple' | 'array'): void;
  addToInput(key: string, value: unknown): void;
  setNextNode(nodeId: string): void;
  stopExecution(): void;
  getConversationTranscript?(mode?: 'json' | 'string', options?: { turnLimit?: number }): unknown;
}

export interface NodeRuntime {
  api: NodeApi;
  input: Record<string, any>;
  context: Record<string, any>;
  childConfigs: Array<{ id: string; type: string }>;
  nodeId: string;
}

/**
 * Cognigy's api behind `NodeApi`, filling gaps in older runtimes defensively. One object per
 * execution with its methods on the prototype: no closures to allocate on every execution.
 */
class CognigyApi implements NodeApi {
  readonly #raw: Record<string, any>;
  readonly #input: Record<string, any>;
  readonly #context: Record<string, any>;
  constructor(raw: Record<string, any>, input: Record<string, any>, context: Record<string, any>) {
    this.#raw = raw;
    this.#input = input;
    this.#context = context;
  }
  say(text: string, data?: unknown): void {
    this.#raw.say?.(text, data);
  }
  log(level: 'debug' | 'info' | 'warn' | 'error', text: string): void {
    this.#raw.log?.(level, text);
  }
  addToContext(key: string, value: unknown, mode: 'simple' | 'array'): void {
    if (this.#raw.addToContext) this.#raw.addToContext(key, value, mode);
    else this.#context[key] = value;
  }
  addToInput(key: string, value: unknown): void {
    if (this.#raw.addToInput) this.#raw.addToInput(key, value);
    this.#input[key] = value; // visible to the next nodes of this execution in every runtime
  }
  setNextNode(nodeId: string): void {
    this.#raw.setNextNode?.(nodeId);
  }
  stopExecution(): void {
    this.#raw.stopExecution?.();
  }
  /** `undefined` where the runtime has no transcript API. */
  getConversationTranscript(mode?: 'json' | 'string', options?: { turnLimit?: number }): unknown {
    return typeof this.#raw.getConversationTranscript === 'function'
      ? this.#raw.getConversationTranscript(mode, options)
      : undefined;
  }
}

/** Adapts Cognigy's params to `NodeRuntime`. */
export function runtimeOf(params: INodeFunctionBaseParams): NodeRuntime {
  const { cognigy, childConfigs, nodeId } = params;
  const input = cognigy.input as Record<string, any>;
  const context = (cognigy.context ?? {}) as Record<string, any>;
  const api = new CognigyApi(cognigy.api as Record<string, any>, input, context);
  return { api, input, context, childConfigs: (childConfigs ?? []) as NodeRuntime['childConfigs'], nodeId };
}

export function sessionOf(input: Record<string, any>): SessionAddress {
  const session: SessionAddress = { userId: String(input.userId ?? ''), sessionId: String(input.sessionId ?? '') };
  if (input.URLToken) session.urlToken = String(input.URLToken);
  if (input.channel) session.channel = String(input.channel);
  return session;
}

/** What the flow remembers about its handover, in `context.handoverKit`. */
export interface HandoverState {
  handoverId: string;
  providerId: string;
  status: HandoverView['status'];
}
export const STATE_KEY = 'handoverKit';

export function readState(rt: NodeRuntime): HandoverState | undefined {
  const s = rt.context[STATE_KEY];
  return s && typeof s === 'object' && typeof s.handoverId === 'string' ? (s as HandoverState) : undefined;
}

/** Queued or with an agent: not ended (completed, cancelled, error). */
export const isLiveStatus = (status: HandoverView['status']) => status === 'queue' || status === 'active';

export function isLive(state: HandoverState | undefined): state is HandoverState {
  return !!state && isLiveStatus(state.status);
}

export function writeState(rt: NodeRuntime, view: Pick<HandoverView, 'id' | 'providerId' | 'status'>): void {
  const known = rt.context[STATE_KEY] as HandoverState | undefined;
  // Unchanged (every message forwarded while active): no write, so Cognigy has no context change to store.
  if (known?.handoverId === view.id && known.providerId === view.providerId && known.status === view.status) return;
  const state: HandoverState = { handoverId: view.id, providerId: view.providerId, status: view.status };
  rt.context[STATE_KEY] = state;
  rt.api.addToContext(STATE_KEY, state, 'simple');
}

/** The handover event this input carries: injected by the gateway, or set by a node above in this execution. */
export function incomingHandover(rt: NodeRuntime): FlowHandoverInput | undefined {
  return (
    readFlowEvent(rt.input.data) ??
    (rt.input.handover && typeof rt.input.handover.status === 'string' ? rt.input.handover : undefined)
  );
}

const HANDOVER_STATUSES = new Set<string>(['queue', 'active', 'completed', 'cancelled', 'error']);

/**
 * Sets `input.handover` the way Cognigy's own handover does, and keeps the context state in step
 * (`agentInject`, `genericHandoverUpdate` and "already in progress" leave the handover's status as it is).
 */
export function setHandoverInput(rt: NodeRuntime, handover: FlowHandoverInput): void {
  rt.api.addToInput('handover', handover);
  if (HANDOVER_STATUSES.has(handover.status))
    writeState(rt, {
      id: handover.handoverId,
      providerId: handover.providerId,
      status: handover.status as HandoverView['status'],
    });
}

export function viewToInput(view: HandoverView): FlowHandoverInput {
  // Fields set one by one (no spreads of throwaway objects): this runs on every node execution.
  const input: FlowHandoverInput = { status: view.status, handoverId: view.id, providerId: view.providerId };
  if (view.queuePosition !== undefined || view.estimatedWaitMs !== undefined || view.agent) {
    const data: Record<string, unknown> = {};
    if (view.queuePosition !== undefined) data.position = view.queuePosition;
    if (view.estimatedWaitMs !== undefined) data.estimatedWaitTime = view.estimatedWaitMs;
    if (view.agent) data.agent = view.agent;
    input.data = data;
  }
  if (view.error) {
    const e = view.error;
    const error: NonNullable<FlowHandoverInput['error']> = { reason: e.reason, message: e.message };
    if (e.code) error.code = e.code;
    if (e.unavailableReason) error.unavailableReason = e.unavailableReason;
    input.error = error;
  }
  if (view.inactivityCount > 0) input.inactivityCount = view.inactivityCount;
  return input;
}

export function routeTo(rt: NodeRuntime, childType: string, fallbackType?: string): string | undefined {
  const child =
    rt.childConfigs.find((c) => c.type === childType) ??
    (fallbackType ? rt.childConfigs.find((c) => c.type === fallbackType) : undefined);
  if (child) rt.api.setNextNode(child.id);
  return child?.type;
}

/** Stores a result in input or context, as Cognigy's storage options do. */
export function store(rt: NodeRuntime, where: 'input' | 'context', key: string | undefined, value: unknown): void {
  if (!key) return;
  if (where === 'context') {
    rt.context[key] = value;
    rt.api.addToContext(key, value, 'simple');
  } else rt.api.addToInput(key, value);
}

export type ErrorLogging = 'none' | 'basic' | 'full';

/** Logs a failure without leaking request payloads unless the flow builder chose full logging. */
export function logFailure(rt: NodeRuntime, node: string, error: HandoverError, level: ErrorLogging = 'basic'): void {
  if (level === 'none') return;
  const base = `${node}: ${error.code}: ${error.message}`;
  rt.api.log('error', level === 'full' ? `${base} ${JSON.stringify(error.details)}` : base);
}

export type ServiceSource = HandoverApi | ((config: Record<string, unknown>) => HandoverApi);

export function serviceFor(source: ServiceSource, config: Record<string, unknown>): HandoverApi {
  return typeof source === 'function' ? source(config) : source;
}

export { toHandoverError };
