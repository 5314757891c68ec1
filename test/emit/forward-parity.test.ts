// For every example (but the largest — VGG16: 138M params, 15.5 GMACs; ViT-B/16, GPT-2 and
// BERT-base: 86–124M params, 17–146 GMACs — too slow for the suite), the emitted
// module's forward equals the runtime's forward on the same weights, loaded through its
// loadWeights from a real safetensors file: both run the WebAssembly kernels (FMA where the
// engine has relaxed SIMD), batchnorm folded. The TypeScript and plain-SIMD fallbacks are
// compared in fallback.test.ts.
import { readdirSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { emitTs, paramSpecsInOrder } from "../../src/backends/emit-ts/index.ts";
import { serializeSafetensors } from "../../src/io/safetensors.ts";
import {
  createWasmExecutor,
  initializeParams,
} from "../../src/runtime/index.ts";
import { concatBytes } from "./concat-bytes.ts";
import {
  graphsOfFile,
  importEmitted,
  maxAbsDiff,
  modelInput,
} from "./emit-helpers.ts";

const SKIPPED = new Set(["vgg16.net", "vit_b16.net", "gpt2.net", "bert_base.net"]);
const examples = readdirSync("examples").filter(
  (f) => f.endsWith(".net") && !SKIPPED.has(f),
);

describe("emitted forward equals the runtime's", () => {
  for (const file of examples) {
    for (const graph of graphsOfFile(`examples/${file}`)) {
      it(`${file} ${graph.model}`, { timeout: 60_000 }, async () => {
        const weights = initializeParams(graph, 7);
        const batch = 2;
        const x = modelInput(graph, batch, 3);
        const runtime = await createWasmExecutor(graph, {
          maxBatch: batch,
          training: false,
        });
        runtime.executor.setParams(weights);
        const expected = runtime.executor.forward([x], batch)[0].slice();
        await runtime.dispose();

        const emitted = await importEmitted(
          await emitTs(graph, { maxBatch: batch }),
        );
        const tensors = new Map(
          paramSpecsInOrder(graph).map(({ key, spec }) => [
            key,
            { shape: spec.shape, data: weights.get(key)! },
          ]),
        );
        emitted.loadWeights(concatBytes(serializeSafetensors(tensors)));
        expect(emitted.inputShape).toEqual(graph.nodes[graph.inputs[0]].shape);
        expect(emitted.outputShape).toEqual(
          graph.nodes[graph.outputs[0]].shape,
        );
        expect(emitted.paramCount).toBe(graph.totals.params);
        expect(emitted.kernels).toBe(runtime.accelerated ? "wasm-fma" : "js");
        const got = emitted.forward(x, batch);
        expect(got.length).toBe(expected.length);
        expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(1e-5);
      });
    }
  }
});
