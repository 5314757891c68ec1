// What an op's PyTorch translation is made of (OpCode), what it is given (EmitContext), and the
// helpers every op table shares: weight bindings and the NHWC ↔ stored axis mapping. Tensors of
// rank 3 ([H, W, C] per sample) are stored channels-first (NCHW) inside the module, everything
// else channels-last as in netc.
import type { OpAttrs, OpName, ProgramNode } from "../../runtime/ops.ts";
import type { PyHelper } from "./python-helpers.ts";

/**
 * How a netc (Keras-layout) tensor maps onto the PyTorch parameters it fills (spec sections 9
 * and 11). `vector` and `table` are the same in both; `gru_bias` fills two entries.
 */
export type WeightLayout =
  | "conv"
  | "depthwise"
  | "conv_transpose"
  | "dense"
  | "gru_kernel"
  | "gru_bias"
  | "vector"
  | "table";

export interface TensorBinding {
  /** netc's key, `<layer>.<tensor>`. */
  readonly key: string;
  /** The module's state_dict entry, `conv_0.weight`, or the entries it is split into. */
  readonly state: string | readonly string[];
  readonly layout: WeightLayout;
  /** The Keras-layout shape in the weights file. */
  readonly shape: readonly number[];
}

export interface OpCode {
  /** Submodules built in the constructor: attribute name → constructor expression. */
  readonly modules?: readonly (readonly [string, string])[];
  /** More constructor lines, after the submodules (buffers, frozen parameters). */
  readonly setup?: readonly string[];
  /** Top-level Python definitions the code uses. */
  readonly helpers?: readonly PyHelper[];
  readonly tensors?: readonly TensorBinding[];
  /** The Python expression computing the node's value from its inputs' variables. */
  readonly value: string;
}

export interface EmitContext {
  readonly node: ProgramNode;
  /** The Python variable holding input `i`. */
  input(i: number): string;
  inputShape(i: number): readonly number[];
  fail(message: string): never;
}

/** Method syntax, so that one emitter can serve several ops (its attrs a union of theirs). */
export type Emitter<K extends OpName> = { emit(attrs: Extract<OpAttrs, { op: K }>, ctx: EmitContext): OpCode }["emit"];

/** Where per-sample axis `axis` of a rank-`rank` tensor sits in the stored (batched) tensor. */
export function storageAxis(axis: number, rank: number): number {
  if (rank !== 3) return axis + 1;
  return axis === 2 ? 1 : axis + 2;
}

function paramShape(ctx: EmitContext, name: string): readonly number[] {
  const spec = ctx.node.params.find((p) => p.name === name);
  if (spec === undefined) return ctx.fail(`has no parameter "${name}"`);
  return spec.shape;
}

export function binding(
  ctx: EmitContext,
  tensor: string,
  state: string | readonly string[],
  layout: WeightLayout,
): TensorBinding {
  return { key: `${ctx.node.name}.${tensor}`, state, layout, shape: paramShape(ctx, tensor) };
}

/** The per-sample NHWC value of input `i` (a view; rank-3 tensors are stored NCHW). */
export function channelsLast(ctx: EmitContext, i = 0): string {
  return ctx.inputShape(i).length === 3 ? `${ctx.input(i)}.permute(0, 2, 3, 1)` : ctx.input(i);
}

/**
 * `apply` (a function of a channels-last expression) on input 0, the result stored as the
 * node's. `compound`: the expression has operators, so it is bracketed before `.permute`.
 */
export function onChannelsLast(ctx: EmitContext, apply: (x: string) => string, compound = false): string {
  if (ctx.inputShape(0).length !== 3) return apply(ctx.input(0));
  const value = apply(channelsLast(ctx));
  return `${compound ? `(${value})` : value}.permute(0, 3, 1, 2)`;
}

/**
 * `apply` (a function of an expression with channels on axis 1, as torch's norms and PReLU
 * want) on input 0: images are stored so already; a [T, C] sequence is transposed there and back.
 */
export function onChannelAxis(ctx: EmitContext, apply: (x: string) => string): string {
  if (ctx.inputShape(0).length !== 2) return apply(ctx.input(0));
  return `${apply(`${ctx.input(0)}.transpose(1, 2)`)}.transpose(1, 2)`;
}
