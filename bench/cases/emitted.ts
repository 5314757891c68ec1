// The standalone module of `netc compile` against the runtime it was compiled from: forward at
// batch 1 on the same weights and input, the runtime on the WebAssembly kernels on one thread
// (the module imports nothing, so it has no helper thread). They are timed alternately, one
// call each per round, so a noisy neighbour slows all alike; outputs must agree.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { emitTs } from "../../src/backends/emit-ts/index.ts";
import { createWasmExecutor, initializeParams, sizeOf } from "../../src/runtime/index.ts";
import { relativeError } from "../../test/support/close.ts";
import type { BenchCase, BenchContext, CaseResult, Measurement, Timing } from "../harness.ts";
import { withRatios } from "../harness.ts";
import { loadExample, sineInput } from "../models.ts";

interface EmittedModule {
  readonly kernels: string;
  readonly params: ReadonlyMap<string, Float32Array>;
  paramsChanged(): void;
  forward(x: Float32Array, batch?: number, out?: Float32Array): Float32Array;
}

const EXAMPLES = ["lenet5.net", "mobilenet_v1.net", "efficientnet.net"];

function timingOf(times: number[]): Timing {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const medianMs = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { medianMs, minMs: sorted[0]!, maxMs: sorted[sorted.length - 1]!, runs: sorted.length };
}

/** Times each function once per round, alternating, after one warm-up call each. */
function alternate(fns: readonly (() => unknown)[], ctx: BenchContext, slowMs: number): Timing[] {
  for (const fn of fns) fn();
  const rounds = Math.max(5, Math.min(ctx.quick ? 10 : 40, Math.ceil((ctx.quick ? 1500 : 6000) / slowMs)));
  const times = fns.map(() => [] as number[]);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      const t = performance.now();
      fn();
      times[i]!.push(performance.now() - t);
    });
  }
  return times.map(timingOf);
}

async function compareOne(file: string, dir: string, ctx: BenchContext): Promise<CaseResult> {
  const graph = loadExample(file);
  const weights = initializeParams(graph, 0);
  const input = sineInput(sizeOf(graph.nodes[graph.inputs[0]!]!.shape));
  const path = join(dir, file.replace(/\.net$/, ".ts"));
  writeFileSync(path, await emitTs(graph));
  const emitted = (await import(pathToFileURL(path).href)) as EmittedModule;
  for (const [key, values] of emitted.params) values.set(weights.get(key)!);
  emitted.paramsChanged();
  const { executor, accelerated, dispose } = await createWasmExecutor(graph, { maxBatch: 1, training: false });
  try {
    if (!accelerated) throw new Error("no WebAssembly memory for the runtime's arena");
    executor.setParams(weights);
    const want = executor.forward([input], 1)[0]!.slice();
    const error = relativeError(emitted.forward(input, 1), want, 1e-6);
    if (error > 1e-5) throw new Error(`the emitted ${graph.model} disagrees with the runtime: relative error ${error}`);
    const first = performance.now();
    executor.forward([input], 1);
    const out = new Float32Array(want.length);
    const [runtime, fresh, into] = alternate(
      [() => executor.forward([input], 1), () => emitted.forward(input, 1), () => emitted.forward(input, 1, out)],
      ctx,
      performance.now() - first,
    );
    ctx.log(
      `  ${graph.model}: runtime ${runtime!.medianMs.toFixed(2)} ms, emitted ${fresh!.medianMs.toFixed(2)} ms ` +
        `(into an array: ${into!.medianMs.toFixed(2)} ms)`,
    );
    // The runtime returns a view into its arena; the module's forward a fresh array, or fills `out`.
    const measurements: Measurement[] = [
      { implementation: "netc runtime (createWasmExecutor, 1 thread)", threads: 1, baseline: true, timing: runtime! },
      { implementation: `emitted module (${emitted.kernels}), forward(x)`, threads: 1, timing: fresh!, errorVsNetc: error },
      { implementation: `emitted module (${emitted.kernels}), forward(x, 1, out)`, threads: 1, timing: into!, errorVsNetc: error },
    ];
    return {
      name: `emitted-${file.replace(/\.net$/, "")}`,
      description: `${graph.model} forward, batch 1: \`netc compile\` module vs the runtime, alternating calls`,
      measurements: withRatios(measurements, 2 * graph.totals.macs),
    };
  } finally {
    await dispose();
  }
}

export const emittedCase: BenchCase = {
  name: "emitted",
  async run(ctx) {
    const dir = mkdtempSync(join(tmpdir(), "netc-bench-emitted-"));
    const results: CaseResult[] = [];
    for (const file of EXAMPLES) results.push(await compareOne(file, dir, ctx));
    return results;
  },
};
