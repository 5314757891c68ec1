// Incremental decoding for sampling from a causal sequence model (`[T] int` → `[T, V]`): one
// token in, that position's output row out. Causal attention keeps every earlier position's
// keys and values (a key/value cache), so position t costs t + 1 attention rows and generating
// n tokens O(n) rows per step, not a whole forward of T positions. Every other op of such a
// model works position by position, and runs its reference kernel on a one-row sequence; the
// result equals row t of the full forward.
import type { ForwardCall, Kernel, KernelTable, Shape } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";
import type { Gemm } from "../gemm.ts";
import { jsGemm } from "../gemm.ts";
import { referenceKernels } from "../reference/registry.ts";
import { softmaxRows } from "../reference/attention.ts";
import { sinusoidalRows, TokenRangeError } from "../reference/embedding.ts";
import type { OpAttrs, OpName, Program, ProgramNode } from "../ops.ts";
import { paramKey } from "./plan.ts";
import { Rng } from "../rng.ts";

export interface Decoder {
  /** Positions the model was built for (T of its `[T] int` input): the most `step` may take
   * before `reset`. */
  readonly length: number;
  /** Tokens taken since the last reset. */
  readonly position: number;
  /** Feeds the token at the next position; returns that position's output row (e.g. [V]
   * logits), valid until the next step. */
  step(token: number): Float32Array;
  /** Forgets every position (the cache), to start a new sequence. */
  reset(): void;
}

/** Ops that act on each position on its own (with per-position shapes [1, …]). */
const POSITIONWISE: ReadonlySet<OpName> = new Set<OpName>([
  "embedding",
  "layernorm",
  "rmsnorm",
  "dense",
  "dropout",
  "add",
  "mul",
  "sub",
  "div",
  "maximum",
  "minimum",
  "clip",
  "prelu",
  "relu",
  "relu6",
  "sigmoid",
  "tanh",
  "swish",
  "hard_swish",
  "gelu",
  "softplus",
  "identity",
  "leaky_relu",
  "elu",
  "exp",
  "log",
  "sqrt",
  "abs",
  "neg",
  "selu",
  "hard_sigmoid",
]);

/** Why the program cannot be decoded one position at a time, or null. */
export function decoderRefusal(program: Program): string | null {
  const { nodes } = program;
  if (program.inputs.length !== 1 || program.outputs.length !== 1) {
    return `a decoder needs one input and one output; the model has ${program.inputs.length} and ${program.outputs.length}`;
  }
  const input = nodes[program.inputs[0]];
  if (input.attrs.op !== "input" || input.attrs.dtype !== "int" || input.shape.length !== 1) {
    return `a decoder needs a token input [T] int; "${input.name}" is [${input.shape.join(", ")}]${input.attrs.op === "input" && input.attrs.dtype === "int" ? " int" : ""}`;
  }
  const output = nodes[program.outputs[0]];
  if (output.shape.length !== 2 || output.shape[0] !== input.shape[0]) {
    return `a decoder needs an output with one row per position [${input.shape[0]}, V]; "${output.name}" is [${output.shape.join(", ")}]`;
  }
  const length = input.shape[0];
  for (const node of nodes) {
    const op = node.attrs.op;
    // Every tensor after the tokens is a sequence of the same T positions, decoded row by row.
    if (op !== "input" && (node.shape.length < 2 || node.shape[0] !== length)) {
      return `${node.name} (${op}) is [${node.shape.join(", ")}], not one row per position [${length}, …]`;
    }
    if (op === "input" || op === "positional" || POSITIONWISE.has(op)) continue;
    if (op === "softmax" || op === "log_softmax") {
      if (node.attrs.axis === node.shape.length - 1) continue;
      return `${node.name} (${op}) mixes positions (axis ${node.attrs.axis})`;
    }
    if (op === "attention") {
      if (node.attrs.causal && !node.attrs.context) continue;
      return `${node.name} (attention) must be causal self-attention to decode one position at a time`;
    }
    return `${node.name} (${op}) mixes positions, so the model cannot be decoded one position at a time`;
  }
  return null;
}

/** One node's state while decoding. */
interface Step {
  readonly node: ProgramNode;
  readonly out: Float32Array;
  readonly run: (position: number) => void;
}

export function createDecoder(
  program: Program,
  params: ReadonlyMap<string, Float32Array>,
  options: { readonly gemm?: Gemm; readonly kernels?: Partial<KernelTable> } = {},
): Decoder {
  const refusal = decoderRefusal(program);
  if (refusal) throw new Error(`createDecoder: ${refusal}`);
  const gemm = options.gemm ?? jsGemm;
  const table: KernelTable = { ...referenceKernels, ...options.kernels };
  const { nodes } = program;
  const length = nodes[program.inputs[0]].shape[0];
  /** Per-position shapes: the leading T becomes 1 (the token input [T] → [1]). */
  const rowShape = (shape: Shape): Shape => [1, ...shape.slice(1)];
  const outs = nodes.map((node) => new Float32Array(sizeOf(rowShape(node.shape))));
  const scratchFloats = Math.max(
    0,
    ...nodes.map((node) => {
      const kernel = table[node.attrs.op] as Kernel<OpName>;
      const inShapes = node.inputs.map((id) => rowShape(nodes[id].shape));
      return (
        kernel.scratchSize?.({
          attrs: node.attrs,
          inShapes,
          outShape: rowShape(node.shape),
          maxBatch: 1,
          training: false,
        }) ?? 0
      );
    }),
  );
  const scratch = new Float32Array(scratchFloats);
  const rng = new Rng(0);
  const paramsOf = (node: ProgramNode, kernel: Kernel<OpName>, inShapes: readonly Shape[]) =>
    kernel.params(node.attrs, inShapes).map((spec) => {
      const key = paramKey(node, spec);
      const values = params.get(key);
      if (!values || values.length !== sizeOf(spec.shape)) {
        throw new Error(
          `createDecoder: "${key}" must hold ${sizeOf(spec.shape)} floats, got ${values?.length ?? "none"}`,
        );
      }
      return values;
    });

  const steps: Step[] = nodes.map((node, i) => {
    const out = outs[i];
    const attrs = node.attrs;
    const inShapes = node.inputs.map((id) => rowShape(nodes[id].shape));
    const inputs = node.inputs.map((id) => outs[id]);
    const kernel = table[attrs.op] as Kernel<OpName>;
    const nodeParams =
      attrs.op === "input"
        ? []
        : paramsOf(
            node,
            kernel,
            node.inputs.map((id) => nodes[id].shape),
          );
    if (attrs.op === "input") return { node, out, run: () => {} };
    if (attrs.op === "positional") return { node, out, run: positionalStep(attrs, inputs[0], nodeParams[0], out) };
    if (attrs.op === "attention") {
      return { node, out, run: attentionStep(attrs, node.shape[1], length, inputs[0], nodeParams, out, gemm) };
    }
    const call: ForwardCall<OpName> = {
      attrs,
      batch: 1,
      inShapes,
      outShape: rowShape(node.shape),
      inputs,
      output: out,
      params: nodeParams,
      saved: new Float32Array(0),
      scratch,
      training: false,
      rng,
      gemm,
      activation: null,
    };
    return { node, out, run: () => kernel.forward(call) };
  });

  const embeddingName = nodes.find((node) => node.attrs.op === "embedding")?.name;
  let position = 0;
  const inputOut = outs[program.inputs[0]];
  const outputOut = outs[program.outputs[0]];
  return {
    length,
    get position() {
      return position;
    },
    step(token: number): Float32Array {
      if (position >= length) {
        throw new Error(`decoder: the model takes ${length} positions; reset() to start a new sequence`);
      }
      inputOut[0] = token;
      try {
        for (const s of steps) s.run(position);
      } catch (error) {
        if (!(error instanceof TokenRangeError)) throw error;
        throw new TokenRangeError(0, position, error.id, error.vocab, embeddingName);
      }
      position++;
      return outputOut;
    },
    reset() {
      position = 0;
    },
  };
}

function positionalStep(
  attrs: Extract<OpAttrs, { op: "positional" }>,
  x: Float32Array,
  table: Float32Array | undefined,
  out: Float32Array,
): (position: number) => void {
  const c = out.length;
  const row = new Float32Array(c);
  return (position) => {
    if (attrs.mode === "learned") row.set(table!.subarray(position * c, (position + 1) * c));
    else sinusoidalRows(position, 1, c, row);
    for (let j = 0; j < c; j++) out[j] = x[j] + row[j];
  };
}

/** Causal self-attention for the newest position, with the keys and values of all earlier
 * ones cached: the same numbers as the attention kernel's row t. */
function attentionStep(
  attrs: Extract<OpAttrs, { op: "attention" }>,
  c: number,
  length: number,
  x: Float32Array,
  params: readonly Float32Array[],
  out: Float32Array,
  gemm: Gemm,
): (position: number) => void {
  const [wq, wk, wv, wo, bq, bk, bv, bo] = params;
  const keys = new Float32Array(length * c);
  const values = new Float32Array(length * c);
  const q = new Float32Array(c);
  const a = new Float32Array(c);
  const weights = new Float32Array(length);
  const d = c / attrs.heads;
  const scale = 1 / Math.sqrt(d);
  const project = (w: Float32Array, b: Float32Array | undefined, y: Float32Array, at: number) =>
    gemm.gemm(false, false, 1, c, c, x, 0, c, w, 0, c, y, at, c, false, b ? { bias: b } : undefined);
  return (position) => {
    project(wq, bq, q, 0);
    project(wk, bk, keys, position * c);
    project(wv, bv, values, position * c);
    const visible = position + 1;
    for (let h = 0; h < attrs.heads; h++) {
      const h0 = h * d;
      for (let j = 0; j < visible; j++) {
        let dot = 0;
        for (let k = 0; k < d; k++) dot += q[h0 + k] * keys[j * c + h0 + k];
        weights[j] = dot;
      }
      softmaxRows(weights, 0, 1, visible, scale, false, 0);
      for (let k = 0; k < d; k++) a[h0 + k] = 0;
      for (let j = 0; j < visible; j++) {
        const p = weights[j];
        for (let k = 0; k < d; k++) a[h0 + k] += p * values[j * c + h0 + k];
      }
    }
    gemm.gemm(false, false, 1, c, c, a, 0, c, wo, 0, c, out, 0, c, false, bo ? { bias: bo } : undefined);
  };
}
