import type { ZodType } from 'zod';
import * as z from 'zod/mini';
// The settings module itself (not the contract's index), whose parse helper works on any zod schema:
// classic zod and the contract's schemas then stay out of the extension bundle.
import { parseOrThrow } from '../../src/contract/settings';
import type { ConfigOf, FieldSpec, ValueSpec } from './fields';

/**
 * The zod side of the nodes' field lists: validation and error messages. Loaded on a node's first
 * execution (./config-reader.ts) or where a flow is validated, never when an extension loads. Built with
 * zod/mini (a fraction of zod's size in the extension bundle), with zod's English messages.
 */
z.config(z.locales.en());

const blankIsUnset = (v: unknown) => (v === '' || v === null ? undefined : v);
/** Cognigy hands values over loosely typed: `read` turns the raw value into what `schema` checks. */
const readAs = <T extends z.core.$ZodType>(read: (v: unknown) => unknown, schema: T) =>
  z.pipe(z.transform(read), schema);

/** A list that may arrive as an array or a comma-separated text. */
const textList = () =>
  readAs(
    (v) =>
      typeof v === 'string'
        ? v
            .split(',')
            .map((s) => s.trim())
            .filter(Boolean)
        : v === null || v === ''
          ? undefined
          : v,
    z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(50))),
  );

/** JSON given as an object or as its text (Cognigy's json fields); empty counts as `{}`. */
const jsonObject = () =>
  readAs(
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
  readAs((v) => {
    const n = typeof v === 'string' ? (v.trim() === '' ? NaN : Number(v)) : typeof v === 'number' ? v : NaN;
    return Number.isFinite(n) && n > 0 ? Math.min(n, max) : undefined;
  }, z.optional(z.number()));

/** A whole number that may arrive as text (CognigyScript fields), "" meaning "not set". */
const wholeNumber = (max: number) =>
  readAs(
    (v) => (v === '' || v === null || v === undefined ? undefined : typeof v === 'string' ? Number(v) : v),
    z.optional(z.number().check(z.int(), z.gte(0), z.lte(max))),
  );

function zodOf(value: ValueSpec): z.core.$ZodType {
  switch (value.kind) {
    case 'text': {
      const text = readAs(blankIsUnset, z.optional(z.string().check(z.maxLength(value.max ?? 2000))));
      return value.default === undefined ? text : z._default(text, value.default);
    }
    case 'bool':
      return z._default(z.boolean(), value.default);
    case 'enum':
      return z._default(z.enum(value.values as [string, ...string[]]), value.default);
    case 'list':
      return value.default ? z._default(textList(), [...value.default]) : textList();
    case 'lenientNumber':
      return lenientNumber(value.max);
    case 'wholeNumber':
      return wholeNumber(value.max);
    case 'json':
      return z._default(jsonObject(), {});
    case 'provider':
      return z
        .string({ error: 'Choose a handover provider' })
        .check(z.minLength(1, 'Choose a handover provider'), z.maxLength(128));
    case 'timer':
      // Cognigy's field is text and unchecked (Number(timer) minutes): "", "abc" or 0 arm nothing.
      return readAs(
        (v) => (typeof v === 'string' || typeof v === 'number' ? v : undefined),
        z.optional(z.union([z.string().check(z.maxLength(100)), z.number()])),
      );
  }
}

export type ConfigSchema<F extends readonly FieldSpec[]> = z.ZodMiniType<ConfigOf<F>>;

/** The strict zod object a field list declares (unknown keys are errors where a flow is built). */
export function configSchema<const F extends readonly FieldSpec[]>(fields: F): ConfigSchema<F> {
  return z.strictObject(Object.fromEntries(fields.map((f) => [f.key, zodOf(f.value)]))) as never;
}

/** The last valid config of a node: its top-level keys and values (a copy), and the parsed result. */
interface KnownConfig {
  keys: string[];
  values: unknown[];
  parsed: unknown;
}

const parsedConfigs = new WeakMap<z.ZodMiniType, Map<string, KnownConfig>>();

/**
 * Validates a node's config; the error names the field, e.g. `timer: Enter the minutes …`.
 * A node runs with the same config over and over: the last valid result per node is kept and
 * reused while the config, as given, is unchanged (comparing is far cheaper than validating thirty
 * fields, and a hit skips dropping unknown fields too).
 */
export function parseConfig<T>(
  schema: z.ZodMiniType<T>,
  config: unknown,
  node: string,
  nodeId = '',
  lenient = false,
): T {
  let cache = parsedConfigs.get(schema);
  if (!cache) parsedConfigs.set(schema, (cache = new Map()));
  const known = cache.get(nodeId);
  if (known && sameConfig(known, config)) return known.parsed as T;
  const value = (lenient ? knownFieldsOnly(schema, config) : config) ?? {};
  const parsed: T = parseOrThrow(schema as unknown as ZodType<T>, value, `${node} config`);
  if (cache.size >= 256) cache.delete(cache.keys().next().value!);
  const copy = (structuredClone(config) ?? {}) as Record<string, unknown>;
  const keys = Object.keys(copy);
  cache.set(nodeId, { keys, values: keys.map((k) => copy[k]), parsed: Object.freeze(parsed) });
  return parsed;
}

/**
 * At run time a stored config may still carry a field an older release had: drop what the schema
 * does not know instead of failing every execution. (Where a flow is built, unknown fields are errors.)
 */
function knownFieldsOnly(schema: z.ZodMiniType, config: unknown): unknown {
  const shape = (schema._zod.def as { shape?: Record<string, unknown> }).shape;
  if (!shape || !config || typeof config !== 'object') return config;
  const raw = config as Record<string, unknown>;
  for (const k in raw)
    if (!(k in shape)) return Object.fromEntries(Object.entries(raw).filter(([key]) => key in shape));
  return config;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * Whether a config equals the one kept. Walked with `for…in` and compared by position with the kept
 * keys and values: V8 reads `config[k]` inside `for (k in config)` straight from the object's layout,
 * where a lookup by key on another object is a hash probe per field. A config whose keys come in
 * another order counts as changed (validated again: correct, only slower).
 */
function sameConfig(known: KnownConfig, config: unknown): boolean {
  if (!isObject(config) || Array.isArray(config)) return false;
  const { keys, values } = known;
  let i = 0;
  for (const k in config) {
    if (keys[i] !== k) return false;
    const x = values[i++];
    const y = config[k];
    if (x !== y && (!isObject(x) || !sameValue(x, y))) return false;
  }
  return i === keys.length;
}

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
