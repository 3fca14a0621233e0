#!/usr/bin/env node
// `npm run demo` / `npm test` on a fresh clone: checks the Node version, installs the dependencies
// when they are missing (npm ci), then runs the command it was given. Dependency-free on purpose.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 20 || (major === 20 && minor < 18)) {
  console.error(
    `handover-kit needs Node 20.18 or newer; this is Node ${process.versions.node}. Install a newer Node (e.g. nvm install 22).`,
  );
  process.exit(1);
}

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// tsx is the last tool every script needs; its absence means the install never ran (or broke).
if (!existsSync(join(root, 'node_modules', '.bin', 'tsx'))) {
  const args = existsSync(join(root, 'package-lock.json')) ? ['ci'] : ['install'];
  console.log(`node_modules is missing: running npm ${args.join(' ')} first (once)…`);
  const install = spawnSync(npm, [...args, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: 'inherit',
    shell: process.platform === 'win32',
  });
  if (install.status !== 0) {
    console.error(`npm ${args[0]} failed (exit ${install.status}); fix the error above, then run the command again.`);
    process.exit(install.status ?? 1);
  }
}

const [cmd, ...rest] = process.argv.slice(2);
if (!cmd) {
  console.error('usage: node scripts/bootstrap.mjs <command> [args…]');
  process.exit(2);
}
// Binaries from node_modules/.bin, as npm run would find them.
const bin = join(root, 'node_modules', '.bin', cmd);
const run = spawnSync(existsSync(bin) ? bin : cmd, rest, {
  cwd: root,
  stdio: 'inherit',
  shell: process.platform === 'win32',
});
process.exit(run.status ?? 1);
