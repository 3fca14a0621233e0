import type { Logger } from '../contract';
import type { Redactor } from '../logger';
import { redisUrlPassword } from './redis/url';

/** Wraps a logger you bring so that secrets the gateway knows are masked before it sees them. */
export function redactingLogger(inner: Logger, redactor: Redactor): Logger {
  const wrap = (fn: Logger['info']) => (message: string, fields?: Record<string, unknown>) =>
    fn(redactor.redactString(message), fields ? (redactor.redact(fields) as Record<string, unknown>) : undefined);
  return {
    debug: wrap(inner.debug.bind(inner)),
    info: wrap(inner.info.bind(inner)),
    warn: wrap(inner.warn.bind(inner)),
    error: wrap(inner.error.bind(inner)),
  };
}

/** Registers the secret parts of a Redis URL (password, the whole URL) with the redactor. */
export function redactRedisUrl(url: string, redactor: Redactor): void {
  const password = redisUrlPassword(url);
  if (!password) return;
  redactor.add(password);
  try {
    redactor.add(decodeURIComponent(password));
  } catch {
    // Not percent-encoded: the raw form is registered already.
  }
  redactor.add(url);
}

/** A Redis URL safe to show (any of the accepted forms): the password replaced. */
export function safeRedisUrl(url: string): string {
  const password = redisUrlPassword(url);
  return password ? url.replace(`:${password}@`, ':***@') : url;
}
