// netc compile on the sequence and general ops of spec section 11: for small models covering
// every new op (a GPT with a tied output layer, a ViT with class token and sinusoidal
// positions, cross-attention, LSTM + GRU, the general elementwise, merge and normalisation
// ops) the emitted module's forward equals the runtime's on the same weights — with the
// WebAssembly kernels and with the TypeScript ones — and --train steps of the GPT equal the
// interpreter's trainer.
import { describe, expect, it } from "vitest";
import { emitTs, paramSpecsInOrder } from "../../src/backends/emit-ts/index.ts";
import { train } from "../../src/backends/interpret/trainer.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { serializeSafetensors } from "../../src/io/safetensors.ts";
import { createExecutor, createWasmExecutor, initializeParams } from "../../src/runtime/index.ts";
import { concatBytes } from "./concat-bytes.ts";
import { graphsOfSource, importEmitted, maxAbsDiff, modelInput } from "./emit-helpers.ts";

const MODELS = `
model GptTiny {
  input ids: [12] int
  embedding(30, 16, name = "wte")
  positional(12)
  block pre_norm {
    parallel add {
      { layernorm  attention(4, causal = true) }
      { }
    }
    parallel add {
      { rmsnorm  dense(32)  gelu  dense(16) }
      { }
    }
  }
  repeat 2 { pre_norm }
  layernorm
  dense(30, tie = "wte")
}

train GptTiny {
  loss: cross_entropy
  optimizer: adam(lr = 0.01)
  batch: 3
}

model VitTiny {
  input image: [8, 8, 3]
  conv(16, 4x4, stride = 4)
  reshape([-1, 16])
  class_token
  positional(5, mode = "sinusoidal")
  layernorm
  attention(2, dropout = 0.1)
  take(0)
  dense(10)
  softmax
}

model CrossAttend {
  input x: [6, 8]
  dense(5) -> memory
  from x
  attention(2, context = memory, bias = false)
  globalavgpool
  dense(3)
}

model Recurrent {
  input x: [7, 4]
  lstm(6, return_sequences = true)
  gru(5)
  dense(3)
}

model GeneralOps {
  input x: [4, 6]
  transpose([1, 0]) -> t
  exp -> e
  from t
  neg  abs  sqrt  log -> l
  from t
  selu -> s
  hard_sigmoid
  sub(s)
  div(e)
  maximum(l)
  minimum(t)
  clip(-2, 2)
  prelu
  reshape([2, 3, 4])
  groupnorm(2)
  instancenorm
  flatten
  dense(3)
}
`;

const graphs = graphsOfSource(MODELS);

function safetensorsOf(graph: Graph, weights: ReadonlyMap<string, Float32Array>): Uint8Array {
  const tensors = new Map(paramSpecsInOrder(graph).map(({ key, spec }) => [key, { shape: spec.shape, data: weights.get(key)! }]));
  return concatBytes(serializeSafetensors(tensors));
}

describe("emitted forward equals the runtime's on sequence models", () => {
  for (const graph of graphs) {
    for (const kernels of ["auto", "js"] as const) {
      it(`${graph.model} (${kernels} kernels)`, { timeout: 60_000 }, async () => {
        const weights = initializeParams(graph, 5);
        const batch = 2;
        const x = modelInput(graph, batch, 3);
        const runtime = await createWasmExecutor(graph, { maxBatch: batch, training: false });
        runtime.executor.setParams(weights);
        const expected = runtime.executor.forward([x], batch)[0].slice();
        await runtime.dispose();
        const emitted = await importEmitted(await emitTs(graph, { maxBatch: batch, kernels }));
        emitted.loadWeights(safetensorsOf(graph, weights));
        expect(emitted.paramCount).toBe(graph.totals.params);
        expect(emitted.kernels).toBe(kernels === "js" ? "js" : runtime.accelerated ? "wasm-fma" : "js");
        const got = emitted.forward(x, batch);
        expect(got.length).toBe(expected.length);
        expect(maxAbsDiff(got, expected)).toBeLessThanOrEqual(1e-5);
      });
    }
  }

  it("lists a tied table once, under its owner", () => {
    const gpt = graphs.find((g) => g.model === "GptTiny")!;
    const keys = paramSpecsInOrder(gpt).map(({ key }) => key);
    expect(keys.filter((k) => k.endsWith(".embeddings"))).toEqual(["wte.embeddings", "positional_0.embeddings"]);
    expect(new Set(keys).size).toBe(keys.length);
    expect([...createExecutor(gpt, { maxBatch: 1, training: false }).params.keys()].sort()).toEqual([...keys].sort());
  });
});

describe("emitted trainStep on a GPT equals the interpreter's trainer", () => {
  it("adam, sequence cross-entropy over [T, V], tied output layer", { timeout: 60_000 }, async () => {
    const graph = graphs.find((g) => g.model === "GptTiny")!;
    const [batch, steps, t, vocab] = [3, 4, 12, 30];
    const count = batch * steps;
    const x = modelInput(graph, count, 8);
    const targets = Int32Array.from({ length: count * t }, (_, i) => (i * 7 + 3) % vocab);
    const init = initializeParams(graph, 2);
    const config = { ...graph.train!, batch, epochs: 1, shuffle: false, validation: 0 };
    const reference = await train({
      graph,
      config,
      init,
      data: { train: { name: "parity", count, sampleShape: [t], x, labels: { kind: "classes", shape: [t], data: targets } } },
    });
    const m = await importEmitted(await emitTs(graph, { train: true, weights: init, embedWeights: true }));
    for (let s = 0; s < steps; s++) {
      const loss = m.trainStep!(x.subarray(s * batch * t, (s + 1) * batch * t), targets.subarray(s * batch * t, (s + 1) * batch * t), batch);
      expect(Number.isFinite(loss)).toBe(true);
    }
    let moved = 0;
    for (const [key, tensor] of reference.weights) {
      const got = m.params!.get(key)!;
      expect(maxAbsDiff(got, tensor.data), key).toBeLessThanOrEqual(2e-5);
      moved = Math.max(moved, maxAbsDiff(got, init.get(key)!));
    }
    expect(moved).toBeGreaterThan(1e-3);
  });
});
