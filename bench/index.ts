/**
 * `npm run bench`: every benchmark, side by side in one run, printed as a report.
 * Figures are ratios against baselines measured in the same run (absolute times depend on the machine).
 *
 * Each part runs in a fresh child process: a part measured after others in one long process reads a
 * few points worse (a heap grown by earlier parts, code shapes already seen), which would make a
 * figure depend on the order of the parts. `npm run bench -- connectors` runs one part.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatRows, type BenchRow } from './lib';

/** Set in a child: the one bench file it runs (relative to this folder) and its function's name. */
const CHILD = 'HANDOVER_KIT_BENCH_FILE';

/** `genesys` → `benchGenesys`, `salesforce-miaw` → `benchSalesforceMiaw`. */
function benchFunctionName(file: string): string {
  const words = file
    .replace(/\.ts$/, '')
    .replace(/^.*\//, '')
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean);
  return `bench${words.map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')}`;
}

/** Runs one bench file's `bench…` function in this process. */
async function runFile(file: string): Promise<BenchRow[]> {
  const mod = (await import(pathToFileURL(fileURLToPath(new URL(file, import.meta.url))).href)) as Record<
    string,
    unknown
  >;
  // The name derived from the file, else the module's one `bench…` function (`8x8.ts` → `benchEightByEight`).
  const fn = benchFunctionName(file);
  const named = typeof mod[fn] === 'function' ? mod[fn] : undefined;
  const benches = Object.entries(mod).filter(([k, v]) => k.startsWith('bench') && typeof v === 'function');
  const run = (named ?? (benches.length === 1 ? benches[0]![1] : undefined)) as (() => Promise<BenchRow[]>) | undefined;
  return run ? run() : [];
}

/**
 * Parts run in several fresh processes, each row the run with the median figure. The client row is
 * a difference of about 1 µs between two ~20 µs executions: one process's JIT and heap layout moved
 * it by up to ±0.5 µs (rounds within a process cannot average that out); a part takes ~3 s, nine take ~25 s.
 */
const PROCESSES: Record<string, number> = { './client.ts': 9 };

/** Row by row, the run whose ratio (else value) is the median, its note giving the range over the runs. */
function medianRows(runs: BenchRow[][]): BenchRow[] {
  return runs[0]!.map((_, i) => {
    const rows = runs.map((r) => r[i]!);
    const key = (row: BenchRow) => row.ratio ?? row.value;
    const sorted = [...rows].sort((a, b) => key(a) - key(b));
    const median = sorted[Math.floor(sorted.length / 2)]!;
    const values = rows.map((r) => r.value);
    const range = `${Math.min(...values).toFixed(2)}–${Math.max(...values).toFixed(2)} ${median.unit}`;
    const note = `median of ${rows.length} processes (range ${range})`;
    return { ...median, note: median.note ? `${note}; ${median.note}` : note };
  });
}

/** Runs one bench file in a fresh node process with this process's flags; its rows come back as JSON. */
function runChild(file: string): Promise<BenchRow[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url)], {
      env: { ...process.env, [CHILD]: file },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      const last = out.trim().split('\n').at(-1) ?? '';
      if (code !== 0 || !last.startsWith('[')) {
        reject(new Error(`bench ${file} failed (exit ${code}): ${out.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(last) as BenchRow[]);
    });
  });
}

async function main(): Promise<void> {
  const started = performance.now();
  const only = process.argv.slice(2);
  const want = (name: string) => only.length === 0 || only.includes(name);
  const files: string[] = [];
  for (const part of ['core', 'nodes', 'client', 'extension', 'gateway', 'scaling']) {
    if (want(part) && existsSync(new URL(`./${part}.ts`, import.meta.url))) files.push(`./${part}.ts`);
  }
  if (want('connectors') && existsSync(new URL('./connectors', import.meta.url))) {
    const names = readdirSync(new URL('./connectors', import.meta.url)).filter((f) => f.endsWith('.ts'));
    files.push(...names.sort().map((f) => `./connectors/${f}`));
  }
  const rows: BenchRow[] = [];
  for (const file of files) {
    const runs: BenchRow[][] = [];
    for (let i = 0; i < (PROCESSES[file] ?? 1); i++) runs.push(await runChild(file));
    rows.push(...(runs.length === 1 ? runs[0]! : medianRows(runs)));
  }
  const seconds = ((performance.now() - started) / 1000).toFixed(0);
  const load = loadavg()
    .map((l) => l.toFixed(1))
    .join(' ');
  console.log(
    `# handover-kit benchmarks (node ${process.version}, ${new Date().toISOString()}, ${seconds} s, ` +
      `load average ${load}; each part in its own process)`,
  );
  console.log(formatRows(rows));
}

const file = process.env[CHILD];
if (file) {
  // A child prints its rows as the last line; benches may print progress before it.
  const rows = await runFile(file);
  process.stdout.write(`\n${JSON.stringify(rows)}\n`);
  process.exit(0);
} else {
  await main();
  process.exit(0);
}
