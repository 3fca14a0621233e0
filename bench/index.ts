/**
 * `npm run bench`: every benchmark, side by side in one run, printed as a report.
 * Figures are ratios against baselines measured in the same run (absolute times depend on the machine).
 */
import { existsSync, readdirSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { formatRows, type BenchRow } from './lib';
import { benchCore } from './core';

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
if (want('connectors') && existsSync(new URL('./connectors', import.meta.url))) {
  for (const file of readdirSync(new URL('./connectors', import.meta.url)).filter((f) => f.endsWith('.ts')).sort()) {
    const name = file.replace(/\.ts$/, '');
    const fn = `bench${name.split('-').map((p) => p.charAt(0).toUpperCase() + p.slice(1)).join('')}`; // salesforce-miaw → benchSalesforceMiaw
    rows.push(...(await optional(`./connectors/${file}`, fn)));
  }
}
console.log(`# handover-kit benchmarks (node ${process.version}, ${new Date().toISOString()})`);
console.log(formatRows(rows));
process.exit(0);
