import { createRequire } from 'node:module';
import { HandoverConfigError } from '../../contract';

/**
 * ioredis and BullMQ are optional peer dependencies: only the gateway's Redis mode needs them, so a
 * user of the nodes, the flow tester or an in-memory gateway does not install them. They are loaded
 * here, when Redis is configured, and their absence is a typed error naming what to install.
 */
const requireHere = createRequire(import.meta.url);

/** Optional peers: ioredis and bullmq (Redis mode), esbuild (`handover-kit extension build`). */
export type OptionalPeer = 'ioredis' | 'bullmq' | 'esbuild';

export class MissingPeerDependencyError extends HandoverConfigError {
  static override readonly marker = Symbol.for('handover-kit.error.MissingPeerDependencyError');
  /** The npm package to install, e.g. `ioredis`. */
  readonly packageName: string;
  constructor(packageName: string, feature: string, cause?: unknown) {
    const fix =
      packageName === 'esbuild'
        ? 'npm install --save-dev esbuild'
        : `npm install ${packageName === 'bullmq' || packageName === 'ioredis' ? 'ioredis bullmq' : packageName}`;
    const path = packageName === 'esbuild' ? 'esbuild' : 'redis.url';
    super(
      `${feature} needs the package "${packageName}", which is not installed. Run: ${fix}`,
      [{ path, message: `install ${packageName} (${fix})` }],
      {
        cause,
        details: { package: packageName },
      },
    );
    this.name = 'MissingPeerDependencyError';
    this.packageName = packageName;
  }
}

/** Loads an optional peer, or throws `MissingPeerDependencyError` naming it. */
export function loadPeer<T>(
  name: OptionalPeer,
  feature = 'The gateway with Redis (HANDOVER_REDIS_URL)',
  load: (id: string) => unknown = requireHere,
): T {
  try {
    return load(name) as T;
  } catch (error) {
    const code = (error as { code?: string })?.code;
    if (code === 'MODULE_NOT_FOUND' || code === 'ERR_MODULE_NOT_FOUND') {
      if (String((error as Error).message).includes(`'${name}'`))
        throw new MissingPeerDependencyError(name, feature, error);
    }
    throw error;
  }
}
