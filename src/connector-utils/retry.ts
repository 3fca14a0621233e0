import { HandoverError, type Clock } from '../contract';

export interface RetryOptions {
  /** Attempts in all, the first included (default 3). */
  maxAttempts?: number;
  /** First backoff (default 200 ms), doubled each time, with full jitter. */
  baseDelayMs?: number;
  /** Longest wait between attempts, Retry-After included (default 10 s): longer and we give up. */
  maxDelayMs?: number;
  signal?: AbortSignal;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A sleep on a `Clock` (so retry waits follow a test's fake clock) that keeps the process alive while
 * it waits: the system clock unrefs its timers (a forgotten timer must not hold a process open), but a
 * caller awaiting this sleep is not forgotten, so a Node timer handle is ref'd again here.
 */
export function clockSleep(
  clock: Pick<Clock, 'setTimeout' | 'clearTimeout'>,
): (ms: number, signal?: AbortSignal) => Promise<void> {
  return (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const onAbort = () => {
        clock.clearTimeout(handle);
        reject(signal!.reason);
      };
      const handle = clock.setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      (handle as { ref?: () => void } | undefined)?.ref?.();
      signal?.addEventListener('abort', onAbort, { once: true });
    });
}

/**
 * Retries `fn` while it fails with a retryable `HandoverError`, honouring the error's
 * `retryAfterMs` (from Retry-After). Never retries an abort. Only wrap idempotent calls.
 */
export async function retryWithBackoff<T>(fn: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const max = options.maxAttempts ?? 3;
  const base = options.baseDelayMs ?? 200;
  const cap = options.maxDelayMs ?? 10_000;
  const wait = options.sleep ?? sleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (error) {
      if (attempt >= max || options.signal?.aborted || !HandoverError.isInstance(error) || !error.isRetryable)
        throw error;
      const retryAfter = (error as { retryAfterMs?: number }).retryAfterMs;
      const delay = retryAfter ?? Math.round(random() * base * 2 ** (attempt - 1));
      if (delay > cap) throw error;
      await wait(delay, options.signal);
    }
  }
}
