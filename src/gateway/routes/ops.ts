import type { Route } from '../http/server';
import type { MetricsRegistry } from '../metrics';

export interface OpsOptions {
  metrics: MetricsRegistry;
  /** Store reachable and not shutting down. */
  ready(): Promise<{ ready: boolean; reason?: string }>;
}

/** `/healthz` (the process answers), `/readyz` (it can take traffic), `/metrics` (Prometheus text). */
export function opsRoutes(options: OpsOptions): Route[] {
  return [
    { method: 'GET', path: '/healthz', auth: 'none', handler: async () => ({ status: 200, body: { status: 'ok' } }) },
    {
      method: 'GET',
      path: '/readyz',
      auth: 'none',
      handler: async () => {
        const state = await options.ready();
        return {
          status: state.ready ? 200 : 503,
          body: { status: state.ready ? 'ready' : 'not ready', ...(state.reason ? { reason: state.reason } : {}) },
        };
      },
    },
    {
      method: 'GET',
      path: '/metrics',
      auth: 'none',
      handler: async () => ({
        status: 200,
        text: await options.metrics.render(),
        contentType: 'text/plain; version=0.0.4; charset=utf-8',
      }),
    },
  ];
}
