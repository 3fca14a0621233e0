/**
 * Tiny benchmark helpers. Figures are reported as ratios against a baseline measured in the same
 * run, because absolute times depend on the machine; nothing here asserts a time.
 */
import { performance } from 'node:perf_hooks';

export interface BenchRow {
  group: string;
  name: string;
  value: number;
  unit: string;
  /** What `value` is compared with, measured in the same run. */
  baseline?: { name: string; value: number };
  /** value / baseline (or a goal-specific ratio); shown as a percentage or ×. */
  ratio?: number;
  goal?: string;
  /** Whether the goal was met (when there is one). */
  met?: boolean;
  note?: string;
}

export interface TimingOptions {
  iterations: number;
  warmup?: number;
}

/** Wall time per operation in microseconds (sequential, awaited). */
export async function wallMicros(fn: () => unknown, options: TimingOptions): Promise<number> {
  for (let i = 0; i < (options.warmup ?? Math.min(1000, options.iterations)); i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < options.iterations; i++) await fn();
  return ((performance.now() - t0) * 1000) / options.iterations;
}

/** CPU time (user + system) of this process per operation, in microseconds. */
export async function cpuMicros(fn: () => unknown, options: TimingOptions): Promise<number> {
  for (let i = 0; i < (options.warmup ?? Math.min(1000, options.iterations)); i++) await fn();
  const before = process.cpuUsage();
  for (let i = 0; i < options.iterations; i++) await fn();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / options.iterations;
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

/** Heap growth per item after a forced GC (run node with --expose-gc for a stable figure). */
export function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

export function formatRows(rows: BenchRow[]): string {
  const lines: string[] = [];
  let group = '';
  for (const r of rows) {
    if (r.group !== group) {
      group = r.group;
      lines.push('', `## ${group}`);
    }
    const value = `${r.value.toFixed(r.value < 10 ? 2 : 1)} ${r.unit}`;
    const base = r.baseline ? ` | baseline ${r.baseline.name}: ${r.baseline.value.toFixed(2)}` : '';
    const ratio = r.ratio !== undefined ? ` | ratio ${(r.ratio * 100).toFixed(1)} %` : '';
    const goal = r.goal ? ` | goal ${r.goal}: ${r.met ? 'met' : 'NOT met'}` : '';
    lines.push(`- ${r.name}: ${value}${base}${ratio}${goal}${r.note ? ` (${r.note})` : ''}`);
  }
  return lines.join('\n');
}

/** Issue 15's goal for a connector's doSendMessage against a bare request of the same body. */
export function connectorOverheadGoal(ratio: number): Pick<BenchRow, 'goal' | 'met'> {
  return { goal: 'overhead ≤ 10 % beyond the bare request', met: ratio <= 1.1 };
}

/**
 * Times the connector's call and the bare baseline in alternating short rounds (which goes first
 * alternates): medians of short rounds resist a shared machine's noise.
 */
/**
 * Both sides measured in alternating rounds (the order swapped each round), so that a load change on
 * the shared machine hits both alike; the per-round ratio is what a row reports (as a median).
 */
export async function interleavedRounds(
  viaConnector: () => unknown,
  bare: () => unknown,
  rounds: number,
  perRound: number,
  measure: (fn: () => unknown, options: TimingOptions) => Promise<number> = wallMicros,
  settle?: () => Promise<unknown>,
): Promise<{ connectorRounds: number[]; bareRounds: number[]; ratios: number[] }> {
  const connectorRounds: number[] = [];
  const bareRounds: number[] = [];
  const ratios: number[] = [];
  const once = async (fn: () => unknown) => {
    await settle?.();
    return measure(fn, { iterations: perRound, warmup: 20 });
  };
  for (let r = 0; r < rounds; r++) {
    const bareFirst = r % 2 === 0;
    const first = await once(bareFirst ? bare : viaConnector);
    const second = await once(bareFirst ? viaConnector : bare);
    const [b, c] = bareFirst ? [first, second] : [second, first];
    bareRounds.push(b);
    connectorRounds.push(c);
    ratios.push(c / b);
  }
  return { connectorRounds, bareRounds, ratios };
}

export interface SendOverheadOptions {
  group: string;
  viaConnector: () => unknown;
  bare: () => unknown;
  rounds: number;
  perRound: number;
  /** What the bare request is, e.g. `bare undici request, same endpoint and body`. */
  baseline: string;
  /** What both sides include (the fake's own handling). */
  shared: string;
  /** What the connector does beyond the bare request (named in the CPU row). */
  connectorWork: string;
  /** Runs before each CPU measurement (e.g. draining a fake's echo webhooks). */
  settle?: () => Promise<unknown>;
}

/**
 * Every connector's two `doSendMessage` rows: wall time in interleaved rounds and CPU time, each
 * against a bare request of the same body to the same fake, with the ≤ 10 % overhead goal.
 */
export async function sendOverheadRows(o: SendOverheadOptions): Promise<BenchRow[]> {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  const wall = await interleavedRounds(o.viaConnector, o.bare, o.rounds, o.perRound);
  const cpu = await interleavedRounds(o.viaConnector, o.bare, o.rounds, o.perRound, cpuMicros, o.settle);
  await o.settle?.();
  // CPU: the totals over all rounds, not a median of per-round ratios. A short round holds zero or
  // one young-generation GC, so per-round ratios fall in two clusters and their median lands in
  // whichever cluster wins; over all rounds each side pays for the garbage it makes, in proportion.
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const cpuConnector = mean(cpu.connectorRounds);
  const cpuBare = mean(cpu.bareRounds);
  const cpuRatio = cpuConnector / cpuBare;
  const rounds = `${o.rounds} interleaved rounds of ${o.perRound} calls`;
  return [
    {
      group: o.group,
      name: 'doSendMessage wall time (median of rounds)',
      value: median(wall.connectorRounds),
      unit: 'µs/call',
      baseline: { name: o.baseline, value: median(wall.bareRounds) },
      ratio: median(wall.ratios),
      note: `median per-round ratio; ${rounds}; ${o.shared}`,
    },
    {
      group: o.group,
      name: 'doSendMessage CPU time (process, fake included)',
      value: cpuConnector,
      unit: 'µs/call',
      baseline: { name: 'bare request', value: cpuBare },
      ratio: cpuRatio,
      ...connectorOverheadGoal(cpuRatio),
      note:
        `ratio of CPU totals over ${rounds}; ` +
        `connector work ≈ ${(cpuConnector - cpuBare).toFixed(1)} µs CPU/call (${o.connectorWork})`,
    },
  ];
}
