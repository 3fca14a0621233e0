#!/usr/bin/env node
// `npm test`: the whole suite, in the order a fresh clone needs it.
//  1. build the package (the cross-copy error test and the jest / node:test runs load dist/)
//  2. the guard rails: typecheck, lint + format check, publint on the build
//  3. vitest: the `unit` project (needs nothing) and the `integration` one (Redis, Chromium, dist)
//  4. the flow-tester example under jest and under node:test, to prove it needs no vitest
import { spawnSync } from 'node:child_process';

function run(cmd, args, env = {}) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: { ...process.env, ...env } });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const extra = process.argv.slice(2);
// The gateway tests run against a real redis-server (installed here when missing and we are root).
run('node', ['scripts/ensure-services.mjs']);
run('npx', ['tsup', '--silent']);
if (extra.length === 0) {
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('npx', ['biome', 'lint', '.']);
  run('npx', ['publint', '--strict']);
}
run('npx', ['vitest', 'run', ...extra]);
if (extra.length === 0) {
  run('npx', ['jest', '-c', 'examples/flow-unit-test/jest.config.cjs']);
  run('node', ['--test', 'examples/flow-unit-test/support-flow.node.test.mjs']);
}
