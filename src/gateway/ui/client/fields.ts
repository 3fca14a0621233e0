/// <reference lib="dom" />
import { h } from './dom';

/**
 * Form fields generated from a connector's settings JSON Schema (what `/v2.0/handover/services`
 * serves, with `label`, `description` and `secret` on each field): strings as text inputs, secrets
 * as password inputs, enums as selects, booleans as checkboxes, numbers as number inputs, and
 * anything nested (objects, arrays) as a JSON textarea.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  anyOf?: JsonSchema[];
  const?: unknown;
  default?: unknown;
  label?: string;
  title?: string;
  description?: string;
  placeholder?: string;
  secret?: boolean;
  format?: string;
  minimum?: number;
  maximum?: number;
}

export type FieldKind = 'text' | 'secret' | 'integer' | 'number' | 'select' | 'checkbox' | 'json';

export interface FieldSpec {
  /** Where validation issues point: `name`, `settings.webhookSecret`. */
  path: string;
  label: string;
  kind: FieldKind;
  required: boolean;
  help?: string;
  placeholder?: string;
  options?: string[];
  default?: unknown;
  inputType?: 'text' | 'url' | 'email';
  min?: number;
  max?: number;
}

export type FieldValue =
  | { state: 'value'; value: unknown }
  | { state: 'empty' }
  | { state: 'invalid'; message: string };

export interface FieldControl {
  spec: FieldSpec;
  el: HTMLElement;
  read(): FieldValue;
  setError(message?: string): void;
  focus(): void;
}

/** The fields of an object schema, in the schema's order. */
export function fieldsOf(schema: JsonSchema, prefix: string): FieldSpec[] {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).map(([name, s]) =>
    specOf(`${prefix}${name}`, name, s, required.has(name)),
  );
}

function specOf(path: string, name: string, s: JsonSchema, required: boolean): FieldSpec {
  const types = (Array.isArray(s.type) ? s.type : s.type ? [s.type] : []).filter((t) => t !== 'null');
  const choices = s.enum ?? (s.anyOf?.every((a) => a.const !== undefined) ? s.anyOf.map((a) => a.const) : undefined);
  let kind: FieldKind = 'json';
  if (s.secret) kind = 'secret';
  else if (choices?.every((c) => typeof c === 'string')) kind = 'select';
  else if (types.length === 1 && types[0] === 'boolean') kind = 'checkbox';
  else if (types.length === 1 && (types[0] === 'integer' || types[0] === 'number')) kind = types[0] as FieldKind;
  else if (types.length === 1 && types[0] === 'string') kind = 'text';
  const spec: FieldSpec = { path, label: s.label ?? s.title ?? humanize(name), kind, required };
  if (s.description) spec.help = s.description;
  if (s.default !== undefined) spec.default = s.default;
  if (kind === 'select') spec.options = choices as string[];
  if (s.placeholder) spec.placeholder = s.placeholder;
  else if (s.default !== undefined && kind !== 'checkbox' && kind !== 'select')
    spec.placeholder = kind === 'json' ? JSON.stringify(s.default) : `Default: ${String(s.default)}`;
  if (s.format === 'uri' || s.format === 'url') spec.inputType = 'url';
  if (s.format === 'email') spec.inputType = 'email';
  if (typeof s.minimum === 'number') spec.min = s.minimum;
  if (typeof s.maximum === 'number' && s.maximum < Number.MAX_SAFE_INTEGER) spec.max = s.maximum;
  return spec;
}

function humanize(name: string): string {
  const words = name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1).toLowerCase();
}

/**
 * One labelled control with its help text and an error slot (`aria-describedby` ties them together).
 * `current` is the stored value when editing; a secret is never shown (the API masks it anyway):
 * left empty, it stays as it is.
 */
export function fieldControl(spec: FieldSpec, current: unknown, editing: boolean): FieldControl {
  const id = `field-${spec.path.replace(/[^A-Za-z0-9_-]/g, '-')}`;
  const helpId = `${id}-help`;
  const errorId = `${id}-error`;
  const describedBy = [spec.help || (spec.kind === 'secret' && editing) ? helpId : '', errorId]
    .filter(Boolean)
    .join(' ');
  const value = current !== undefined ? current : editing ? undefined : spec.default;
  const common = { id, name: spec.path, 'aria-describedby': describedBy, required: spec.required };

  let input: HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;
  if (spec.kind === 'select') {
    // An empty choice only where "nothing" means something: optional and without a default.
    const none = !spec.required && spec.default === undefined ? [h('option', { value: '' }, '— not set —')] : [];
    input = h(
      'select',
      common,
      none,
      (spec.options ?? []).map((o) => h('option', { value: o, selected: o === value }, o)),
    );
  } else if (spec.kind === 'checkbox') {
    input = h('input', { ...common, type: 'checkbox', checked: value === true });
  } else if (spec.kind === 'json') {
    input = h('textarea', { ...common, rows: 4, spellcheck: 'false', placeholder: spec.placeholder, class: 'mono' });
    input.value = value === undefined ? '' : JSON.stringify(value, null, 2);
  } else {
    const type =
      spec.kind === 'secret'
        ? 'password'
        : spec.kind === 'integer' || spec.kind === 'number'
          ? 'number'
          : (spec.inputType ?? 'text');
    const placeholder = spec.kind === 'secret' && editing ? 'Unchanged — type to replace' : spec.placeholder;
    input = h('input', {
      ...common,
      type,
      placeholder,
      autocomplete: spec.kind === 'secret' ? 'new-password' : 'off',
      spellcheck: 'false',
      step: spec.kind === 'integer' ? 1 : spec.kind === 'number' ? 'any' : undefined,
      min: spec.min,
      max: spec.max,
    });
    if (spec.kind !== 'secret' && value !== undefined && value !== null) input.value = String(value);
  }

  const help =
    spec.kind === 'secret' && editing
      ? [spec.help, 'Stored and masked; leave empty to keep it.'].filter(Boolean).join(' ')
      : spec.help;
  const error = h('p', { id: errorId, class: 'field-error', hidden: true });
  const label = h(
    'label',
    { for: id },
    spec.label,
    spec.required ? h('span', { class: 'required', title: 'required' }, ' *') : null,
  );
  const el = h(
    'div',
    { class: `field field-${spec.kind}`, 'data-path': spec.path },
    spec.kind === 'checkbox' ? h('div', { class: 'check' }, input, label) : [label, input],
    help ? h('p', { id: helpId, class: 'help' }, help) : null,
    error,
  );

  return {
    spec,
    el,
    focus: () => input.focus(),
    setError(message) {
      error.textContent = message ?? '';
      error.hidden = !message;
      el.classList.toggle('invalid', !!message);
      if (message) input.setAttribute('aria-invalid', 'true');
      else input.removeAttribute('aria-invalid');
    },
    read(): FieldValue {
      if (input instanceof HTMLInputElement && input.type === 'checkbox')
        return { state: 'value', value: input.checked };
      const raw = input.value.trim();
      if (raw === '') return { state: 'empty' };
      if (spec.kind === 'integer' || spec.kind === 'number') {
        const n = Number(raw);
        return Number.isFinite(n) ? { state: 'value', value: n } : { state: 'invalid', message: 'Enter a number' };
      }
      if (spec.kind === 'json') {
        try {
          return { state: 'value', value: JSON.parse(raw) };
        } catch (e) {
          return { state: 'invalid', message: `Not valid JSON (${(e as Error).message})` };
        }
      }
      return { state: 'value', value: spec.kind === 'secret' ? input.value : raw };
    },
  };
}
