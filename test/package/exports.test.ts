import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
const root = new URL('../../', import.meta.url);
const require = createRequire(import.meta.url);

describe('package exports', () => {
  it('has one subpath per connector folder', () => {
    const folders = readdirSync(new URL('connectors/', root)).filter((d) =>
      existsSync(new URL(`connectors/${d}/index.ts`, root)),
    );
    const subpaths = Object.keys(pkg.exports)
      .filter((k) => k.startsWith('./connectors/'))
      .map((k) => k.slice('./connectors/'.length));
    expect(subpaths.sort()).toEqual(folders.sort());
  });

  it('every export resolves to built ESM, CJS and types', async () => {
    for (const [subpath, target] of Object.entries<any>(pkg.exports)) {
      if (typeof target === 'string') continue;
      for (const file of [target.import.default, target.import.types, target.require.default, target.require.types]) {
        expect(existsSync(new URL(file, root)), `${subpath}: ${file}`).toBe(true);
      }
      const cjs = require(new URL(target.require.default, root).pathname);
      const esm = await import(new URL(target.import.default, root).href);
      expect(Object.keys(cjs).sort(), subpath).toEqual(
        Object.keys(esm)
          .filter((k) => k !== 'default')
          .sort(),
      );
    }
  });
});
