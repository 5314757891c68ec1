// `npx tsx bench/profile-mobilenet.ts [threads]`: where one MobileNetV1 inference forward's time
// goes on the WebAssembly backend (224×224, batch 1, the weights of bench/cases/mobilenet.ts):
// each node's median time, its share and GFLOPS, then totals per op. The executor is built as
// createWasmExecutor builds it, with every kernel wrapped in a timer.
import { initializeParams } from "../src/runtime/index.ts";
import type { Program } from "../src/runtime/ops.ts";
import { loadExample, sineInput } from "./models.ts";
import { profiledWasmExecutor } from "./profiled-executor.ts";

const threads = process.argv[2] === "2" ? 2 : 1;
const RUNS = 60;
const graph = loadExample("mobilenet_v1.net");
const program: Program = { nodes: graph.nodes, inputs: graph.inputs, outputs: graph.outputs };

const samples = new Map<number, number[]>();
const { executor, dispose } = await profiledWasmExecutor(
  program,
  { maxBatch: 1, training: false },
  { threads, onTime: (_, node, ms) => (samples.get(node) ?? samples.set(node, []).get(node)!).push(ms) },
);
executor.setParams(initializeParams(program, 0));
const input = sineInput(224 * 224 * 3);
const totals: number[] = [];
for (let run = 0; run < RUNS; run++) {
  if (run === 5) {
    samples.clear();
    totals.length = 0;
  }
  const t = performance.now();
  executor.forward([input], 1);
  totals.push(performance.now() - t);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const total = median(totals);
console.log(`MobileNetV1 forward, ${threads} thread(s): ${total.toFixed(2)} ms (median of ${totals.length})`);
const perOp = new Map<string, number>();
for (const [i, xs] of [...samples].sort((a, b) => a[0] - b[0])) {
  const node = program.nodes[i]!;
  const ms = median(xs);
  const inShape = program.nodes[node.inputs[0] ?? i]!.shape;
  const macs = graph.nodes[i]!.macs;
  const gflops = macs ? (2 * macs) / (ms * 1e6) : 0;
  perOp.set(node.attrs.op, (perOp.get(node.attrs.op) ?? 0) + ms);
  console.log(
    `${String(i).padStart(3)} ${`${node.name} (${node.attrs.op})`.padEnd(34)} ${inShape.join("×").padEnd(12)}→ ${node.shape.join("×").padEnd(12)} ` +
      `${ms.toFixed(3).padStart(7)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%  ${gflops ? gflops.toFixed(1).padStart(5) + " GFLOPS" : ""}`,
  );
}
for (const [op, ms] of perOp) console.log(`${op.padEnd(16)} ${ms.toFixed(3).padStart(8)} ms ${((100 * ms) / total).toFixed(1).padStart(5)}%`);
await dispose();
