import { createWasmExecutor, initializeParams, sliceProgram } from "../../src/runtime/index.ts";
import { crossEntropyFromLogits } from "../../src/runtime/train/losses.ts";
import { loadExample, sineInput } from "../models.ts";
const graph = loadExample("lenet5.net");
const program = sliceProgram(graph, [graph.nodes[graph.outputs[0]!]!.inputs[0]!]);
const { executor } = await createWasmExecutor(program, { maxBatch: 64, training: true });
executor.setParams(initializeParams(program, 0));
const x = sineInput(64 * 784);
const labels = Int32Array.from({ length: 64 }, (_, i) => i % 10);
const times = new Map<string, number>();
for (const p of (executor as any).planned) {
  const k = p.kernel; const label = p.node.name;
  p.kernel = { ...k,
    forward(call: any) { const t = performance.now(); k.forward(call); times.set(label + " F", (times.get(label + " F") ?? 0) + performance.now() - t); },
    backward(call: any) { const t = performance.now(); k.backward(call); times.set(label + " B", (times.get(label + " B") ?? 0) + performance.now() - t); } };
}
const step = () => { executor.zeroGrads(); const [l] = executor.forward([x], 64); executor.backward([crossEntropyFromLogits(l!, { kind: "classes", data: labels }, 10).grad]); };
for (let i = 0; i < 5; i++) step();
times.clear(); const N = 20; const s = performance.now();
for (let i = 0; i < N; i++) step();
console.log("step", ((performance.now() - s) / N).toFixed(2));
console.log([...times].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / N).toFixed(2)}`).join("\n"));
process.exit(0);
