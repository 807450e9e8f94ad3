/** Small measuring helpers shared by the benchmark parts. */

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

/** Milliseconds a synchronous call takes. */
export function timeMs(fn: () => unknown): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** CPU time (user + system) this process used since `since`, in ms. */
export function cpuMs(since: NodeJS.CpuUsage): number {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
}

/** Peak resident memory of this process so far, in MB (the kernel's high-water mark). */
export function peakRssMb(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** A part's result: printed by the child as its last stdout line, read by bench/run.ts. */
export interface PartResult {
  part: string;
  figures: Record<string, number | string | null>;
  /** Per-filter latencies of the query part. */
  queries?: { name: string; filter: string; page_p50: number; page_p95: number; count_p50: number; count_p95: number; matches: number }[];
  /**
   * Per-report latencies of the reports part (ms), per scope (the whole cache or one month), with the
   * same report computed by DuckDB where there is an anchor (duckdb_same: its result equals ours).
   */
  reports?: {
    kind: string;
    /** The report with its options, as the table names it ("activity by day"). */
    name: string;
    /** Rows the report returned. */
    rows: number;
    scope: 'cache' | 'month';
    request: string;
    runs: number;
    p50: number;
    p95: number;
    duckdb_p50: number | null;
    duckdb_p95: number | null;
    duckdb_same: boolean | null;
  }[];
  notes?: string[];
  /** Set by bench/run.ts: the command and time of the run that measured this part. */
  measured?: { command: string; date: string };
}

export function report(result: PartResult): void {
  process.stdout.write(`\n${JSON.stringify(result)}\n`);
}
