import type { INodeDescriptor } from '@cognigy/extension-tools';
import { evaluateConfig, evaluateExpression, evaluateText } from './script';
import type { BranchTaken, FlowContextView, FlowDefinition, FlowNode, TranscriptLine } from './types';

export { evaluate } from './script';

/**
 * A small emulation of Cognigy's flow runtime, enough for the handover nodes:
 * - each input (and each injected event) is one execution with a fresh `input`; `context` and
 *   `profile` live for the session;
 * - execution starts at the entrypoint if one is set, else at `start`; a node with
 *   `behavior.entrypoint` that stops the execution becomes the entrypoint of the next input, as a
 *   Question node does; "Go To … wait for input" sets it explicitly; otherwise it is cleared;
 * - `api.setNextNode(childId)` follows the branch, else the node's `next`; a branch (of a node,
 *   an If, a Once) that ends — or is left empty — continues below its parent, as in Cognigy;
 *   `api.stopExecution()` ends the execution;
 * - CognigyScript: every `{{ expression }}` in a node's cognigyText / json fields and in Say texts
 *   is evaluated as JavaScript over input, context, profile (ci, cc, cp) before the node runs;
 *   what cannot be evaluated becomes empty text, as in Cognigy;
 * - `api.say`, `api.log`, `api.addToContext` (simple / array), `api.addToInput`,
 *   `api.getConversationTranscript('json')`.
 * Not emulated: NLU (give `intent` with the input), Say-node handover output destinations (bot
 * output goes to the user), flow switching, analytics.
 */
export interface SessionState {
  userId: string;
  sessionId: string;
  urlToken: string;
  channel: string;
  entrypoint?: string;
  context: Record<string, any>;
  profile: Record<string, any>;
  transcript: TranscriptLine[];
  branches: BranchTaken[];
  logs: Array<{ level: string; text: string }>;
  executions: number;
  /** Once nodes that have run their first-time branch in this session. */
  onceDone?: Set<string>;
}

const MAX_STEPS = 500;

export class FlowRuntimeError extends Error {
  override name = 'FlowRuntimeError';
}

export async function execute(
  flow: FlowDefinition,
  descriptors: ReadonlyMap<string, INodeDescriptor>,
  session: SessionState,
  input: Record<string, any>,
  trigger: 'user' | 'event',
): Promise<void> {
  const execution = ++session.executions;
  let nodeId: string | undefined = session.entrypoint ?? flow.start;
  session.entrypoint = undefined;
  // Where each branch entered rejoins the flow: the node below its parent.
  const below: Array<string | undefined> = [];
  const branch = (target: string | undefined, after: string | undefined) => {
    if (!target) return after; // an empty branch continues below its parent
    below.push(after);
    return target;
  };
  for (let steps = 0; nodeId || below.length; steps++) {
    if (!nodeId) {
      nodeId = below.pop();
      continue;
    }
    if (steps >= MAX_STEPS)
      throw new FlowRuntimeError(
        `Flow did not settle after ${MAX_STEPS} nodes (a Go To loop without waiting for input?)`,
      );
    const node: FlowNode | undefined = flow.nodes[nodeId];
    if (!node) throw new FlowRuntimeError(`Flow has no node "${nodeId}"`);
    const view: FlowContextView = { input, context: session.context, profile: session.profile };
    const taken: BranchTaken = { execution, nodeId, label: node.label ?? nodeId, trigger };
    session.branches.push(taken);

    if ('say' in node) {
      const text = typeof node.say === 'function' ? node.say(view) : evaluateText(node.say, view);
      session.transcript.push({ from: 'bot', text, ...(node.data ? { data: node.data } : {}) });
      nodeId = node.next;
    } else if ('if' in node) {
      const result = typeof node.if === 'string' ? !!evaluateExpression(node.if, view) : node.if(view);
      taken.branch = result ? 'then' : 'else';
      nodeId = branch(result ? node.then : node.else, node.next);
    } else if ('once' in node) {
      const key = `${ONCE_KEY}${nodeId}`;
      const done = (session.onceDone ??= new Set());
      const first = !done.has(key);
      done.add(key);
      taken.branch = first ? 'onFirstTime' : 'afterwards';
      nodeId = branch(first ? node.once : node.afterwards, node.next);
    } else if ('goTo' in node) {
      below.length = 0;
      if (node.waitForInput) {
        session.entrypoint = node.goTo;
        return;
      }
      nodeId = node.goTo;
    } else if ('code' in node) {
      await node.code({ ...view, say: (text) => session.transcript.push({ from: 'bot', text }) });
      nodeId = node.next;
    } else {
      const descriptor = descriptors.get(node.type);
      if (!descriptor?.function) throw new FlowRuntimeError(`No node type "${node.type}" (node "${nodeId}")`);
      const children = (descriptor.dependencies?.children ?? []).map((type) => ({
        id: `${nodeId}#${type}`,
        type,
        config: {},
      }));
      let next: string | undefined;
      let stopped = false;
      const api = {
        say: (text: string, data?: unknown) =>
          session.transcript.push({ from: 'bot', text: text ?? '', ...(data !== undefined ? { data } : {}) }),
        output: (text: string, data?: unknown) =>
          session.transcript.push({ from: 'bot', text: text ?? '', ...(data !== undefined ? { data } : {}) }),
        log: (level: string, text: string) => session.logs.push({ level, text }),
        addToContext: (key: string, value: unknown, mode = 'simple') => {
          if (mode === 'array')
            session.context[key] = [...(Array.isArray(session.context[key]) ? session.context[key] : []), value];
          else session.context[key] = value;
        },
        getContext: (key: string) => session.context[key],
        addToInput: (key: string, value: unknown) => {
          input[key] = value;
        },
        setNextNode: (id: string) => {
          next = id;
        },
        stopExecution: () => {
          stopped = true;
        },
        getConversationTranscript: () =>
          session.transcript.flatMap((l) =>
            l.from === 'user' || l.from === 'bot' ? [{ role: l.from, text: l.text }] : [],
          ),
      };
      const config = evaluateConfig(descriptor, node.config ?? {}, view);
      await descriptor.function({
        cognigy: { api, input, context: session.context, profile: session.profile } as never,
        config,
        childConfigs: children,
        nodeId,
      });
      if (stopped) {
        taken.stopped = true;
        if (descriptor.behavior?.entrypoint) session.entrypoint = nodeId;
        return;
      }
      if (next) {
        const child = children.find((c) => c.id === next);
        if (!child) throw new FlowRuntimeError(`Node "${nodeId}" routed to an unknown child ${next}`);
        taken.branch = child.type;
        nodeId = branch(node.branches?.[child.type], node.next);
      } else nodeId = node.next;
    }
  }
}

const ONCE_KEY = 'once:';
