import { createServer, type RequestListener, type Server } from 'node:http';

/**
 * Limits for slow and idle clients: a client that sends nothing, trickles its headers or body, or
 * idles on a keep-alive connection loses its socket (destroyed, so its descriptor is freed at
 * once rather than half-closed), and no more than `maxConnections` sockets are open at a time.
 */
export interface HttpTimeouts {
  /** All headers must arrive within this (default 10 s). */
  headersTimeoutMs: number;
  /** The whole request, body included (default 30 s). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this (default 5 s). */
  keepAliveTimeoutMs: number;
  /** A socket with no traffic at all for this long is destroyed (default 60 s). */
  socketIdleMs: number;
  /** Open connections at most; more are refused (default 10 000). */
  maxConnections: number;
  /** How often the header/request deadlines are checked (default 1 s). */
  checkIntervalMs: number;
}

export const DEFAULT_HTTP_TIMEOUTS: HttpTimeouts = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 5_000,
  socketIdleMs: 60_000,
  maxConnections: 10_000,
  checkIntervalMs: 1_000,
};

export function createHttpServer(app: RequestListener, t: HttpTimeouts): Server {
  const server = createServer(
    {
      keepAliveTimeout: t.keepAliveTimeoutMs,
      requestTimeout: t.requestTimeoutMs,
      headersTimeout: Math.min(t.headersTimeoutMs, t.requestTimeoutMs),
      connectionsCheckingInterval: t.checkIntervalMs,
    },
    app,
  );
  server.maxConnections = t.maxConnections;
  server.setTimeout(t.socketIdleMs, (socket) => socket.destroy());
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    // Answer when we still can, then destroy: `end()` alone half-closes and keeps the descriptor
    // for as long as a silent client keeps its side open.
    const status = error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout' : '400 Bad Request';
    if (!socket.writable) return void socket.destroy();
    socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`, () => socket.destroy());
    setTimeout(() => socket.destroy(), 1_000).unref(); // a client that does not read our answer either
  });
  return server;
}
