/** The flow format the flow tester runs: the nodes a Cognigy flow would have, wired by id. */

export interface FlowContextView {
  input: Record<string, any>;
  context: Record<string, any>;
  profile: Record<string, any>;
}

/** An extension node (one of the five handover nodes, or any descriptor you pass in). */
export interface DescriptorNode {
  type: string;
  config?: Record<string, unknown>;
  /** The node below it. */
  next?: string;
  /**
   * Where each branch (child) leads, keyed by the child's type (`onHandoverQueue`) or its short
   * name (`queue`, `available`, `error`…). A branch without a target — or whose nodes end —
   * continues at `next`, below the node, as in Cognigy.
   */
  branches?: Record<string, string>;
  label?: string;
}

/** A Say node. The text is CognigyScript: `{{input.x}}`, `{{context.y}}`, `{{profile.z}}`, any expression. */
export interface SayNode {
  say: string | ((ctx: FlowContextView) => string);
  data?: Record<string, unknown>;
  next?: string;
  label?: string;
}

/**
 * An If node: a CognigyScript condition (`'input.availableAgents > 0'`, as typed in Cognigy) or a
 * function. Both branches continue at `next` (below the If) when they end.
 */
export interface IfNode {
  if: string | ((ctx: FlowContextView) => boolean);
  then?: string;
  else?: string;
  next?: string;
  label?: string;
}

/**
 * A Once node: `once` the first time it is reached in a session, `afterwards` every later time; both continue at
 * `next`.
 */
export interface OnceNode {
  once: string;
  afterwards?: string;
  next?: string;
  label?: string;
}

/** A Go To node; with `waitForInput` the next input starts at the target ("Go to Node and wait for Input"). */
export interface GoToNode {
  goTo: string;
  waitForInput?: boolean;
  label?: string;
}

/** A Code node. */
export interface CodeNode {
  code: (ctx: FlowContextView & { say(text: string): void }) => void | Promise<void>;
  next?: string;
  label?: string;
}

export type FlowNode = DescriptorNode | SayNode | IfNode | OnceNode | GoToNode | CodeNode;

export interface FlowDefinition {
  /** Where every input starts unless an entrypoint is set. */
  start: string;
  nodes: Record<string, FlowNode>;
}

export type TranscriptLine =
  | { from: 'user'; text: string; data?: Record<string, unknown> }
  | { from: 'bot'; text: string; data?: unknown }
  | { from: 'agent'; text: string; agent?: string }
  | { from: 'system'; text: string };

/** One node the flow passed through, and which branch it took. */
export interface BranchTaken {
  /** Which execution (each input, and each injected event, is one). */
  execution: number;
  nodeId: string;
  label: string;
  /** The child type the node routed to (`onHandoverQueue`), `then`/`else`, `onFirstTime`/`afterwards`, or undefined. */
  branch?: string;
  /** What started the execution. */
  trigger: 'user' | 'event';
  /** The node ended the execution (e.g. a live handover took the message: the bot stays quiet). */
  stopped?: boolean;
}
