import { createWasmExecutor, initializeParams } from "../../src/runtime/index.ts";
import { loadExample, sineInput } from "../models.ts";
const graph = loadExample("mobilenet_v1.net");
const { executor, dispose } = await createWasmExecutor(graph, { maxBatch: 1, training: false });
executor.setParams(initializeParams(graph, 0));
const x = sineInput(224 * 224 * 3);
const times = new Map<string, number>();
for (const p of (executor as any).planned) {
  const f = p.kernel.forward;
  const label = p.node.attrs.op + (p.node.attrs.op === "conv" || p.node.attrs.op === "depthwise" ? ` s${p.node.attrs.stride[0]}` : "") + " " + p.node.shape.join("x");
  p.kernel = { ...p.kernel, forward(call: any) { const t = performance.now(); f.call(p.kernel, call); times.set(label, (times.get(label) ?? 0) + performance.now() - t); } };
}
for (let i = 0; i < 3; i++) executor.forward([x], 1);
times.clear();
const N = 10;
const t0 = performance.now();
for (let i = 0; i < N; i++) executor.forward([x], 1);
console.log("total", ((performance.now() - t0) / N).toFixed(2));
const byOp = new Map<string, number>();
for (const [k, v] of times) { const op = k.split(" ")[0]!; byOp.set(op, (byOp.get(op) ?? 0) + v / N); }
console.log([...byOp].map(([k, v]) => `${k} ${v.toFixed(2)}`).join("\n"));
console.log([...times].sort((a, b) => b[1] - a[1]).slice(0, 12).map(([k, v]) => `${k} ${(v / N).toFixed(2)}`).join("\n"));
await dispose();
