// Shared by the emit tests: check an example, emit it, import the emitted module from a temp dir.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { check } from "../../src/check/index.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { parse } from "../../src/syntax/parse.ts";

/** The surface every emitted module exports. */
export interface EmittedModule {
  readonly modelName: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  readonly paramCount: number;
  readonly maxBatch: number;
  readonly kernels: "wasm-fma" | "wasm-simd" | "js";
  paramsChanged(): void;
  loadWeights(bytes: Uint8Array): void;
  forward(x: Float32Array, batch?: number, out?: Float32Array): Float32Array;
  readonly params?: ReadonlyMap<string, Float32Array>;
  trainStep?(
    x: Float32Array,
    y: Float32Array | Int32Array,
    batch?: number,
    epoch?: number,
  ): number;
  /** With --train: the runtime's seeded initialisation, and the params as safetensors bytes. */
  initialize?(seed?: number): void;
  saveWeights?(): Uint8Array;
}

export function graphsOfSource(text: string): Graph[] {
  const parsed = parse(text);
  const result = check(parsed.program, {});
  const errors = [...parsed.diagnostics, ...result.diagnostics].filter(
    (d) => d.severity === "error",
  );
  if (errors.length > 0)
    throw new Error(errors.map((d) => d.message).join("\n"));
  return [...result.graphs.values()];
}

export function graphsOfFile(path: string): Graph[] {
  return graphsOfSource(readFileSync(path, "utf8"));
}

const dir = mkdtempSync(join(tmpdir(), "netc-emit-"));
let counter = 0;

export async function importEmitted(code: string): Promise<EmittedModule> {
  const path = join(dir, `model_${counter++}.ts`);
  writeFileSync(path, code);
  return (await import(
    /* @vite-ignore */ pathToFileURL(path).href
  )) as EmittedModule;
}

/** Deterministic inputs in [-1, 1). */
export function sampleInput(size: number, seed: number): Float32Array {
  const x = new Float32Array(size);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < size; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    x[i] = s / 2 ** 31 - 1;
  }
  return x;
}

/** Deterministic inputs for a model's first input: token ids below the vocabulary of the
 * embeddings reading it for an `int` input, values in [-1, 1) otherwise. */
export function modelInput(graph: Graph, batch: number, seed: number): Float32Array {
  const input = graph.nodes[graph.inputs[0]];
  const size = batch * input.shape.reduce((a, b) => a * b, 1);
  const x = sampleInput(size, seed);
  if (input.attrs.op !== "input" || input.attrs.dtype !== "int") return x;
  const vocab = Math.min(
    ...graph.nodes.flatMap((node) => (node.attrs.op === "embedding" && node.inputs.includes(input.id) ? [node.attrs.vocab] : [])),
  );
  return x.map((v) => Math.floor(((v + 1) / 2) * vocab));
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

/** A model with two inputs and two outputs (labelled). */
export const TWO_WAY = `
model TwoWay {
  input image: [6, 6, 2]
  input extra: [6, 6, 2]
  conv(4, 3x3, pad = 1)
  batchnorm
  relu -> features
  from extra
  conv(4, 1x1) -> side
  add(features)
  globalavgpool
  dense(3) -> scores
  from side
  flatten
  dense(2) -> aux
  output scores, aux
}
`;
