/**
 * `handover-kit extension build`: bundles a Cognigy extension project (its `src/module.ts`, the five
 * handover nodes and the user's own) into the tarball Cognigy uploads: build/module.js (everything
 * bundled, the platform installs nothing), package.json, package-lock.json, README.md and icon.png.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { HandoverConfigError } from '../contract';
import { loadPeer } from '../gateway/redis/optional';
import { defaultIcon } from './icon';
import { tarGz } from './tar';

/** Cognigy's extension runtime runs Node 18 at the time of writing (not confirmed): bundle for it. */
export const EXTENSION_NODE_TARGET = 'node18';

export interface BuildExtensionOptions {
  /** The extension project (default: the current directory). */
  dir?: string;
  /** Entry file (default `src/module.ts`, else `src/module.js`). */
  entry?: string;
  /** esbuild target (default `node18`). */
  target?: string;
}

export interface BuiltExtension {
  tarball: string;
  moduleFile: string;
  moduleBytes: number;
  /** Packages bundled, with their bytes in build/module.js. */
  packages: Record<string, number>;
}

type Esbuild = typeof import('esbuild');

/** esbuild from the extension project first (its devDependency), else next to handover-kit. */
function loadEsbuild(dir: string): Esbuild {
  try {
    return createRequire(join(dir, 'package.json'))('esbuild') as Esbuild;
  } catch {
    return loadPeer<Esbuild>('esbuild', 'handover-kit extension build');
  }
}

export async function buildExtension(options: BuildExtensionOptions = {}): Promise<BuiltExtension> {
  const dir = resolve(options.dir ?? '.');
  const pkgFile = join(dir, 'package.json');
  if (!existsSync(pkgFile))
    throw new HandoverConfigError(`${dir} has no package.json: run "handover-kit extension init" there first`, [
      { path: 'dir', message: 'not an extension project' },
    ]);
  const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as Record<string, unknown> & {
    name?: string;
    version?: string;
  };
  if (!pkg.name || !pkg.version)
    throw new HandoverConfigError('package.json needs a name and a version (they name the tarball)', [
      { path: 'package.json', message: 'add name and version' },
    ]);
  const entry = options.entry
    ? resolve(dir, options.entry)
    : ['src/module.ts', 'src/module.js'].map((f) => join(dir, f)).find((f) => existsSync(f));
  if (!entry || !existsSync(entry))
    throw new HandoverConfigError(`No entry file: expected src/module.ts in ${dir} (or pass --entry)`, [
      { path: 'entry', message: 'missing' },
    ]);
  const readme = join(dir, 'README.md');
  if (!existsSync(readme))
    throw new HandoverConfigError('README.md is missing: Cognigy shows it, and it must describe every node', [
      { path: 'README.md', message: 'missing' },
    ]);

  const esbuild = loadEsbuild(dir);
  const outDir = join(dir, 'build');
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const moduleFile = join(outDir, 'module.js');
  const result = await esbuild.build({
    entryPoints: [entry],
    outfile: moduleFile,
    bundle: true,
    platform: 'node',
    target: options.target ?? EXTENSION_NODE_TARGET,
    format: 'cjs',
    minify: true,
    metafile: true,
    legalComments: 'none',
    logLevel: 'silent',
    plugins: [zodEnglishOnly],
  });
  const packages: Record<string, number> = {};
  for (const [input, info] of Object.entries(
    result.metafile.outputs[Object.keys(result.metafile.outputs)[0]!]!.inputs,
  )) {
    const parts = input.split('node_modules/');
    const rest = parts.length > 1 ? parts.at(-1)! : '';
    const name = rest
      ? rest
          .split('/')
          .slice(0, rest.startsWith('@') ? 2 : 1)
          .join('/')
      : '(your code)';
    packages[name] = (packages[name] ?? 0) + info.bytesInOutput;
  }

  const readmeText = readFileSync(readme, 'utf8');
  const shipped = new Set(['build/module.js', 'package.json', 'package-lock.json', 'README.md', 'icon.png']);
  const broken = brokenLinks(readmeText, shipped);
  if (broken.length)
    throw new HandoverConfigError(
      `README.md links to files that are not in the tarball: ${broken.join(', ')} (use https:// links)`,
      broken.map((l) => ({ path: 'README.md', message: l })),
    );

  // Everything is bundled: the uploaded package.json declares no dependencies for the platform to install.
  const { dependencies: _d, devDependencies: _dd, scripts: _s, ...manifest } = pkg;
  const packageJson = Buffer.from(`${JSON.stringify({ ...manifest, main: 'build/module.js' }, null, 2)}\n`);
  const lock = {
    name: pkg.name,
    version: pkg.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: pkg.name, version: pkg.version, license: pkg.license } },
  };
  const iconFile = join(dir, 'icon.png');
  const files = [
    { path: 'build/module.js', data: readFileSync(moduleFile) },
    { path: 'package.json', data: packageJson },
    { path: 'package-lock.json', data: Buffer.from(`${JSON.stringify(lock, null, 2)}\n`) },
    { path: 'README.md', data: Buffer.from(readmeText) },
    { path: 'icon.png', data: existsSync(iconFile) ? readFileSync(iconFile) : defaultIcon() },
  ];
  const tarball = join(dir, `${String(pkg.name).replace(/^@/, '').replace(/\//g, '-')}-${pkg.version}.tar.gz`);
  mkdirSync(dirname(tarball), { recursive: true });
  writeFileSync(tarball, tarGz(files));
  return { tarball, moduleFile, moduleBytes: files[0]!.data.length, packages };
}

/** Relative links in a README that do not point at a file inside the tarball. */
export function brokenLinks(markdown: string, shipped: Set<string>): string[] {
  const out: string[] = [];
  for (const [, target] of markdown.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    if (/^(https?:|mailto:|#)/i.test(target!)) continue;
    const file = target!.split('#')[0]!.replace(/^\.\//, '');
    if (!shipped.has(file)) out.push(target!);
  }
  return out;
}

/**
 * zod's classic API re-exports every locale (≈ 260 KB minified) through `z.locales`; the nodes only
 * use the English messages zod configures by default, so the bundle keeps English alone.
 */
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(build: import('esbuild').PluginBuild) {
    build.onResolve({ filter: /\/locales\/index\.c?js$/ }, (args) => {
      if (!/[\\/]zod[\\/]/.test(args.importer)) return undefined;
      return { path: join(dirname(args.importer), args.path), namespace: 'zod-locales' };
    });
    build.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(join(dirname(args.path), 'en.js'))};`,
      resolveDir: dirname(args.path),
      loader: 'js',
    }));
  },
};
