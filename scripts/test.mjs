#!/usr/bin/env node
// `npm test`: the whole suite, in the order a fresh clone needs it.
//  1. build the package (the cross-copy error test, the package tests and the jest / node:test runs load dist/)
//  2. the guard rails: typecheck, lint + format check, publint on the build
//  3. vitest: the `unit` project (needs nothing) and the `integration` one (Redis, Chromium, dist)
//  4. the flow-tester example under jest and under node:test, to prove it needs no vitest
import { spawnSync } from 'node:child_process';

const failed = [];
/** Runs a step; `mustPass` stops here (nothing after it can run), otherwise later steps still run. */
function run(cmd, args, { mustPass = false } = {}) {
  console.log(`\n> ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env: process.env });
  if (r.status === 0) return;
  if (mustPass) process.exit(r.status ?? 1);
  failed.push(`${cmd} ${args.join(' ')}`);
}

const extra = process.argv.slice(2);
// The gateway tests run against a real redis-server (installed here when missing and we are root).
run('node', ['scripts/ensure-services.mjs'], { mustPass: true });
run('npx', ['tsup', '--silent'], { mustPass: true });
if (extra.length === 0) {
  run('npx', ['tsc', '-p', 'tsconfig.json', '--noEmit']);
  run('npx', ['biome', 'check', '.']);
  run('npx', ['publint', '--strict']);
}
// A failure does not skip the later runners: every runner reports, then the exit code says.
run('npx', ['vitest', 'run', ...extra]);
if (extra.length === 0) {
  run('npx', ['jest', '-c', 'examples/flow-unit-test/jest.config.cjs']);
  run('node', ['--test', 'examples/flow-unit-test/support-flow.node.test.mjs']);
}
if (failed.length > 0) {
  console.error(`\nFailed: ${failed.join('; ')}`);
  process.exit(1);
}
