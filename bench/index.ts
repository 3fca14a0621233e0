/**
 * `npm run bench`: every benchmark, side by side in one run, printed as a report.
 * Figures are ratios against baselines measured in the same run (absolute times depend on the machine).
 */
import { existsSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { pathToFileURL } from 'node:url';
import { formatRows, type BenchRow } from './lib';
import { benchCore } from './core';

const started = performance.now();
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function optional(file: string, fn: string): Promise<BenchRow[]> {
  const path = new URL(file, import.meta.url);
  if (!existsSync(path)) return [];
  const mod = (await import(pathToFileURL(path.pathname).href)) as Record<string, () => Promise<BenchRow[]>>;
  return mod[fn] ? mod[fn]() : [];
}

const rows: BenchRow[] = [];
if (want('core')) rows.push(...(await benchCore()));
if (want('nodes')) rows.push(...(await optional('./nodes.ts', 'benchNodes')));
if (want('gateway')) rows.push(...(await optional('./gateway.ts', 'benchGateway')));
if (want('scaling')) rows.push(...(await optional('./scaling.ts', 'benchScaling')));
if (want('connectors') && existsSync(new URL('./connectors', import.meta.url))) {
  for (const file of readdirSync(new URL('./connectors', import.meta.url)).filter((f) => f.endsWith('.ts')).sort()) {
    const name = file.replace(/\.ts$/, '');
    // `twilio-flex.ts` → `benchTwilioFlex`: each dash-separated part capitalised.
    const fn = `bench${name.split('-').map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}`;
    rows.push(...(await optional(`./connectors/${file}`, fn)));
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(`# handover-kit benchmarks (node ${process.version}, ${new Date().toISOString()}, ${seconds} s, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
console.log(formatRows(rows));
process.exit(0);
