// Every model of every example, exported and run by onnxruntime, equals netc's runtime on the
// same weights. Logits are compared too where an output is a softmax, so a near-uniform
// probability vector cannot hide a mismatch.
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import type { Graph } from "../../src/ir/graph.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { initializeParams } from "../../src/runtime/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import { expectRuntimeParity, runOnnx, type BatchedArray } from "./onnx-harness.ts";

const examplesDir = new URL("../../examples/", import.meta.url);
const exampleFiles = readdirSync(examplesDir)
  .filter((f) => f.endsWith(".net"))
  .sort();

/** Models above this many MACs per sample run at batch 1 (the runtime's JS forward is the cost). */
const LARGE_MACS = 1e9;
/** Larger than this is too slow for the JS runtime in a unit test (VGG16: 15.5 GMACs). */
const MAX_MACS = 4e9;

function withLogits(graph: Graph): Program {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const outputs = graph.outputs.flatMap((id) => {
    const node = byId.get(id)!;
    return node.attrs.op === "softmax" ? [id, node.inputs[0]] : [id];
  });
  return { nodes: graph.nodes, inputs: graph.inputs, outputs };
}

/** Seeded init, with batchnorm statistics moved off their identity values so they matter. */
function weightsFor(graph: Graph): Map<string, Float32Array> {
  const weights = initializeParams(graph, 0);
  for (const [key, values] of weights) {
    if (key.endsWith(".mean")) values.forEach((_, i) => (values[i] = 0.1 * Math.sin(i)));
    if (key.endsWith(".var")) values.forEach((_, i) => (values[i] = 1 + 0.5 * Math.cos(i)));
    if (key.endsWith(".beta")) values.forEach((_, i) => (values[i] = 0.05 * Math.cos(3 * i)));
  }
  return weights;
}

/** Cheap weights for the onnxruntime-only check of big models: each tensor 1 / (size / last dim). */
function constantWeights(graph: Graph): Map<string, Float32Array> {
  return new Map(
    graph.nodes.flatMap((n) =>
      n.params.map((p) => {
        const size = p.shape.reduce((a, d) => a * d, 1);
        return [`${n.name}.${p.name}`, new Float32Array(size).fill(p.shape[p.shape.length - 1] / size)] as const;
      }),
    ),
  );
}

/** The smallest vocabulary among the embeddings reading input `id` (token ids stay below it). */
function vocabOf(graph: Graph, id: number): number {
  const vocabs = graph.nodes.flatMap((n) => (n.attrs.op === "embedding" && n.inputs[0] === id ? [n.attrs.vocab] : []));
  return Math.min(...vocabs, 2 ** 24);
}

function inputsFor(graph: Graph, batch: number): BatchedArray[] {
  return graph.inputs.map((id, k) => {
    const node = graph.nodes.find((n) => n.id === id)!;
    const size = batch * node.shape.reduce((a, d) => a * d, 1);
    const wave = (i: number) => Math.sin(i * 0.61 + k);
    if (node.attrs.op === "input" && node.attrs.dtype === "int") {
      // Token ids spread over the whole vocabulary.
      const vocab = vocabOf(graph, id);
      const data = Float32Array.from({ length: size }, (_, i) => Math.min(vocab - 1, Math.floor((0.5 + 0.5 * wave(i)) * vocab)));
      return { shape: [batch, ...node.shape], data, dtype: "int" as const };
    }
    return { shape: [batch, ...node.shape], data: Float32Array.from({ length: size }, (_, i) => wave(i)) };
  });
}

describe("examples: onnxruntime equals netc's runtime", () => {
  it("has examples to test", () => expect(exampleFiles.length).toBeGreaterThan(0));

  for (const file of exampleFiles) {
    const { program, diagnostics } = parse(readFileSync(new URL(file, examplesDir), "utf8"));
    const result = check(program);
    const errors = [...diagnostics, ...result.diagnostics].filter((d) => d.severity === "error");
    if (errors.length > 0) it(`${file} checks without errors`, () => expect(errors).toEqual([]));
    for (const graph of result.graphs.values()) {
      if (graph.totals.macs > MAX_MACS) {
        // Too slow for the JS runtime here: export it and let onnxruntime run one sample.
        it(`${file}: ${graph.model} (onnxruntime only)`, async () => {
          const outputs = await runOnnx(exportOnnx(graph, constantWeights(graph)), inputsFor(graph, 1));
          outputs.forEach((out, i) => {
            const node = graph.nodes.find((n) => n.id === graph.outputs[i])!;
            expect(out.shape).toEqual([1, ...node.shape]);
            expect(out.data.every(Number.isFinite)).toBe(true);
          });
        });
        continue;
      }
      it(`${file}: ${graph.model}`, async () => {
        const batch = graph.totals.macs > LARGE_MACS ? 1 : 2;
        await expectRuntimeParity(withLogits(graph), weightsFor(graph), inputsFor(graph, batch), graph.model);
      });
    }
  }
});
