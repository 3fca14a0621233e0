#!/usr/bin/env node
// Builds the tarball Cognigy uploads: build/module.js (everything bundled: the platform installs
// nothing), package.json, package-lock.json, README.md and a 64×64 icon.png.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '../..');
const out = join(here, 'dist');
const stage = join(out, 'extension');
const pkg = JSON.parse(readFileSync(join(here, 'package.json'), 'utf8'));

rmSync(out, { recursive: true, force: true });
mkdirSync(join(stage, 'build'), { recursive: true });

await build({
  entryPoints: [join(here, 'src/module.ts')],
  outfile: join(stage, 'build/module.js'),
  bundle: true,
  platform: 'node',
  target: 'node18',
  format: 'cjs',
  minify: true,
  legalComments: 'linked',
  alias: { 'handover-kit': join(root, 'src/index.ts') },
  logLevel: 'warning',
});

writeFileSync(join(stage, 'package.json'), JSON.stringify(pkg, null, 2) + '\n');
writeFileSync(
  join(stage, 'package-lock.json'),
  JSON.stringify({ name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages: { '': { name: pkg.name, version: pkg.version, license: pkg.license } } }, null, 2) + '\n',
);
writeFileSync(join(stage, 'README.md'), readFileSync(join(here, 'README.md')));
writeFileSync(join(stage, 'icon.png'), icon());

const tarball = join(out, `${pkg.name}-${pkg.version}.tar.gz`);
execFileSync('tar', ['-czf', tarball, '-C', stage, 'build', 'package.json', 'package-lock.json', 'README.md', 'icon.png']);
console.log(`built ${tarball}`);

/** A 64×64 RGBA PNG: a blue rounded square with a white "H" (drawn here, so no binary lives in git). */
function icon() {
  const size = 64;
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x++) {
      const corner = Math.max(0, Math.hypot(Math.max(10 - x, x - 53, 0), Math.max(10 - y, y - 53, 0)) - 10);
      const inside = corner < 1;
      const bar = (x >= 18 && x < 26) || (x >= 38 && x < 46);
      const white = y >= 16 && y < 48 && (bar || (x >= 26 && x < 38 && y >= 28 && y < 36));
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const [r, g, b] = white ? [255, 255, 255] : [29, 111, 224];
      raw.set([r, g, b, inside ? 255 : 0], o);
    }
  }
  const chunk = (type, data) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body) >>> 0);
    return Buffer.concat([len, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

function crc32(buf) {
  let c = ~0;
  for (const byte of buf) {
    c ^= byte;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ~c;
}
