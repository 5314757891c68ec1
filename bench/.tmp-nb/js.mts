import { createExecutor, initializeParams } from "../../src/runtime/index.ts";
import { loadExample, sineInput } from "../models.ts";
const graph = loadExample("mobilenet_v1.net");
const x = sineInput(224 * 224 * 3);
const e = createExecutor(graph, { maxBatch: 1, training: false });
e.setParams(initializeParams(graph, 0));
const times = new Map<string, number>();
for (const p of (e as any).planned) {
  const f = p.kernel.forward; const label = p.node.attrs.op;
  p.kernel = { ...p.kernel, forward(call: any) { const t = performance.now(); f.call(p.kernel, call); times.set(label, (times.get(label) ?? 0) + performance.now() - t); } };
}
for (let i = 0; i < 4; i++) { times.clear(); const s = performance.now(); e.forward([x], 1); console.log((performance.now() - s).toFixed(1), [...times].map(([k, v]) => `${k} ${v.toFixed(1)}`).join(", ")); }
