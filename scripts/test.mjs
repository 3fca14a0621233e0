#!/usr/bin/env node
// `npm test`: the whole suite, in the order a fresh clone needs it.
import { spawnSync } from 'node:child_process';

function run(cmd, args, env = {}) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

// The gateway tests run against a real redis-server (installed here when missing and we are root).
run('node', ['scripts/ensure-services.mjs']);
run('npx', ['vitest', 'run', ...process.argv.slice(2)]);
