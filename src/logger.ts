import type { Logger } from './contract';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };

/** Field names whose values are never logged. */
const SECRET_KEY =
  /(secret|password|passwd|token|api[-_]?key|apikey|authorization|cookie|credential|private[-_]?key|signature)/i;

/**
 * Masks secrets in anything about to be logged: by field name, and by value for secrets the
 * registry knows (so a secret inside an error message is caught too).
 */
export class Redactor {
  private readonly values = new Set<string>();

  /** Remembers a secret value (shorter than 4 characters is ignored: too likely to mask ordinary words). */
  add(value: unknown): void {
    if (typeof value === 'string' && value.length >= 4) this.values.add(value);
  }

  redactString(text: string): string {
    let out = text;
    for (const v of this.values) if (out.includes(v)) out = out.split(v).join('[redacted]');
    return out;
  }

  redact(value: unknown, depth = 0): unknown {
    if (typeof value === 'string') return this.redactString(value);
    if (value === null || typeof value !== 'object' || depth > 6) return value;
    if (value instanceof Error) {
      return { name: value.name, message: this.redactString(value.message), code: (value as { code?: unknown }).code };
    }
    if (Array.isArray(value)) return value.map((v) => this.redact(v, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] =
        SECRET_KEY.test(k) && v !== undefined && v !== null && v !== '' ? '[redacted]' : this.redact(v, depth + 1);
    }
    return out;
  }
}

export interface JsonLoggerOptions {
  level?: LogLevel;
  /** Where lines go (default: stdout). */
  write?: (line: string) => void;
  redactor?: Redactor;
  /** Fields added to every line (e.g. `{ service: 'handover-gateway' }`). */
  base?: Record<string, unknown>;
}

/** Structured JSON lines, one per call, secrets redacted. */
export function createJsonLogger(options: JsonLoggerOptions = {}): Logger & { redactor: Redactor } {
  const threshold = LEVELS[options.level ?? 'info'];
  const write = options.write ?? ((line: string) => process.stdout.write(line + '\n'));
  const redactor = options.redactor ?? new Redactor();
  const base = options.base ?? {};
  const log = (level: Exclude<LogLevel, 'silent'>) => (message: string, fields?: Record<string, unknown>) => {
    if (LEVELS[level] < threshold) return;
    const entry = {
      time: new Date().toISOString(),
      level,
      msg: redactor.redactString(message),
      ...base,
      ...(fields ? (redactor.redact(fields) as object) : {}),
    };
    write(JSON.stringify(entry));
  };
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error'), redactor };
}

export const silentLogger: Logger = { debug() {}, info() {}, warn() {}, error() {} };
