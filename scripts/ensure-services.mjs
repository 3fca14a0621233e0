#!/usr/bin/env node
// Makes sure the services the test suite starts are installed: a real `redis-server` (Debian package).
// Installs it with apt-get when it is missing and we are root; otherwise says how and fails.
import { spawnSync } from 'node:child_process';

function has(command) {
  return spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
}

function run(command, args) {
  console.log(`ensure-services: ${command} ${args.join(' ')}`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (result.status !== 0) {
    console.error(`ensure-services: "${command} ${args.join(' ')}" failed (exit ${result.status ?? result.signal}).`);
    process.exit(1);
  }
}

if (has('redis-server')) {
  console.log('ensure-services: redis-server is installed.');
  process.exit(0);
}
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !has('apt-get')) {
  console.error(
    'ensure-services: redis-server is not installed, and it cannot be installed from here ' +
      `(${root ? 'no apt-get on this system' : 'not running as root'}).\n` +
      'The gateway tests start a private redis-server; install it first, e.g.:\n' +
      '  sudo apt-get update && sudo apt-get install -y redis-server   (Debian/Ubuntu)\n' +
      '  brew install redis                                              (macOS)',
  );
  process.exit(1);
}
console.log('ensure-services: redis-server is missing; installing the Debian package.');
run('apt-get', ['update']);
run('apt-get', ['install', '-y', 'redis-server']);
if (!has('redis-server')) {
  console.error('ensure-services: apt-get finished but redis-server is still not on the PATH.');
  process.exit(1);
}
console.log('ensure-services: redis-server installed.');
