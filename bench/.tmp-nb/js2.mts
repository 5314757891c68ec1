import { createExecutor, initializeParams } from "../../src/runtime/index.ts";
import { loadExample, sineInput } from "../models.ts";
const graph = loadExample("mobilenet_v1.net");
const x = sineInput(224 * 224 * 3);
const w = initializeParams(graph, 0);
const e = createExecutor(graph, { maxBatch: 1, training: false }); e.setParams(w);
const t = createExecutor(graph, { maxBatch: 1, training: true }); t.setParams(w); t.training = false;
for (let i = 0; i < 3; i++) { let s = performance.now(); e.forward([x], 1); const a = performance.now() - s; s = performance.now(); t.forward([x], 1); console.log("folded", a.toFixed(1), "unfolded", (performance.now() - s).toFixed(1)); }
