#!/usr/bin/env node
// Makes sure the programs the test suite starts are installed (Debian packages):
//  - a real `redis-server` for the gateway tests;
//  - `chromium` for the console and playground browser tests (driven by playwright-core, which
//    cannot download a browser of its own here).
// Installs what is missing with apt-get when we are root; otherwise says how and fails.
import { spawnSync } from 'node:child_process';

const NEEDED = [
  {
    commands: ['redis-server'],
    pkg: 'redis-server',
    why: 'The gateway tests start a private redis-server',
    brew: 'brew install redis',
  },
  {
    commands: ['chromium', 'chromium-browser'],
    pkg: 'chromium',
    why: 'The console and playground tests drive a headless Chromium',
    brew: 'brew install --cask chromium (then set CHROMIUM_PATH)',
  },
];

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  console.log(`ensure-services: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  if (result.status !== 0) {
    console.error(`ensure-services: "${command} ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

const present = (need) => need.commands.some(has) || (need.pkg === 'chromium' && !!process.env.CHROMIUM_PATH);
const missing = NEEDED.filter((need) => !present(need));
for (const need of NEEDED.filter((n) => !missing.includes(n)))
  console.log(`ensure-services: ${need.pkg} is installed.`);
if (missing.length === 0) process.exit(0);

const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !has('apt-get')) {
  console.error(
    `ensure-services: ${missing.map((m) => m.pkg).join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not installed, and cannot be installed from here ` +
      `(${root ? 'no apt-get on this system' : 'not running as root'}).\n` +
      missing
        .map(
          (m) =>
            `${m.why}; install it first, e.g.:\n  sudo apt-get update && sudo apt-get install -y ${m.pkg}   (Debian/Ubuntu)\n  ${m.brew}   (macOS)`,
        )
        .join('\n'),
  );
  process.exit(1);
}
console.log(`ensure-services: installing the Debian package(s): ${missing.map((m) => m.pkg).join(', ')}.`);
run('apt-get', ['update']);
run('apt-get', ['install', '-y', ...missing.map((m) => m.pkg)]);
const still = missing.filter((need) => !present(need));
if (still.length > 0) {
  console.error(
    `ensure-services: apt-get finished but ${still.map((m) => m.commands[0]).join(', ')} is still not on the PATH.`,
  );
  process.exit(1);
}
console.log('ensure-services: installed.');
