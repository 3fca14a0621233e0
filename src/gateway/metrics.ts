/**
 * A small Prometheus registry (text format 0.0.4): counters and histograms with labels, and gauges
 * read at scrape time. Hand-written to keep the gateway free of a metrics dependency.
 */
type Labels = Record<string, string>;

/** Labels as Prometheus writes them. Call sites pass label names in a fixed order, so no sort. */
function labelKey(labels: Labels): string {
  let key = '';
  for (const k in labels) key += `${key ? ',' : ''}${k}="${escapeLabel(labels[k]!)}"`;
  return key;
}

/**
 * `labelKey` remembered per label set (names and values, in order), found again with a few map
 * lookups instead of building and escaping the text on every increment: metrics run per request.
 */
class LabelKeys {
  private readonly root: KeyNode = new Map();
  key(labels: Labels): string {
    let node = this.root;
    for (const k in labels) {
      const v = labels[k]!;
      let byValue = node.get(k) as Map<string, KeyNode> | undefined;
      if (!byValue) node.set(k, (byValue = new Map()));
      let next = byValue.get(v);
      if (!next) byValue.set(v, (next = new Map()));
      node = next;
    }
    let key = node.get(KEY) as string | undefined;
    if (key === undefined) node.set(KEY, (key = labelKey(labels)));
    return key;
  }
}
type KeyNode = Map<string | typeof KEY, unknown>;
const KEY = Symbol('key');

const NEEDS_ESCAPE = /[\\\n"]/;
function escapeLabel(value: string): string {
  return NEEDS_ESCAPE.test(value) ? value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"') : value;
}

function fmt(name: string, key: string, value: number): string {
  return `${name}${key ? `{${key}}` : ''} ${Number.isFinite(value) ? value : 0}`;
}

interface Metric {
  render(): Promise<string[]> | string[];
}

export class Counter implements Metric {
  private readonly values = new Map<string, number>();
  private readonly keys = new LabelKeys();
  constructor(
    readonly name: string,
    private readonly help: string,
  ) {}
  inc(labels: Labels = {}, by = 1): void {
    const key = this.keys.key(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }
  get(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }
  /** Sum over every label set. */
  total(): number {
    let sum = 0;
    for (const v of this.values.values()) sum += v;
    return sum;
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, v] of this.values) out.push(fmt(this.name, key, v));
    return out;
  }
}

export class Histogram implements Metric {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  private readonly keys = new LabelKeys();
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly buckets: readonly number[],
  ) {}
  observe(value: number, labels: Labels = {}): void {
    const key = this.keys.key(labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: new Array(this.buckets.length).fill(0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }
  count(labels: Labels = {}): number {
    return this.series.get(labelKey(labels))?.count ?? 0;
  }
  render(): string[] {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const sep = key ? `${key},` : '';
      for (const [i, b] of this.buckets.entries()) out.push(`${this.name}_bucket{${sep}le="${b}"} ${s.counts[i]}`);
      out.push(`${this.name}_bucket{${sep}le="+Inf"} ${s.count}`);
      out.push(fmt(`${this.name}_sum`, key, s.sum), fmt(`${this.name}_count`, key, s.count));
    }
    return out;
  }
}

/** A gauge whose values are read when scraped (store counts, queue depths). */
export class Gauge implements Metric {
  constructor(
    readonly name: string,
    private readonly help: string,
    private readonly collect: () => Promise<Array<{ labels?: Labels; value: number }>>,
  ) {}
  async render(): Promise<string[]> {
    const out = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} gauge`];
    try {
      for (const { labels, value } of await this.collect()) out.push(fmt(this.name, labelKey(labels ?? {}), value));
    } catch {
      // the store is unreachable: the gauge is left out of this scrape (readyz says why)
    }
    return out;
  }
}

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];

  counter(name: string, help: string): Counter {
    const c = new Counter(name, help);
    this.metrics.push(c);
    return c;
  }
  histogram(name: string, help: string, buckets: readonly number[]): Histogram {
    const h = new Histogram(name, help, buckets);
    this.metrics.push(h);
    return h;
  }
  gauge(name: string, help: string, collect: () => Promise<Array<{ labels?: Labels; value: number }>>): Gauge {
    const g = new Gauge(name, help, collect);
    this.metrics.push(g);
    return g;
  }
  async render(): Promise<string> {
    const parts = await Promise.all(this.metrics.map((m) => m.render()));
    return parts.flat().join('\n') + '\n';
  }
}

const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** The gateway's metrics, created once per gateway. */
export function createGatewayMetrics() {
  const registry = new MetricsRegistry();
  return {
    registry,
    httpRequests: registry.counter('handover_http_requests_total', 'HTTP requests by route, method and status.'),
    httpDuration: registry.histogram(
      'handover_http_request_duration_seconds',
      'HTTP request handling time by route.',
      LATENCY_BUCKETS,
    ),
    webhookResults: registry.counter(
      'handover_webhook_requests_total',
      'Webhooks received, by provider type and result.',
    ),
    webhookLatency: registry.histogram(
      'handover_webhook_latency_seconds',
      'Time from receiving a webhook to answering it (verify, parse, durable enqueue).',
      LATENCY_BUCKETS,
    ),
    eventsEnqueued: registry.counter(
      'handover_events_enqueued_total',
      'Contact-center events accepted into the event queue.',
    ),
    eventsIngested: registry.counter(
      'handover_events_ingested_total',
      'Events taken from the event queue, by outcome (accepted, duplicates, orphaned, rejected, dropped).',
    ),
    deliveries: registry.counter(
      'handover_deliveries_total',
      'Items sent to Cognigy, by kind (inject, notify) and result (ok, dead).',
    ),
    deliveryRetries: registry.counter(
      'handover_delivery_retries_total',
      'Cognigy deliveries that failed and will be retried, by reason.',
    ),
    deadLetters: registry.counter(
      'handover_outbox_dead_letters_total',
      'Outbox items given up (non-retryable answer, or too old).',
    ),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;
