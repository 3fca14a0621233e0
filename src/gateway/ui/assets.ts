import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The console's and the playground's browser code and styles, built at package build time into
 * `dist/ui/` (see tsup.config.ts) and shipped in the package: read once at start, served from memory,
 * never fetched from anywhere else.
 */
export interface Asset {
  body: string;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
};

/** The file every build has: how the folder is recognised. */
const MARKER = 'console.js';

/**
 * Finds `dist/ui`: beside the bundle that runs (`dist/*.js`), or, when running from the sources
 * (tests, tsx), in the package root's `dist/`.
 */
export function findUiDir(start = moduleDir()): string | undefined {
  let dir = start;
  for (let depth = 0; depth < 6; depth++) {
    for (const candidate of [join(dir, 'ui'), join(dir, 'dist', 'ui')])
      if (existsSync(join(candidate, MARKER))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return undefined;
}

/** The assets of `dir` by file name (flat folder; only known types). */
export function loadAssets(dir: string): Map<string, Asset> {
  const assets = new Map<string, Asset>();
  for (const name of readdirSync(dir)) {
    const type = TYPES[extname(name)];
    if (!type) continue;
    const body = readFileSync(join(dir, name), 'utf8');
    assets.set(name, { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` });
  }
  return assets;
}

/** A short fingerprint of the assets, appended to their URLs so a new build is never served from cache. */
export function assetsVersion(assets: Map<string, Asset>): string {
  const h = createHash('sha256');
  for (const [name, a] of [...assets].sort(([x], [y]) => x.localeCompare(y))) h.update(name).update(a.etag);
  return h.digest('base64url').slice(0, 10);
}

function moduleDir(): string {
  return dirname(fileURLToPath(import.meta.url));
}
