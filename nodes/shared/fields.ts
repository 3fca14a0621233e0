import type {
  INodeField,
  INodeFieldAndSectionFormElement,
  INodeOptionsResolver,
  INodeSection,
  TNodeFieldCondition,
} from '@cognigy/extension-tools/build/interfaces/descriptor';

/**
 * A node's config is declared as data: each field's Cognigy editor metadata and the kind of value it
 * takes. The descriptor's `fields` / `sections` / `form` come from that data alone, so loading an
 * extension builds no validator; the zod schema (validation, error messages) is built from the same
 * data on a node's first execution (./config.ts). Types follow from the data too (`ConfigOf`).
 */
export type CognigyFieldType = INodeField['type'];

/** What a field holds, and how Cognigy's loosely typed value is read (see ./config.ts). */
export type ValueSpec =
  /** Text; Cognigy's "" counts as not set. */
  | { kind: 'text'; max?: number; default?: string }
  | { kind: 'bool'; default: boolean }
  | { kind: 'enum'; values: readonly string[]; default: string }
  /** A list given as an array or as comma-separated text. */
  | { kind: 'list'; default?: readonly string[] }
  /** A number above 0 (text allowed); anything else means not set, as Cognigy reads it. */
  | { kind: 'lenientNumber'; max?: number }
  /** A whole number from 0 to `max` (text allowed); "" means not set. */
  | { kind: 'wholeNumber'; max: number }
  /** A JSON object, given as an object or as its text; empty counts as `{}`. */
  | { kind: 'json' }
  | { kind: 'provider' }
  /** Set Handover Inactivity's timer: text or a number, read as Cognigy does (`Number(timer)`). */
  | { kind: 'timer' };

export interface NodeFieldMeta {
  label: string;
  type: CognigyFieldType;
  description?: string;
  section?: string;
  condition?: TNodeFieldCondition;
  params?: Record<string, unknown>;
  optionsResolver?: INodeOptionsResolver;
}

export interface FieldSpec extends NodeFieldMeta {
  key: string;
  value: ValueSpec;
}

type ValueOf<V> = V extends { kind: 'bool' }
  ? boolean
  : V extends { kind: 'text'; default: string }
    ? string
    : V extends { kind: 'text' }
      ? string | undefined
      : V extends { kind: 'enum'; values: readonly (infer E)[] }
        ? E
        : V extends { kind: 'list'; default: readonly string[] }
          ? string[]
          : V extends { kind: 'list' }
            ? string[] | undefined
            : V extends { kind: 'lenientNumber' | 'wholeNumber' }
              ? number | undefined
              : V extends { kind: 'json' }
                ? Record<string, unknown>
                : V extends { kind: 'provider' }
                  ? string
                  : V extends { kind: 'timer' }
                    ? string | number | undefined
                    : never;

/** The parsed config a list of fields declares. */
export type ConfigOf<F extends readonly FieldSpec[]> = { [S in F[number] as S['key']]: ValueOf<S['value']> };

/** Keeps the literal keys and value kinds of a field list, so `ConfigOf` can type the config. */
export const fieldList = <const F extends readonly FieldSpec[]>(fields: F): F => fields;

/** The same fields, all in one editor section. */
export const inSection = <const F extends readonly Omit<FieldSpec, 'section'>[]>(section: string, fields: F) =>
  fields.map((f) => ({ ...f, section })) as unknown as { [I in keyof F]: F[I] & { section: string } };

/** One field; `extra` carries a section, a description, a condition or params. */
export const field = <const K extends string, const V extends ValueSpec>(
  key: K,
  value: V,
  label: string,
  type: CognigyFieldType,
  extra: Partial<NodeFieldMeta> = {},
) => ({ key, value, label, type, ...extra });

/** A toggle (on or off by default). */
export const toggle = <const K extends string>(
  key: K,
  label: string,
  on: boolean,
  extra: Partial<NodeFieldMeta> = {},
) => field(key, { kind: 'bool', default: on }, label, 'toggle', extra);

/** A CognigyScript text field (at most `max` characters, 2000 unless given); "" counts as not set. */
export const textField = <const K extends string>(
  key: K,
  label: string,
  extra: Partial<NodeFieldMeta> = {},
  max?: number,
) => field(key, max === undefined ? { kind: 'text' } : { kind: 'text', max }, label, 'cognigyText', extra);

export interface SectionDef {
  key: string;
  label: string;
  defaultCollapsed?: boolean;
  condition?: TNodeFieldCondition;
}

/** The default a field shows in the editor: the value an unset field is read as. */
function defaultOf(value: ValueSpec): unknown {
  if (value.kind === 'json') return {};
  return 'default' in value ? (Array.isArray(value.default) ? [...value.default] : value.default) : undefined;
}

/** The descriptor's `fields`, `sections` and `form`, in declaration order. */
export function editorFrom(specs: readonly FieldSpec[], sectionDefs: readonly SectionDef[] = []) {
  const fields: INodeField[] = [];
  const bySection = new Map<string, string[]>();
  const form: INodeFieldAndSectionFormElement[] = [];
  for (const spec of specs) {
    const { key } = spec;
    const field: INodeField = { key, type: spec.type, label: spec.label };
    if (spec.description) field.description = spec.description;
    if (spec.condition) field.condition = spec.condition;
    if (spec.params) field.params = spec.params;
    if (spec.optionsResolver) field.optionsResolver = spec.optionsResolver;
    const dflt = defaultOf(spec.value);
    if (dflt !== undefined) field.defaultValue = dflt;
    fields.push(field);
    if (spec.section) bySection.set(spec.section, [...(bySection.get(spec.section) ?? []), key]);
    else form.push({ type: 'field', key });
  }
  const sections: INodeSection[] = sectionDefs
    .filter((s) => bySection.has(s.key))
    .map((s) => ({
      key: s.key,
      label: s.label,
      defaultCollapsed: s.defaultCollapsed ?? true,
      fields: bySection.get(s.key)!,
      ...(s.condition ? { condition: s.condition } : {}),
    }));
  for (const s of sections) form.push({ type: 'section', key: s.key });
  return { fields, sections, form };
}
