// `npx tsx bench/profile-vit.ts [mnist|ti16] [threads]`: where one ViT inference forward's time
// goes on the WebAssembly backend (batch 1, the weights and models of bench/cases/vit-forward.ts):
// each node's median time, its share and GFLOPS, totals per op, then every GEMM call by shape
// (attention's projections and per-head products are GEMM calls inside one node). Times are
// CPU time (process.cpuUsage, microseconds), which a busy machine's waiting for a core does not
// inflate; the total is also given as wall time.
import type { Gemm } from "../src/runtime/gemm.ts";
import { initializeParams } from "../src/runtime/index.ts";
import type { Program } from "../src/runtime/ops.ts";
import { checked, VIT_TI16 } from "./cases/vit-forward.ts";
import { loadExample, sineInput } from "./models.ts";
import { profiledWasmExecutor } from "./profiled-executor.ts";

/** CPU milliseconds this process has used. */
function now(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

const which = process.argv[2] === "mnist" ? "mnist" : "ti16";
const threads = process.argv[3] === "2" ? 2 : 1;
const RUNS = which === "mnist" ? 400 : 30;
const graph = which === "mnist" ? loadExample("vit_mnist.net") : checked(VIT_TI16);
const program: Program = { nodes: graph.nodes, inputs: graph.inputs, outputs: graph.outputs };

const samples = new Map<number, number[]>();

// GEMM calls by shape: each call's time (the medians resist the neighbours' load).
const gemmTimes = new Map<string, { times: number[]; macs: number }>();
function timedGemm(gemm: Gemm): Gemm {
  const softmax = gemm.softmaxRows;
  return {
    ...gemm,
    softmaxRows: softmax
      ? (scores, at, rows, len, ...rest) => {
          const t = now();
          softmax(scores, at, rows, len, ...rest);
          const ms = now() - t;
          const key = `softmaxRows ${rows}×${len}`;
          const entry = gemmTimes.get(key) ?? { times: [], macs: 0 };
          entry.times.push(ms);
          gemmTimes.set(key, entry);
        }
      : undefined,
    gemm(transA, transB, m, n, k, ...rest) {
      const t = now();
      gemm.gemm(transA, transB, m, n, k, ...rest);
      const ms = now() - t;
      const key = `${transA ? "Aᵀ" : "A"}·${transB ? "Bᵀ" : "B"} ${m}×${n}×${k}${rest[10] ? " +epilogue" : ""}`;
      const entry = gemmTimes.get(key) ?? { times: [], macs: m * n * k };
      entry.times.push(ms);
      gemmTimes.set(key, entry);
    },
  };
}

const { executor, dispose } = await profiledWasmExecutor(
  program,
  { maxBatch: 1, training: false },
  {
    threads,
    clock: now,
    onTime: (_, node, ms) => (samples.get(node) ?? samples.set(node, []).get(node)!).push(ms),
    wrapGemm: timedGemm,
  },
);
executor.setParams(initializeParams(graph, 0));
const shape = graph.nodes[graph.inputs[0]!]!.shape;
const input = sineInput(shape.reduce((a, b) => a * b, 1));
const totals: number[] = [];
const walls: number[] = [];
const WARMUP = 5;
for (let run = 0; run < RUNS; run++) {
  if (run === WARMUP) {
    samples.clear();
    gemmTimes.clear();
    totals.length = 0;
    walls.length = 0;
  }
  const [t, wall] = [now(), performance.now()];
  executor.forward([input], 1);
  totals.push(now() - t);
  walls.push(performance.now() - wall);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const total = median(totals);
const measured = RUNS - WARMUP;
console.log(
  `ViT ${which} forward, ${threads} thread(s): CPU ${total.toFixed(3)} ms (median of ${totals.length}, min ${Math.min(...totals).toFixed(3)}), ` +
    `wall ${median(walls).toFixed(3)} ms (min ${Math.min(...walls).toFixed(3)}), ` +
    `${((2 * graph.totals.macs) / (total * 1e6)).toFixed(1)} GFLOPS`,
);
const perOp = new Map<string, number>();
let nodeSum = 0;
for (const [i, xs] of [...samples].sort((a, b) => a[0] - b[0])) {
  const node = program.nodes[i]!;
  const ms = median(xs);
  const inShape = program.nodes[node.inputs[0] ?? i]!.shape;
  const macs = graph.nodes[i]!.macs;
  const gflops = macs ? (2 * macs) / (ms * 1e6) : 0;
  perOp.set(node.attrs.op, (perOp.get(node.attrs.op) ?? 0) + ms);
  nodeSum += ms;
  if (which === "ti16" && i > 40 && i < program.nodes.length - 4) continue; // the first blocks stand for the rest
  console.log(
    `${String(i).padStart(3)} ${`${node.name} (${node.attrs.op})`.padEnd(34)} ${inShape.join("×").padEnd(12)}→ ${node.shape.join("×").padEnd(12)} ` +
      `${ms.toFixed(3).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${gflops ? gflops.toFixed(1).padStart(5) + " GFLOPS" : ""}`,
  );
}
console.log(`per op (the nodes' medians sum to ${nodeSum.toFixed(3)} ms):`);
for (const [op, ms] of [...perOp].sort((a, b) => b[1] - a[1])) console.log(`  ${op.padEnd(16)} ${ms.toFixed(3).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
console.log("GEMM calls by shape (m×n×k), per forward (calls × median call):");
const rows = [...gemmTimes].map(([key, { times, macs }]) => ({ key, macs, calls: times.length / measured, call: median(times) }));
for (const { key, macs, calls, call } of rows.sort((a, b) => b.calls * b.call - a.calls * a.call)) {
  const perForward = calls * call;
  console.log(
    `  ${key.padEnd(34)} ${String(calls).padStart(4)} calls ${perForward.toFixed(3).padStart(8)} ms ${((100 * perForward) / total).toFixed(1).padStart(5)}% ` +
      (macs ? `${((2 * macs) / (call * 1e6)).toFixed(1).padStart(5)} GFLOPS` : ""),
  );
}
await dispose();
