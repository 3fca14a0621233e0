import { existsSync, readdirSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

// One entry per public subpath; every folder under connectors/ is its own subpath.
const connectors = readdirSync('connectors', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`connectors/${d.name}/index.ts`))
  .map((d) => d.name);

const entry: Record<string, string> = {
  index: 'src/index.ts',
  contract: 'src/contract/index.ts',
  'connector-utils': 'src/connector-utils/index.ts',
  testing: 'src/testing/index.ts',
  ...Object.fromEntries(connectors.map((name) => [`connectors/${name}`, `connectors/${name}/index.ts`])),
};
if (existsSync('src/gateway/index.ts')) entry.gateway = 'src/gateway/index.ts';
if (existsSync('src/extension.ts')) entry.extension = 'src/extension.ts';
if (existsSync('src/cli.ts')) entry.cli = 'src/cli.ts';

const library: Options = {
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  // dist/ui is the other build's (below): both run at once.
  clean: ['!ui/**'],
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  // import.meta.url in the CommonJS build (the gateway finds dist/ui from it).
  shims: true,
  outDir: 'dist',
};

// The console and the playground: browser code and styles, bundled (no CDN at run time) into
// dist/ui and served by the gateway. Plain DOM code, no UI framework.
const ui: Options = {
  entry: {
    console: 'src/gateway/ui/client/console.ts',
    playground: 'src/gateway/ui/client/playground.ts',
    app: 'src/gateway/ui/client/app.css',
  },
  format: ['iife'],
  outExtension: () => ({ js: '.js' }),
  platform: 'browser',
  target: ['chrome111', 'firefox115', 'safari16'],
  minify: true,
  sourcemap: false,
  dts: false,
  clean: true,
  splitting: false,
  outDir: 'dist/ui',
};

export default defineConfig(existsSync('src/gateway/ui/client/console.ts') ? [library, ui] : library);
