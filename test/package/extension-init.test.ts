// `handover-kit extension init` writes a project whose module is the one docs/extension.md shows, with a
// README whose links all work inside the tarball; init refuses to overwrite a project.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { brokenLinks } from '../../src/extension-build/build';
import { initExtension } from '../../src/extension-build/init';
import { tarGz } from '../../src/extension-build/tar';
import { region } from '../docs/snippets';
import { gunzipSync } from 'node:zlib';

describe('handover-kit extension init', () => {
  it('writes the documented module, a node of your own, and a README with working links', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'hk-init-')), 'acme-bot');
    const { files } = initExtension({ dir });
    expect(files).toEqual(
      expect.arrayContaining(['package.json', 'tsconfig.json', 'src/module.ts', 'src/nodes/greet.ts', 'README.md']),
    );
    expect(readFileSync(join(dir, 'src/module.ts'), 'utf8').trimEnd()).toBe(
      region('test/package/extension-module.ts.txt', 'module'),
    );
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg).toMatchObject({
      name: 'acme-bot',
      main: 'build/module.js',
      scripts: { build: 'handover-kit extension build' },
    });
    expect(JSON.parse(readFileSync(join(dir, 'tsconfig.json'), 'utf8')).compilerOptions.moduleResolution).toBe('node');
    const shipped = new Set(['build/module.js', 'package.json', 'package-lock.json', 'README.md', 'icon.png']);
    expect(brokenLinks(readFileSync(join(dir, 'README.md'), 'utf8'), shipped)).toEqual([]);
    expect(() => initExtension({ dir })).toThrow(/already has package\.json/);
  });

  it('the README link check names links that would break inside the tarball', () => {
    const shipped = new Set(['README.md', 'icon.png']);
    expect(
      brokenLinks('[gw](docs/gateway.md) [ok](https://x.dev/a.md) [top](#nodes) [icon](./icon.png)', shipped),
    ).toEqual(['docs/gateway.md']);
  });

  it('tarGz writes a ustar archive tar can read back', () => {
    const gz = tarGz([{ path: 'build/module.js', data: Buffer.from('module.exports = 1;\n') }]);
    const raw = gunzipSync(gz);
    expect(raw.subarray(0, 15).toString()).toBe('build/module.js');
    expect(raw.subarray(257, 262).toString()).toBe('ustar');
    expect(raw.subarray(512, 532).toString()).toBe('module.exports = 1;\n');
  });
});
