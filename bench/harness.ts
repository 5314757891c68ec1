// Timing and reporting shared by every benchmark case. The machines are noisy VMs, so each
// implementation runs repeatedly and we report the median with the min–max spread, and compare
// implementations only within one run of `npm run bench`.

export interface Timing {
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
}

/** One implementation's measurement in a case. */
export interface Measurement {
  /** e.g. "netc-wasm (FMA, 1 thread)", "onnxruntime-node (2 threads)". */
  readonly implementation: string;
  readonly threads: number;
  /** The netc measurement others on the same thread count are compared with. */
  readonly baseline?: boolean;
  readonly timing: Timing;
  /** Work per run, for throughput: GFLOPS = flops / time. */
  readonly gflops?: number;
  /** Time relative to netc on the same thread count (>1: netc is faster). */
  readonly ratioToNetc?: number;
  /** Max difference of the output from the 1-thread netc output, relative to its scale. */
  readonly errorVsNetc?: number;
  readonly note?: string;
}

export interface CaseResult {
  readonly name: string;
  readonly description: string;
  readonly measurements: readonly Measurement[];
}

export interface BenchContext {
  /** Shorter runs (fewer repetitions) for a quick look. */
  readonly quick: boolean;
  log(line: string): void;
}

/** A benchmark case; register it in bench/cases/index.ts. */
export interface BenchCase {
  readonly name: string;
  run(ctx: BenchContext): Promise<CaseResult[]>;
}

/**
 * Times `fn` after `warmup` untimed calls: at least `minRuns` runs and until `minTimeMs` has
 * passed (capped at `maxRuns`).
 */
export async function measure(
  fn: () => unknown,
  { warmup = 1, minRuns = 5, maxRuns = 50, minTimeMs = 1000 }: { warmup?: number; minRuns?: number; maxRuns?: number; minTimeMs?: number } = {},
): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minRuns || (performance.now() - start < minTimeMs && times.length < maxRuns)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  const mid = times.length >> 1;
  const medianMs = times.length % 2 ? times[mid]! : (times[mid - 1]! + times[mid]!) / 2;
  return { medianMs, minMs: times[0]!, maxMs: times[times.length - 1]!, runs: times.length };
}

/** Fills in GFLOPS and the ratio to the netc measurement with the same thread count. */
export function withRatios(measurements: readonly Measurement[], flops: number): Measurement[] {
  const netc = (threads: number) =>
    measurements.find((m) => m.baseline && m.threads === threads);
  return measurements.map((m) => {
    const base = netc(m.threads);
    return {
      ...m,
      gflops: flops / (m.timing.medianMs * 1e6),
      ...(base ? { ratioToNetc: m.timing.medianMs / base.timing.medianMs } : {}),
    };
  });
}

export function formatCase(result: CaseResult): string {
  const rows = result.measurements.map((m) => [
    m.implementation,
    `${m.timing.medianMs.toFixed(2)} ms`,
    `${m.timing.minMs.toFixed(2)}–${m.timing.maxMs.toFixed(2)}`,
    m.gflops === undefined ? "" : m.gflops.toFixed(1),
    m.ratioToNetc === undefined ? "" : `${m.ratioToNetc.toFixed(2)}×`,
    m.errorVsNetc === undefined ? "" : m.errorVsNetc.toExponential(1),
    m.note ?? "",
  ]);
  const header = ["implementation", "median", "min–max ms", "GFLOPS", "time / netc", "diff vs netc", ""];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [`## ${result.name} — ${result.description}`, line(header), ...rows.map(line)].join("\n");
}
