import { z } from 'zod';
import { objectShape, parseOrThrow } from '../../src/contract';
import type { ConfigOf, FieldSpec, ValueSpec } from './fields';

/**
 * The zod side of the nodes' field lists: validation and error messages. Loaded on a node's first
 * execution (./lazy-config.ts) or where a flow is validated, never when an extension loads.
 */

const blankIsUnset = (v: unknown) => (v === '' || v === null ? undefined : v);

/** A list that may arrive as an array or a comma-separated text. */
const textList = () =>
  z.preprocess(
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

/** JSON given as an object or as its text (Cognigy's json fields); empty counts as `{}`. */
const jsonObject = () =>
  z.preprocess(
    (v) => {
      if (typeof v === 'string') {
        try {
          v = v.trim() === '' ? {} : JSON.parse(v);
        } catch {
          return v; // fails below with a message naming the field
        }
      }
      return v === null || v === undefined ? {} : v;
    },
    z.record(z.string(), z.unknown(), { error: 'Enter a JSON object' }),
  );

/**
 * A number as Cognigy's number / text fields hand it over. Cognigy accepts anything there, so
 * nothing usable (empty, not a number, not above 0) means "not set" instead of an error.
 */
const lenientNumber = (max = Number.MAX_SAFE_INTEGER) =>
  z.preprocess((v) => {
    const n = typeof v === 'string' ? (v.trim() === '' ? NaN : Number(v)) : typeof v === 'number' ? v : NaN;
    return Number.isFinite(n) && n > 0 ? Math.min(n, max) : undefined;
  }, z.number().optional());

/** A whole number that may arrive as text (CognigyScript fields), "" meaning "not set". */
const wholeNumber = (max: number) =>
  z.preprocess(
    (v) => (v === '' || v === null || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z.number().int().min(0).max(max).optional(),
  );

function zodOf(value: ValueSpec): z.ZodType {
  switch (value.kind) {
    case 'text': {
      const text = z.preprocess(
        blankIsUnset,
        z
          .string()
          .max(value.max ?? 2000)
          .optional(),
      );
      return value.default === undefined ? text : text.default(value.default);
    }
    case 'bool':
      return z.boolean().default(value.default);
    case 'enum':
      return z.enum(value.values as [string, ...string[]]).default(value.default);
    case 'list':
      return value.default ? textList().default([...value.default]) : textList();
    case 'lenientNumber':
      return lenientNumber(value.max);
    case 'wholeNumber':
      return wholeNumber(value.max);
    case 'json':
      return jsonObject().default({});
    case 'provider':
      return z.string({ error: 'Choose a handover provider' }).min(1, 'Choose a handover provider').max(128);
    case 'timer':
      // Cognigy's field is text and unchecked (Number(timer) minutes): "", "abc" or 0 arm nothing.
      return z.preprocess(
        (v) => (typeof v === 'string' || typeof v === 'number' ? v : undefined),
        z.union([z.string().max(100), z.number()]).optional(),
      );
  }
}

export type ConfigSchema<F extends readonly FieldSpec[]> = z.ZodType<ConfigOf<F>>;

/** The strict zod object a field list declares (unknown keys are errors where a flow is built). */
export function configSchema<const F extends readonly FieldSpec[]>(fields: F): ConfigSchema<F> {
  return z.strictObject(Object.fromEntries(fields.map((f) => [f.key, zodOf(f.value)]))) as never;
}

const parsedConfigs = new WeakMap<z.ZodType, Map<string, { raw: unknown; parsed: unknown }>>();

/**
 * Validates a node's config; the error names the field, e.g. `timer: Enter the minutes …`.
 * A node runs with the same config over and over: the last valid result per node is kept and
 * reused while the config, as given, is unchanged (comparing is far cheaper than validating thirty
 * fields, and a hit skips dropping unknown fields too).
 */
export function parseConfig<T extends z.ZodType>(
  schema: T,
  config: unknown,
  node: string,
  nodeId = '',
  lenient = false,
): z.output<T> {
  let cache = parsedConfigs.get(schema);
  if (!cache) parsedConfigs.set(schema, (cache = new Map()));
  const known = cache.get(nodeId);
  if (known && sameValue(known.raw, config)) return known.parsed as z.output<T>;
  const parsed = parseOrThrow(schema, (lenient ? knownFieldsOnly(schema, config) : config) ?? {}, `${node} config`);
  if (cache.size >= 256) cache.delete(cache.keys().next().value!);
  cache.set(nodeId, { raw: structuredClone(config), parsed: Object.freeze(parsed) });
  return parsed;
}

/**
 * At run time a stored config may still carry a field an older release had: drop what the schema
 * does not know instead of failing every execution. (Where a flow is built, unknown fields are errors.)
 */
function knownFieldsOnly(schema: z.ZodType, config: unknown): unknown {
  const shape = objectShape(schema);
  if (!shape || !config || typeof config !== 'object') return config;
  const raw = config as Record<string, unknown>;
  for (const k in raw)
    if (!(k in shape)) return Object.fromEntries(Object.entries(raw).filter(([key]) => key in shape));
  return config;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/** Deep equality for JSON-like values (node configs): one pass over the keys, no arrays of keys built. */
function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (!isObject(a) || !isObject(b)) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !sameValue(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let keys = 0;
  for (const k in b) {
    keys++;
    const x = a[k];
    const y = b[k];
    if (x === y ? x === undefined && !(k in a) : !isObject(x) || !sameValue(x, y)) return false;
  }
  for (const _ in a) if (--keys < 0) return false;
  return keys === 0;
}
