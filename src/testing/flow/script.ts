import type { INodeDescriptor } from '@cognigy/extension-tools';
import type { FlowContextView } from './types';

/**
 * CognigyScript as Cognigy applies it before a node runs: every `{{ … }}` in a text field is a
 * JavaScript expression over `input`, `context`, `profile` (and their short names `ci`, `cc`,
 * `cp`). Whatever cannot be evaluated — `{{position}}` names no variable — becomes empty text,
 * which is how a template token that collides with CognigyScript gets lost in Cognigy.
 */
const EXPRESSION = /\{\{([\s\S]+?)\}\}/g;
const compiled = new Map<string, ((...roots: unknown[]) => unknown) | null>();

function compile(expression: string) {
  if (compiled.has(expression)) return compiled.get(expression)!;
  let fn: ((...roots: unknown[]) => unknown) | null;
  try {
    const body = `"use strict"; return (${expression});`;
    fn = new Function('input', 'context', 'profile', 'ci', 'cc', 'cp', body) as (...roots: unknown[]) => unknown;
  } catch {
    fn = null; // not an expression: evaluates to empty text, as a CognigyScript error does
  }
  if (compiled.size > 1000) compiled.clear();
  compiled.set(expression, fn);
  return fn;
}

/** The value of one `{{ expression }}` (undefined when it cannot be evaluated). */
export function evaluateExpression(expression: string, view: FlowContextView): unknown {
  const fn = compile(expression.trim());
  if (!fn) return undefined;
  try {
    return fn(view.input, view.context, view.profile, view.input, view.context, view.profile);
  } catch {
    return undefined;
  }
}

/** A text with its `{{ … }}` replaced by their values (objects as JSON). */
export function evaluateText(text: string, view: FlowContextView): string {
  return text.replace(EXPRESSION, (_, expression: string) => {
    const v = evaluateExpression(expression, view);
    return v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
  });
}

/** Every string inside a value (JSON fields), evaluated. */
export function evaluate<T>(value: T, view: FlowContextView): T {
  if (typeof value === 'string') return evaluateText(value, view) as T;
  if (Array.isArray(value)) return value.map((v) => evaluate(v, view)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, view)])) as T;
  }
  return value;
}

/** Field types whose value Cognigy evaluates as CognigyScript before the node runs. */
const SCRIPTED = new Set(['cognigyText', 'cognigyTextArray', 'json', 'say']);

/** A node's config as its function receives it: CognigyScript fields evaluated, the others as stored. */
export function evaluateConfig(
  descriptor: INodeDescriptor,
  config: Record<string, unknown>,
  view: FlowContextView,
): Record<string, unknown> {
  const types = new Map((descriptor.fields ?? []).map((f) => [f.key, String(f.type)]));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(structuredClone(config))) {
    out[key] = SCRIPTED.has(types.get(key) ?? '') ? evaluate(value, view) : value;
  }
  return out;
}
