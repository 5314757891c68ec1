// MobileNetV1 (examples/mobilenet_v1.net, 224×224, batch 1) on the WebAssembly inference path —
// batchnorm folded, packed weights cached, depthwise interior paths, the stem's patches, and on
// two threads every depthwise, patch and GEMM split with the helper — against the JavaScript
// reference kernels on the same seeded weights.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { createWasmExecutor } from "../../src/runtime/wasm/host/backend.ts";
import { parse } from "../../src/syntax/parse.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

function mobilenet(): Program {
  const text = readFileSync(new URL("../../examples/mobilenet_v1.net", import.meta.url), "utf8");
  const graph = check(parse(text).program).graphs.values().next().value!;
  const softmax = graph.outputs[0]!;
  // The logits too: a near-uniform softmax would hide a mismatch.
  return { nodes: graph.nodes, inputs: graph.inputs, outputs: [graph.nodes[softmax]!.inputs[0]!] };
}

describe("MobileNetV1 inference on the WebAssembly kernels", () => {
  it("matches the JavaScript reference kernels on 1 and 2 threads", async () => {
    const program = mobilenet();
    const weights = initializeParams(program, 3);
    // Batchnorm statistics off identity, so folding them is exercised.
    for (const [key, values] of weights) {
      if (key.endsWith(".mean")) values.forEach((_, i) => (values[i] = 0.1 * Math.sin(i)));
      if (key.endsWith(".var")) values.forEach((_, i) => (values[i] = 1 + 0.5 * Math.cos(i)));
    }
    const input = randomArray(9, 224 * 224 * 3);
    const reference = createExecutor(program, { maxBatch: 1, training: false });
    reference.setParams(weights);
    const want = reference.forward([input], 1)[0]!.slice();
    for (const threads of [1, 2] as const) {
      const { executor, accelerated, dispose } = await createWasmExecutor(program, { maxBatch: 1, training: false, wasm: { threads } });
      try {
        expect(accelerated).toBe(true);
        executor.setParams(weights);
        executor.forward([input], 1);
        // Twice: the second forward runs on the cached packed weights.
        const got = executor.forward([input], 1)[0]!;
        expect(relativeError(got, want, 1e-6), `${threads} thread(s)`).toBeLessThanOrEqual(1e-4);
      } finally {
        await dispose();
      }
    }
  }, 30_000);
});
