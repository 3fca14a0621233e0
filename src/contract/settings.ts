import { z } from 'zod';
import { HandoverConfigError, type ValidationIssue } from './errors';

/**
 * Helpers that keep zod the single source for settings: secret fields are marked with metadata,
 * validation failures become `HandoverConfigError`s whose issues name the field.
 */

export interface SettingMeta {
  /** Masked when listed, redacted from logs, a password input in forms. */
  secret?: boolean;
  label?: string;
  description?: string;
  placeholder?: string;
  [key: string]: unknown;
}

/** Marks a settings field as a secret. */
export function secret<T extends z.ZodType>(schema: T, meta: Omit<SettingMeta, 'secret'> = {}): T {
  return schema.meta({ ...meta, secret: true }) as T;
}

/** Labels and help text for a settings field (shown in forms and Cognigy connections). */
export function field<T extends z.ZodType>(schema: T, meta: SettingMeta): T {
  return schema.meta(meta) as T;
}

/** Reads the metadata of a field, looking through optional/default/nullable wrappers. */
export function settingMeta(schema: z.ZodType): SettingMeta {
  let current: z.ZodType | undefined = schema;
  const merged: SettingMeta = {};
  for (let depth = 0; current && depth < 8; depth++) {
    const meta = z.globalRegistry.get(current) as SettingMeta | undefined;
    if (meta) for (const [k, v] of Object.entries(meta)) if (!(k in merged)) merged[k] = v;
    const def: { innerType?: z.ZodType; in?: z.ZodType } | undefined = (
      current as unknown as { def?: { innerType?: z.ZodType; in?: z.ZodType } }
    ).def;
    current = def?.innerType ?? def?.in;
  }
  return merged;
}

/** The object shape behind a settings schema (through effects/pipes), or undefined. */
export function objectShape(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: unknown = schema;
  for (let depth = 0; current && depth < 8; depth++) {
    if (current instanceof z.ZodObject) return current.shape as Record<string, z.ZodType>;
    const def = (current as { def?: { innerType?: unknown; in?: unknown; schema?: unknown } }).def;
    current = def?.innerType ?? def?.in ?? def?.schema;
  }
  return undefined;
}

/** Names of the top-level settings fields marked secret. */
export function secretFields(schema: z.ZodType): string[] {
  const shape = objectShape(schema);
  if (!shape) return [];
  return Object.entries(shape)
    .filter(([, s]) => settingMeta(s).secret === true)
    .map(([k]) => k);
}

export function issuesFromZod(error: z.ZodError, prefix?: string): ValidationIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((p) => p !== undefined && p !== '').join('.');
    return { path: path || (prefix ?? '(root)'), message: issue.message };
  });
}

/** Parses `value` with `schema`, throwing a `HandoverConfigError` that names each bad field. */
export function parseOrThrow<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
  prefix?: string,
): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = issuesFromZod(result.error, prefix);
  const first = issues[0];
  const summary = issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  throw new HandoverConfigError(`Invalid ${what}: ${summary || first?.message || 'invalid value'}`, issues);
}
