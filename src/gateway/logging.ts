import type { Logger } from '../contract';
import type { Redactor } from '../logger';

/** Wraps a logger you bring so that secrets the gateway knows are masked before it sees them. */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  const wrap = (fn: Logger['info']) => (message: string, fields?: Record<string, unknown>) =>
    fn(redactor.redactString(message), fields ? (redactor.redact(fields) as Record<string, unknown>) : undefined);
  return { debug: wrap(inner.debug.bind(inner)), info: wrap(inner.info.bind(inner)), warn: wrap(inner.warn.bind(inner)), error: wrap(inner.error.bind(inner)) };
}

/** Registers the secret parts of a Redis URL (password, the whole URL) with the redactor. */
export function redactRedisUrl(url: string, redactor: Redactor): void {
  try {
    const parsed = new URL(url);
    if (parsed.password) {
      redactor.add(decodeURIComponent(parsed.password));
      redactor.add(parsed.password);
      redactor.add(url);
    }
  } catch {
    redactor.add(url);
  }
}

/** A Redis URL safe to show: the password replaced. */
export function safeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'redis://(unparseable URL)';
  }
}
