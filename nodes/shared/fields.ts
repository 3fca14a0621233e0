import { z } from 'zod';
import type {
  INodeField,
  INodeFieldAndSectionFormElement,
  INodeOptionsResolver,
  INodeSection,
  TNodeFieldCondition,
} from '@cognigy/extension-tools/build/interfaces/descriptor';

/**
 * Node configs are zod schemas; each field carries its Cognigy editor metadata. Validation, types,
 * error messages and the descriptor's `fields` / `sections` / `form` all come from that one schema.
 */
export type CognigyFieldType = INodeField['type'];

export interface NodeFieldMeta {
  label: string;
  type: CognigyFieldType;
  description?: string;
  section?: string;
  condition?: TNodeFieldCondition;
  params?: Record<string, unknown>;
  optionsResolver?: INodeOptionsResolver;
}

const KEY = 'cognigyField';

/** Attaches Cognigy editor metadata to a config field. */
export function nodeField<T extends z.ZodType>(schema: T, meta: NodeFieldMeta): T {
  return schema.meta({ [KEY]: meta }) as T;
}

/** Cognigy sends "" for an empty text field: treat it as "not set". */
export function optionalText(max = 2000) {
  return z.preprocess((v) => (v === '' || v === null ? undefined : v), z.string().max(max).optional());
}

/** A number that may arrive as text (CognigyScript fields), "" meaning "not set". */
export function optionalNumber(inner: z.ZodNumber) {
  return z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    inner.optional(),
  );
}

/**
 * A number as Cognigy's number / text fields hand it over. Cognigy accepts anything there, so
 * nothing usable (empty, not a number, not above 0) means "not set" instead of an error.
 */
export function lenientNumber(max = Number.MAX_SAFE_INTEGER) {
  return z.preprocess((v) => {
    const n = typeof v === 'string' ? (v.trim() === '' ? NaN : Number(v)) : typeof v === 'number' ? v : NaN;
    return Number.isFinite(n) && n > 0 ? Math.min(n, max) : undefined;
  }, z.number().optional());
}

/** A list that may arrive as an array or a comma-separated text. */
export function textList() {
  return z.preprocess(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v === null || v === ''
          ? undefined
          : v,
    z.array(z.string().min(1).max(100)).max(50).optional(),
  );
}

function metaOf(schema: z.ZodType): NodeFieldMeta | undefined {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    const meta = z.globalRegistry.get(current)?.[KEY] as NodeFieldMeta | undefined;
    if (meta) return meta;
    const def: WrapperDef | undefined = (current as unknown as { def?: WrapperDef }).def;
    current = def?.innerType ?? def?.out ?? def?.in;
  }
  return undefined;
}

interface WrapperDef {
  type?: string;
  defaultValue?: unknown;
  innerType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
}

function defaultOf(schema: z.ZodType): unknown {
  let current: z.ZodType | undefined = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    const def: WrapperDef | undefined = (current as unknown as { def?: WrapperDef }).def;
    if (def?.type === 'default')
      return typeof def.defaultValue === 'function' ? (def.defaultValue as () => unknown)() : def.defaultValue;
    current = def?.innerType ?? def?.out ?? def?.in;
  }
  return undefined;
}

export interface SectionDef {
  key: string;
  label: string;
  defaultCollapsed?: boolean;
  condition?: TNodeFieldCondition;
}

/** The descriptor's `fields`, `sections` and `form`, in schema order. */
export function editorFrom(schema: z.ZodObject, sectionDefs: SectionDef[] = []) {
  const fields: INodeField[] = [];
  const bySection = new Map<string, string[]>();
  const form: INodeFieldAndSectionFormElement[] = [];
  for (const [key, value] of Object.entries(schema.shape)) {
    const meta = metaOf(value as z.ZodType);
    if (!meta) continue;
    const field: INodeField = { key, type: meta.type, label: meta.label };
    if (meta.description) field.description = meta.description;
    if (meta.condition) field.condition = meta.condition;
    if (meta.params) field.params = meta.params;
    if (meta.optionsResolver) field.optionsResolver = meta.optionsResolver;
    const dflt = defaultOf(value as z.ZodType);
    if (dflt !== undefined) field.defaultValue = dflt;
    fields.push(field);
    if (meta.section) bySection.set(meta.section, [...(bySection.get(meta.section) ?? []), key]);
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
