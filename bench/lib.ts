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

/** Wall and CPU time (user + system, whole process) per operation, in microseconds, from one loop. */
export async function wallAndCpuMicros(
  fn: () => unknown,
  options: TimingOptions,
): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < (options.warmup ?? Math.min(1000, options.iterations)); i++) await fn();
  const before = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < options.iterations; i++) await fn();
  const wall = ((performance.now() - t0) * 1000) / options.iterations;
  const used = process.cpuUsage(before);
  return { wall, cpu: (used.user + used.system) / options.iterations };
}

export interface RoundFigures {
  wall: number[];
  cpu: number[];
}

/**
 * Both sides measured in alternating rounds (the order swapped each round), so that a load change on
 * the shared machine hits both alike. Each round times wall and CPU in the same loop.
 */
export async function interleavedRounds(
  viaConnector: () => unknown,
  bare: () => unknown,
  rounds: number,
  perRound: number,
  settle?: () => Promise<unknown>,
): Promise<{ connector: RoundFigures; bare: RoundFigures }> {
  const connector: RoundFigures = { wall: [], cpu: [] };
  const base: RoundFigures = { wall: [], cpu: [] };
  const once = async (fn: () => unknown, into: RoundFigures) => {
    await settle?.();
    const { wall, cpu } = await wallAndCpuMicros(fn, { iterations: perRound, warmup: 10 });
    into.wall.push(wall);
    into.cpu.push(cpu);
  };
  for (let r = 0; r < rounds; r++) {
    const bareFirst = r % 2 === 0;
    await once(bareFirst ? bare : viaConnector, bareFirst ? base : connector);
    await once(bareFirst ? viaConnector : bare, bareFirst ? connector : base);
  }
  return { connector, bare: base };
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

/**
 * The mean of the per-round ratios without the highest and lowest fifth. A round now and then holds
 * an event that belongs to neither side — a major GC of the fake's growing logs, a compile on a
 * background thread, a neighbour's burst on the shared cores — worth up to twice a round's time; a
 * few of those decide a plain total. A young GC (garbage made per call) lands in most rounds of the
 * side that makes it, so it stays in the middle three fifths and is counted. A bare-vs-bare control
 * run this way reads within a few per cent of 100 (`method check` row); the plain total moved ±7 %.
 */
export function trimmedMeanRatio(connector: number[], bare: number[]): number {
  const ratios = connector.map((c, i) => c / bare[i]!).sort((a, b) => a - b);
  const cut = Math.floor(ratios.length / 5);
  return sum(ratios.slice(cut, ratios.length - cut)) / (ratios.length - 2 * cut);
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
  /** Runs before each round (e.g. draining a fake's echo webhooks). */
  settle?: () => Promise<unknown>;
  /** A second bare request, identical to `bare`: when given, a control row shows the method's noise. */
  control?: () => unknown;
}

/**
 * Every connector's two `doSendMessage` rows: wall time in interleaved rounds and CPU time, each
 * against a bare request of the same body to the same fake, with the ≤ 10 % overhead goal.
 */
export async function sendOverheadRows(o: SendOverheadOptions): Promise<BenchRow[]> {
  // One loop measures both wall and CPU, so twice the rounds of one kind fit the same time; each
  // side first runs two rounds' worth untimed (JIT, connection pools).
  await wallAndCpuMicros(o.viaConnector, { iterations: 2 * o.perRound, warmup: 0 });
  await wallAndCpuMicros(o.bare, { iterations: 2 * o.perRound, warmup: 0 });
  const rounds = 2 * o.rounds;
  const { connector, bare } = await interleavedRounds(o.viaConnector, o.bare, rounds, o.perRound, o.settle);
  await o.settle?.();
  const cpuRatio = trimmedMeanRatio(connector.cpu, bare.cpu);
  const cpuConnector = median(connector.cpu);
  const cpuBare = median(bare.cpu);
  const described = `${rounds} interleaved rounds of ${o.perRound} calls`;
  return [
    {
      group: o.group,
      name: 'doSendMessage wall time (median of rounds)',
      value: median(connector.wall),
      unit: 'µs/call',
      baseline: { name: o.baseline, value: median(bare.wall) },
      ratio: trimmedMeanRatio(connector.wall, bare.wall),
      note: `trimmed mean of per-round ratios; ${described}; ${o.shared}`,
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
        `trimmed mean (middle 3/5) of per-round ratios, ${described}; ratio of plain totals ` +
        `${((sum(connector.cpu) / sum(bare.cpu)) * 100).toFixed(1)} %; ` +
        `connector work ≈ ${(cpuConnector - cpuBare).toFixed(1)} µs CPU/call (${o.connectorWork})`,
    },
    ...(o.control ? await methodCheck(o) : []),
  ];
}

/** The same measurement with the bare request on both sides: what the method reads when there is no difference. */
async function methodCheck(o: SendOverheadOptions): Promise<BenchRow[]> {
  const control = o.control!;
  await wallAndCpuMicros(control, { iterations: 2 * o.perRound, warmup: 0 });
  const { connector, bare } = await interleavedRounds(control, o.bare, 2 * o.rounds, o.perRound, o.settle);
  const ratio = trimmedMeanRatio(connector.cpu, bare.cpu);
  return [
    {
      group: o.group,
      name: 'method check: bare request vs itself, CPU',
      value: median(connector.cpu),
      unit: 'µs/call',
      baseline: { name: 'bare request', value: median(bare.cpu) },
      ratio,
      note:
        `should read 100 %: the noise of the CPU rows above; plain totals ` +
        `${((sum(connector.cpu) / sum(bare.cpu)) * 100).toFixed(1)} %`,
    },
  ];
}
