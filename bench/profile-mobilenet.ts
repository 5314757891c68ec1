// `npx tsx bench/profile-mobilenet.ts [threads]`: where one MobileNetV1 inference forward's time
// goes on the WebAssembly backend (224×224, batch 1, the weights of bench/cases/mobilenet.ts):
// each node's median time, its share and GFLOPS, then totals per op. The executor is built as
// createWasmExecutor builds it, with every kernel wrapped in a timer.
import { createExecutor } from "../src/runtime/exec/executor.ts";
import { initializeParams, referenceKernels } from "../src/runtime/index.ts";
import type { Kernel, KernelTable } from "../src/runtime/kernel.ts";
import type { OpName, Program } from "../src/runtime/ops.ts";
import { createWasmArena, wasmBackend } from "../src/runtime/wasm/host/backend.ts";
import { createWasmKernels } from "../src/runtime/wasm/host/kernels.ts";
import { loadExample, sineInput } from "./models.ts";
import { nodeOfCall } from "./node-of-call.ts";

const threads = process.argv[2] === "2" ? 2 : 1;
const RUNS = 60;
const graph = loadExample("mobilenet_v1.net");
const program: Program = { nodes: graph.nodes, inputs: graph.inputs, outputs: graph.outputs };

const samples = new Map<number, number[]>();
const nodeOf = nodeOfCall(program);
function timed<K extends OpName>(kernel: Kernel<K>): Kernel<K> {
  return {
    ...kernel,
    forward(call) {
      const t = performance.now();
      kernel.forward(call);
      const ms = performance.now() - t;
      const i = nodeOf(call);
      if (!samples.has(i)) samples.set(i, []);
      samples.get(i)!.push(ms);
    },
  };
}

const options = { maxBatch: 1, training: false } as const;
const { memory, workspaceBytes } = createWasmArena(program, options, threads === 2);
const kernels = await createWasmKernels(memory!, { threads });
const backend = wasmBackend(kernels, workspaceBytes);
const table = { ...referenceKernels, ...backend.kernels } as KernelTable;
const wrapped = Object.fromEntries(Object.entries(table).map(([op, k]) => [op, timed(k as Kernel<OpName>)]));
const executor = createExecutor(program, { ...options, backend: { ...backend, kernels: wrapped as Partial<KernelTable> }, memory: memory! });
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
await kernels.dispose();
