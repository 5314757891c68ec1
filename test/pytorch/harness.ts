// Shared by the PyTorch tests: seeded random arrays and weights, reading .npy outputs back.
import { loadGraph } from "../../src/cli/load-graph.ts";
import type { ParamValue } from "../../src/check/index.ts";
import { readNpy } from "../../src/io/npy.ts";
import { writeSafetensors, type TensorData } from "../../src/io/safetensors.ts";
import { weightSpecs } from "../../src/io/weights.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { initializeParams, Rng } from "../../src/runtime/index.ts";
import { vi } from "vitest";
import type { BatchedArray } from "../onnx/onnx-harness.ts";

export function graphOf(file: string, model?: string, params: Record<string, ParamValue> = {}): Graph {
  return loadGraph(file, { model, params }).graph;
}

/** An input batch to write as .npy: float32 values or int32 token ids. */
export interface InputArray {
  readonly shape: readonly number[];
  readonly data: Float32Array | Int32Array;
}

/** `count` samples of the model's (first) input shape, standard normal. */
export function randomInput(graph: Graph, count: number, seed: number): InputArray {
  return randomInputs(graph, count, seed)[0];
}

/** The smallest vocabulary among the embeddings reading input `id`, so every id is valid. */
function vocabOf(graph: Graph, id: number): number {
  const vocabs = graph.nodes.flatMap((n) => (n.attrs.op === "embedding" && n.inputs[0] === id ? [n.attrs.vocab] : []));
  return Math.min(...vocabs);
}

/** `count` samples of every input: standard normal, or token ids spread over the vocabulary (int32). */
export function randomInputs(graph: Graph, count: number, seed: number): InputArray[] {
  const rng = new Rng(seed);
  return graph.inputs.map((id) => {
    const node = graph.nodes[id];
    const shape = [count, ...node.shape];
    const size = shape.reduce((a, b) => a * b, 1);
    if (node.attrs.op === "input" && node.attrs.dtype === "int") {
      const vocab = vocabOf(graph, id);
      return { shape, data: Int32Array.from({ length: size }, () => Math.floor(rng.uniform() * vocab)) };
    }
    return { shape, data: Float32Array.from({ length: size }, () => rng.normal()) };
  });
}

/**
 * netc's initialisation with every bias and batchnorm tensor made non-trivial (the
 * initialisation leaves them 0 and 1), so that their layouts are tested too.
 */
export function randomWeights(graph: Graph, seed: number): Map<string, TensorData> {
  const values = initializeParams(graph, seed);
  const rng = new Rng(seed + 1);
  const perturb: Record<string, (v: number) => number> = {
    bias: () => 0.1 * rng.normal(),
    beta: () => 0.1 * rng.normal(),
    gamma: () => 1 + 0.2 * rng.normal(),
    mean: () => 0.1 * rng.normal(),
    var: () => 0.5 + rng.uniform(),
  };
  return new Map(
    weightSpecs(graph).map(({ key, shape }) => {
      // `query_bias` is a bias too.
      const tensor = key.slice(key.lastIndexOf(".") + 1);
      const change = perturb[tensor] ?? perturb[tensor.slice(tensor.lastIndexOf("_") + 1)];
      const data = values.get(key)!;
      return [key, { shape, data: change ? data.map(change) : data }];
    }),
  );
}

export function writeWeights(path: string, weights: Map<string, TensorData>): void {
  writeSafetensors(path, weights);
}

export function readArray(path: string): BatchedArray {
  const y = readNpy(path);
  return { shape: y.shape, data: Float32Array.from(y.data as ArrayLike<number>) };
}

/** Runs a CLI function with stdout captured; returns the exit code and the lines. */
export async function captured(run: () => Promise<number>): Promise<{ code: number; lines: string[] }> {
  const chunks: string[] = [];
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    const code = await run();
    return { code, lines: chunks.join("").split("\n").filter((l) => l !== "") };
  } finally {
    spy.mockRestore();
  }
}
