import { existsSync, readdirSync } from 'node:fs';
import { defineConfig } from 'tsup';

// One entry per public subpath; every folder under connectors/ is its own subpath.
const connectors = readdirSync('connectors', { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(`connectors/${d.name}/index.ts`))
  .map((d) => d.name);

const entry: Record<string, string> = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  ...Object.fromEntries(connectors.map((name) => [`connectors/${name}`, `connectors/${name}/index.ts`])),
};
if (existsSync('src/gateway/index.ts')) entry.gateway = 'src/gateway/index.ts';
if (existsSync('src/cli.ts')) entry.cli = 'src/cli.ts';

export default defineConfig({
  entry,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  platform: 'node',
  splitting: true,
  treeshake: true,
  outDir: 'dist',
});
