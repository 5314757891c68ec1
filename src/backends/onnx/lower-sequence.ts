// Lowers the sequence ops of spec section 11 to opset-17 ONNX. Sequences [T, C] stay
// channels-last ([N, T, C]); token ids are int64. Attention is decomposed into MatMul,
// Reshape/Transpose per head, Softmax and MatMul (opset 17 has no attention op); LSTM and GRU
// use ONNX's own ops with the gates reordered from Keras's layout.
import type { AttrsOf } from "../../runtime/ops.ts";
import { sinusoidalRows } from "../../runtime/reference/embedding.ts";
import { float, int, int64Scalar, ints } from "./graph-builder.ts";
import { fullShape } from "./layout.ts";
import type { LoweredValue, LoweringContext } from "./lower-node.ts";

const CL = "channels_last" as const;
const CF = "channels_first" as const;

export function embedding(ctx: LoweringContext, a: AttrsOf<"embedding">): LoweredValue {
  const { b, node } = ctx;
  const table = b.floatTensor(`${node.name}.embeddings`, [a.vocab, a.dim], ctx.param("embeddings"));
  return { name: b.add("Gather", [table, ctx.input(0, CL)], node.name, [int("axis", 0)]), layout: CL };
}

/** Adds rows 0…T−1: a Slice of the learned table (exported whole), or the sinusoids' T rows. */
export function positional(ctx: LoweringContext, a: AttrsOf<"positional">): LoweredValue {
  const { b, node } = ctx;
  const [t, c] = node.shape;
  let rows: string;
  if (a.mode === "learned") {
    const table = b.floatTensor(`${node.name}.embeddings`, [a.length, c], ctx.param("embeddings"));
    rows = b.add("Slice", [table, b.int64s("starts", [0]), b.int64s("ends", [t]), b.int64s("axes", [0])], `${node.name}/rows`);
  } else {
    const values = new Float32Array(t * c);
    sinusoidalRows(0, t, c, values);
    rows = b.floatTensor(`${node.name}/sinusoids`, [t, c], values);
  }
  return { name: b.add("Add", [ctx.input(0, CL), rows], node.name), layout: CL };
}

/** The token [C] expanded to [N, 1, C] (N from the input's shape), then prepended. */
export function classToken(ctx: LoweringContext): LoweredValue {
  const { b, node } = ctx;
  const c = node.shape[1];
  const x = ctx.input(0, CL);
  const token = b.floatTensor(`${node.name}.token`, [1, 1, c], ctx.param("token"));
  const shape = b.add("Shape", [x], `${node.name}/shape`);
  const batch = b.add("Slice", [shape, b.int64s("starts", [0]), b.int64s("ends", [1])], `${node.name}/batch`);
  const target = b.add("Concat", [batch, b.int64s("row_shape", [1, c])], `${node.name}/row_shape`, [int("axis", 0)]);
  const row = b.add("Expand", [token, target], `${node.name}/row`);
  return { name: b.add("Concat", [row, x], node.name, [int("axis", 1)]), layout: CL };
}

export function layernorm(ctx: LoweringContext, a: AttrsOf<"layernorm">): LoweredValue {
  const { b, node } = ctx;
  const c = node.shape[node.shape.length - 1];
  const gamma = b.floatTensor(`${node.name}.gamma`, [c], ctx.param("gamma"));
  const beta = b.floatTensor(`${node.name}.beta`, [c], ctx.param("beta"));
  const name = b.add("LayerNormalization", [ctx.input(0, CL), gamma, beta], node.name, [
    int("axis", -1),
    float("epsilon", a.eps),
  ]);
  return { name, layout: CL };
}

/** x / √(mean(x²) + eps) · gamma over the last axis (opset 17 has no RMSNormalization). */
export function rmsnorm(ctx: LoweringContext, a: AttrsOf<"rmsnorm">): LoweredValue {
  const { b, node } = ctx;
  const out = node.name;
  const x = ctx.input(0, CL);
  const c = node.shape[node.shape.length - 1];
  const square = b.add("Mul", [x, x], `${out}/square`);
  const mean = b.add("ReduceMean", [square], `${out}/mean_square`, [ints("axes", [-1]), int("keepdims", 1)]);
  const rms = b.add("Sqrt", [b.add("Add", [mean, b.floatScalar(`${out}/eps`, a.eps)], `${out}/plus_eps`)], `${out}/rms`);
  const normalized = b.add("Div", [x, rms], `${out}/normalized`);
  const gamma = b.floatTensor(`${out}.gamma`, [c], ctx.param("gamma"));
  return { name: b.add("Mul", [normalized, gamma], out), layout: CL };
}

/** x·W (+ b) for a [N, L, C_in] value and a [C_in, C_out] kernel parameter. */
function projection(ctx: LoweringContext, x: string, kernel: string, bias: string | undefined, outputBase: string): string {
  const { b, node } = ctx;
  const spec = node.params.find((p) => p.name === kernel)!;
  const w = b.floatTensor(`${node.name}.${kernel}`, spec.shape, ctx.param(kernel));
  if (bias === undefined) return b.add("MatMul", [x, w], outputBase);
  const product = b.add("MatMul", [x, w], `${outputBase}/matmul`);
  const biasValue = b.floatTensor(`${node.name}.${bias}`, [spec.shape[1]], ctx.param(bias));
  return b.add("Add", [product, biasValue], outputBase);
}

/**
 * Q, K, V projections; heads split as [N, L, heads, d] → [N, heads, L, d] (K as [N, heads, d, S]);
 * softmax(Q·Kᵀ/√d + mask)·V; heads joined back to [N, T, C]; the output projection.
 */
export function attention(ctx: LoweringContext, a: AttrsOf<"attention">): LoweredValue {
  const { b, node } = ctx;
  const out = node.name;
  const [t, c] = node.shape;
  const d = c / a.heads;
  const x = ctx.input(0, CL);
  const context = a.context ? ctx.input(1, CL) : x;
  const s = a.context ? ctx.inputShape(1)[0] : t;
  const bias = (name: string) => (a.bias ? `${name}_bias` : undefined);
  const heads = (value: string, length: number, perm: number[], base: string) => {
    const split = b.add("Reshape", [value, b.int64s("heads_shape", [0, length, a.heads, d])], `${base}/split`);
    return b.add("Transpose", [split], `${base}/heads`, [ints("perm", perm)]);
  };
  const q = heads(projection(ctx, x, "query_kernel", bias("query"), `${out}/query`), t, [0, 2, 1, 3], `${out}/query`);
  const k = heads(projection(ctx, context, "key_kernel", bias("key"), `${out}/key`), s, [0, 2, 3, 1], `${out}/key`);
  const v = heads(projection(ctx, context, "value_kernel", bias("value"), `${out}/value`), s, [0, 2, 1, 3], `${out}/value`);
  const products = b.add("MatMul", [q, k], `${out}/scores`);
  let scores = b.add("Mul", [products, b.floatScalar(`${out}/scale`, 1 / Math.sqrt(d))], `${out}/scaled`);
  if (a.causal) {
    // −∞ above the diagonal; every row keeps its own position, so no row is all −∞.
    const mask = new Float32Array(t * s);
    for (let i = 0; i < t; i++) for (let j = i + 1; j < s; j++) mask[i * s + j] = -Infinity;
    scores = b.add("Add", [scores, b.floatTensor(`${out}/causal_mask`, [t, s], mask)], `${out}/masked`);
  }
  const weights = b.add("Softmax", [scores], `${out}/weights`, [int("axis", -1)]);
  const mixed = b.add("MatMul", [weights, v], `${out}/mixed`);
  const joined = b.add("Transpose", [mixed], `${out}/mixed_positions`, [ints("perm", [0, 2, 1, 3])]);
  const merged = b.add("Reshape", [joined, b.int64s("sequence_shape", [0, t, c])], `${out}/merged`);
  return { name: projection(ctx, merged, "output_kernel", bias("output"), out), layout: CL };
}

/** Dense on the last axis; with `tie`, the embedding's [units, C] table transposed. */
export function denseOnSequence(ctx: LoweringContext, a: AttrsOf<"dense">): LoweredValue {
  const { b, node } = ctx;
  const out = node.name;
  const x = ctx.input(0, CL);
  const kernel = a.tie === undefined ? undefined : tiedKernel(ctx, a.tie);
  const rank = ctx.inputShape(0).length;
  const biasValue = a.bias ? b.floatTensor(`${out}.bias`, [a.units], ctx.param("bias")) : undefined;
  if (rank === 1 && kernel !== undefined) {
    // Gemm reads the [units, C] table as Bᵀ without a copy.
    return { name: b.add("Gemm", [x, kernel, ...(biasValue ? [biasValue] : [])], out, [int("transB", 1)]), layout: CL };
  }
  const w =
    kernel === undefined
      ? b.floatTensor(`${out}.kernel`, [ctx.inputShape(0)[rank - 1], a.units], ctx.param("kernel"))
      : b.add("Transpose", [kernel], `${out}/tied_kernel`, [ints("perm", [1, 0])]);
  if (biasValue === undefined) return { name: b.add("MatMul", [x, w], out), layout: CL };
  const product = b.add("MatMul", [x, w], `${out}/matmul`);
  return { name: b.add("Add", [product, biasValue], out), layout: CL };
}

function tiedKernel(ctx: LoweringContext, tie: string): string {
  const table = ctx.b.floatTensorOf(`${tie}.embeddings`);
  if (table === undefined) ctx.fail(`is tied to "${tie}", which is not an embedding exported before it`);
  return table;
}

/** Row `index` of the positions: a scalar Gather index drops the axis. */
export function take(ctx: LoweringContext, a: AttrsOf<"take">): LoweredValue {
  const { b, node } = ctx;
  const index = int64Scalar(b, `${node.name}/index`, a.index);
  return { name: b.add("Gather", [ctx.input(0, CL), index], node.name, [int("axis", 1)]), layout: CL };
}

/** globalavgpool / globalmaxpool over the positions of a sequence. */
export function poolPositions(ctx: LoweringContext, a: AttrsOf<"globalavgpool" | "globalmaxpool">): LoweredValue {
  const opType = a.op === "globalavgpool" ? "ReduceMean" : "ReduceMax";
  const name = ctx.b.add(opType, [ctx.input(0, CL)], ctx.node.name, [ints("axes", [1]), int("keepdims", a.keepdims ? 1 : 0)]);
  return { name, layout: CL };
}

/** Keras `[rows, gates·u]` (gate blocks of columns) → ONNX `[1, gates·u, rows]` in `order`. */
function gateMajor(values: Float32Array, rows: number, units: number, order: readonly number[]): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(rows * width);
  order.forEach((gate, slot) => {
    for (let j = 0; j < units; j++) {
      for (let r = 0; r < rows; r++) out[(slot * units + j) * rows + r] = values[r * width + gate * units + j];
    }
  });
  return out;
}

/** Keras LSTM gates are i, f, c, o; ONNX wants i, o, f, c. GRU is z, r, h in both. */
const ONNX_GATE_ORDER = { lstm: [0, 3, 1, 2], gru: [0, 1, 2] } as const;

/**
 * ONNX LSTM / GRU over [T, N, C] (time-major). The LSTM's one bias goes in Wb with Rb = 0;
 * the GRU's two bias rows are Wb and Rb with linear_before_reset (PyTorch's and Keras's
 * reset_after). Output: Y [T, 1, N, u] → [N, T, u], or Y_h [1, N, u] → [N, u].
 */
export function recurrent(ctx: LoweringContext, a: AttrsOf<"lstm" | "gru">): LoweredValue {
  const { b, node } = ctx;
  const out = node.name;
  const u = a.units;
  const c = ctx.inputShape(0)[1];
  const order = ONNX_GATE_ORDER[a.op];
  const width = order.length * u;
  const w = b.floatTensor(`${out}.kernel`, [1, width, c], gateMajor(ctx.param("kernel"), c, u, order));
  const r = b.floatTensor(`${out}.recurrent_kernel`, [1, width, u], gateMajor(ctx.param("recurrent_kernel"), u, u, order));
  const bias = new Float32Array(2 * width);
  const given = ctx.param("bias");
  const rows = a.op === "lstm" ? 1 : 2;
  for (let row = 0; row < rows; row++) bias.set(gateMajor(given.subarray(row * width, (row + 1) * width), 1, u, order), row * width);
  const biasValue = b.floatTensor(`${out}.bias`, [1, 2 * width], bias);
  const timeMajor = b.add("Transpose", [ctx.input(0, CL)], `${out}/time_major`, [ints("perm", [1, 0, 2])]);
  const attributes = [int("hidden_size", u), ...(a.op === "gru" ? [int("linear_before_reset", 1)] : [])];
  const opType = a.op === "lstm" ? "LSTM" : "GRU";
  const inputs = [timeMajor, w, r, biasValue];
  if (a.returnSequences) {
    const [y] = b.addOutputs(opType, inputs, [`${out}/steps`], attributes);
    const squeezed = b.add("Squeeze", [y, b.int64s("axes", [1])], `${out}/steps_squeezed`);
    return { name: b.add("Transpose", [squeezed], out, [ints("perm", [1, 0, 2])]), layout: CL };
  }
  const [, last] = b.addOutputs(opType, inputs, [null, `${out}/last`], attributes);
  return { name: b.add("Squeeze", [last, b.int64s("axes", [0])], out), layout: CL };
}

/** nn.GroupNorm: InstanceNormalization over [N, groups, rest] (unit scale, zero shift), then
 * the per-channel gamma and beta. Channels-first, so rest is the group's channels × positions. */
export function groupnorm(ctx: LoweringContext, a: AttrsOf<"groupnorm">): LoweredValue {
  const { b, node } = ctx;
  const out = node.name;
  const shape = node.shape;
  const c = shape[shape.length - 1];
  const x = ctx.input(0, CF);
  const grouped = b.add("Reshape", [x, b.int64s("groups_shape", [0, a.groups, -1])], `${out}/grouped`);
  const ones = b.floatTensor(`${out}/unit_scale`, [a.groups], new Float32Array(a.groups).fill(1));
  const zeros = b.floatTensor(`${out}/zero_shift`, [a.groups], new Float32Array(a.groups));
  const normalized = b.add("InstanceNormalization", [grouped, ones, zeros], `${out}/normalized`, [float("epsilon", a.eps)]);
  const back = b.add("Reshape", [normalized, b.int64s("shape", fullShape(0, shape, CF))], `${out}/channels`);
  const perChannel = [c, ...shape.slice(1).map(() => 1)];
  const gamma = b.floatTensor(`${out}.gamma`, perChannel, ctx.param("gamma"));
  const beta = b.floatTensor(`${out}.beta`, perChannel, ctx.param("beta"));
  return { name: b.add("Add", [b.add("Mul", [back, gamma], `${out}/scaled`), beta], out), layout: CF };
}

export function instancenorm(ctx: LoweringContext, a: AttrsOf<"instancenorm">): LoweredValue {
  const { b, node } = ctx;
  const c = node.shape[node.shape.length - 1];
  const gamma = b.floatTensor(`${node.name}.gamma`, [c], ctx.param("gamma"));
  const beta = b.floatTensor(`${node.name}.beta`, [c], ctx.param("beta"));
  const name = b.add("InstanceNormalization", [ctx.input(0, CF), gamma, beta], node.name, [float("epsilon", a.eps)]);
  return { name, layout: CF };
}
