/**
 * Cold load of the Cognigy extension (issue 14): Cognigy starts extension workers cold and requires
 * build/module.js in each. The example extension is built from dist/ (as `npm run build:extension`
 * does), then required in fresh processes, side by side with processes that require nothing.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './lib';

const root = fileURLToPath(new URL('../', import.meta.url));
const example = `${root}examples/cognigy-extension`;
const moduleFile = `${example}/build/module.js`;

/** What a probe process reports: the require alone (wall, CPU) and the whole process's CPU so far, in ms. */
interface Probe {
  requireWall: number;
  requireCpu: number;
  processCpu: number;
  processWall: number;
}

/** A fresh node process that requires `file` (or nothing) and reports its own timings. */
function probe(file: string | undefined): Probe {
  const script =
    'const c=process.cpuUsage(),t=process.hrtime.bigint();' +
    (file ? `require(${JSON.stringify(file)});` : '') +
    'const d=process.cpuUsage(c),w=Number(process.hrtime.bigint()-t)/1e6,u=process.cpuUsage();' +
    'console.log(JSON.stringify([w,(d.user+d.system)/1e3,(u.user+u.system)/1e3]))';
  const started = performance.now();
  const out = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH } });
  const processWall = performance.now() - started;
  if (out.status !== 0) throw new Error(`probe failed: ${out.stderr}`);
  const [requireWall, requireCpu, processCpu] = JSON.parse(out.stdout) as [number, number, number];
  return { requireWall, requireCpu, processCpu, processWall };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchExtension(): Promise<BenchRow[]> {
  execFileSync(process.execPath, [`${root}dist/cli.js`, 'extension', 'build', example], { stdio: 'pipe' });
  const kb = statSync(moduleFile).size / 1024;
  // Interleaved (A B A B …) so drift in the machine's speed hits both sides alike; medians.
  const loads: Probe[] = [];
  const empties: Probe[] = [];
  probe(moduleFile); // warm the file cache
  for (let round = 0; round < 15; round++) {
    loads.push(probe(moduleFile));
    empties.push(probe(undefined));
  }
  const m = (list: Probe[], k: keyof Probe) => median(list.map((p) => p[k]));
  const group = 'extension: cold load of build/module.js (fresh node processes, medians of 15)';
  const baseline = { name: 'a node process that requires nothing (node -e), ms', value: m(empties, 'processWall') };
  return [
    {
      group,
      name: `require('build/module.js'), wall inside the process (${kb.toFixed(0)} KB)`,
      value: m(loads, 'requireWall'),
      unit: 'ms',
      goal: '< 50 ms (issue 14)',
      met: m(loads, 'requireWall') < 50,
      note: `CPU ${m(loads, 'requireCpu').toFixed(1)} ms`,
    },
    {
      group,
      name: 'whole process that requires it, wall',
      value: m(loads, 'processWall'),
      unit: 'ms',
      baseline,
      ratio: median(loads.map((p, i) => p.processWall / empties[i]!.processWall)),
      note: `CPU ${m(loads, 'processCpu').toFixed(1)} ms vs ${m(empties, 'processCpu').toFixed(1)} ms`,
    },
  ];
}
