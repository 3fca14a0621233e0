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
  const mod = (await import(pathToFileURL(path.pathname).href)) as Record<string, unknown>;
  // The name derived from the file, else the module's one `bench…` function (`8x8.ts` → `benchEightByEight`).
  const named = typeof mod[fn] === 'function' ? mod[fn] : undefined;
  const benches = Object.entries(mod).filter(([k, v]) => k.startsWith('bench') && typeof v === 'function');
  const run = (named ?? (benches.length === 1 ? benches[0]![1] : undefined)) as (() => Promise<BenchRow[]>) | undefined;
  return run ? run() : [];
}

/** `genesys` → `benchGenesys`, `salesforce-miaw` → `benchSalesforceMiaw`. */
function benchFunctionName(file: string): string {
  const words = file
    .replace(/\.ts$/, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return `bench${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`;
}

const rows: BenchRow[] = [];
if (want('core')) rows.push(...(await benchCore()));
if (want('nodes')) rows.push(...(await optional('./nodes.ts', 'benchNodes')));
if (want('extension')) rows.push(...(await optional('./extension.ts', 'benchExtension')));
if (want('gateway')) rows.push(...(await optional('./gateway.ts', 'benchGateway')));
if (want('scaling')) rows.push(...(await optional('./scaling.ts', 'benchScaling')));
if (want('connectors') && existsSync(new URL('./connectors', import.meta.url))) {
  for (const file of readdirSync(new URL('./connectors', import.meta.url))
    .filter((f) => f.endsWith('.ts'))
    .sort()) {
    rows.push(...(await optional(`./connectors/${file}`, benchFunctionName(file))));
  }
}
const seconds = ((performance.now() - started) / 1000).toFixed(0);
console.log(
  `# handover-kit benchmarks (node ${process.version}, ${new Date().toISOString()}, ` +
    `${seconds} s, load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
);
console.log(formatRows(rows));
process.exit(0);
