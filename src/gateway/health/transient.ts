/**
 * True for a failure of the store or the network that will pass (Redis down, restarting, loading,
 * read-only during a failover, a dropped connection): a webhook hitting one is answered 503 with
 * Retry-After so the vendor sends it again, never 400/500 (not retried, the events lost). Checks the
 * `cause` chain too, since connectors wrap errors.
 */
const TRANSIENT = new RegExp(
  [
    ...['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH'],
    ...['Connection is closed', "Stream isn't writeable", 'enableOfflineQueue', 'max retries per request'],
    ...['^LOADING', '^READONLY', '^MASTERDOWN', '^TRYAGAIN', '^CLUSTERDOWN', '^OOM ', '^MISCONF', '^BUSY'],
  ].join('|'),
  'i',
);

export function isTransientFailure(error: unknown): boolean {
  let e: unknown = error;
  for (let depth = 0; depth < 5 && e && typeof e === 'object'; depth++) {
    const { name, message, code } = e as { name?: unknown; message?: unknown; code?: unknown };
    if (name === 'MaxRetriesPerRequestError') return true;
    if (typeof message === 'string' && TRANSIENT.test(message)) return true;
    if (typeof code === 'string' && TRANSIENT.test(code)) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
