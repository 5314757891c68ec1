// Lowers one netc op to ONNX nodes (opset 17). Spatial ops run channels-first; elementwise,
// softmax, concat, crop and pad run in whichever layout their input already has; the sequence
// ops (lower-sequence.ts) run channels-last.
import type { Activation, OpAttrs, Pad4, ProgramNode } from "../../runtime/ops.ts";
import { float, int, ints, str, type OnnxGraphBuilder } from "./graph-builder.ts";
import { convKernel, convTransposeKernel, depthwiseKernel, type OnnxWeight } from "./keras-weights.ts";
import { fullAxis, fullShape, layoutPermutation, type Layout } from "./layout.ts";
import * as seq from "./lower-sequence.ts";

export interface LoweredValue {
  readonly name: string;
  readonly layout: Layout;
}

/** What lowering needs from the exporter around it. */
export interface LoweringContext {
  readonly b: OnnxGraphBuilder;
  readonly node: ProgramNode;
  /** Input `i` in `layout`, transposed (once, then shared) if needed. */
  input(i: number, layout: Layout): string;
  /** Input `i` in the layout it already has. */
  inputAsIs(i: number): LoweredValue;
  inputShape(i: number): readonly number[];
  /** The node's weight tensor `<node>.<name>`, checked against its ParamSpec. */
  param(name: string): Float32Array;
  fail(message: string): never;
}

/** The node's output; `"same-as-input"` when the op is the identity at inference. */
export type Lowered = LoweredValue | "same-as-input";

const CF: Layout = "channels_first";
const CL: Layout = "channels_last";

/** ONNX pads are [top, left, bottom, right]; netc's Pad4 is [top, bottom, left, right]. */
const onnxPads = ([t, b, l, r]: Pad4): number[] => [t, l, b, r];

/** A 1x1 convolution's attributes (pointwise, and the second half of separable). */
const POINTWISE = { kernel: [1, 1], stride: [1, 1], pad: [0, 0, 0, 0] as const, dilation: [1, 1], group: 1 };

function requireImage(ctx: LoweringContext): void {
  const shape = ctx.inputShape(0);
  if (shape.length !== 3) ctx.fail(`needs an [H, W, C] input, got [${shape.join(", ")}]`);
}

function spatialInput(ctx: LoweringContext): string {
  requireImage(ctx);
  return ctx.input(0, CF);
}

function weight(ctx: LoweringContext, base: string, w: OnnxWeight): string {
  return ctx.b.floatTensor(`${ctx.node.name}.${base}`, w.dims, w.values);
}

function biasInput(ctx: LoweringContext, hasBias: boolean, filters: number): string[] {
  return hasBias ? [ctx.b.floatTensor(`${ctx.node.name}.bias`, [filters], ctx.param("bias"))] : [];
}

function paramShape(ctx: LoweringContext, name: string): readonly number[] {
  const spec = ctx.node.params.find((p) => p.name === name);
  if (spec === undefined) ctx.fail(`has no parameter "${name}"`);
  return spec.shape;
}

function conv(
  ctx: LoweringContext,
  x: string,
  w: string,
  bias: string[],
  a: { kernel: readonly number[]; stride: readonly number[]; pad: Pad4; dilation: readonly number[]; group: number },
  outputBase = ctx.node.name,
): string {
  return ctx.b.add("Conv", [x, w, ...bias], outputBase, [
    ints("kernel_shape", a.kernel),
    ints("strides", a.stride),
    ints("pads", onnxPads(a.pad)),
    ints("dilations", a.dilation),
    int("group", a.group),
  ]);
}

function depthwiseConv(
  ctx: LoweringContext,
  x: string,
  kernelName: string,
  a: { kernel: readonly number[]; stride: readonly number[]; pad: Pad4; dilation: readonly number[] },
  bias: string[],
  outputBase: string,
): string {
  const dims = paramShape(ctx, kernelName);
  const w = weight(ctx, kernelName, depthwiseKernel(ctx.param(kernelName), dims));
  return conv(ctx, x, w, bias, { ...a, group: dims[2] }, outputBase);
}

function activation(ctx: LoweringContext, a: Activation, x: string): string {
  const { b } = ctx;
  const out = ctx.node.name;
  switch (a.op) {
    case "relu":
      return b.add("Relu", [x], out);
    case "relu6":
      return b.add("Clip", [x, b.floatScalar("zero", 0), b.floatScalar("six", 6)], out);
    case "sigmoid":
      return b.add("Sigmoid", [x], out);
    case "tanh":
      return b.add("Tanh", [x], out);
    case "swish":
      return b.add("Mul", [x, b.add("Sigmoid", [x], `${out}/sigmoid`)], out);
    case "hard_swish":
      return b.add("HardSwish", [x], out);
    case "gelu": {
      // Opset 17 has no Gelu: 0.5·x·(1 + erf(x/√2)).
      const erf = b.add("Erf", [b.add("Div", [x, b.floatScalar("sqrt2", Math.SQRT2)], `${out}/scaled`)], `${out}/erf`);
      const onePlus = b.add("Add", [erf, b.floatScalar("one", 1)], `${out}/one_plus`);
      const times = b.add("Mul", [x, onePlus], `${out}/times_x`);
      return b.add("Mul", [times, b.floatScalar("half", 0.5)], out);
    }
    case "softplus":
      return b.add("Softplus", [x], out);
    case "identity":
      return b.add("Identity", [x], out);
    case "leaky_relu":
      return b.add("LeakyRelu", [x], out, [float("alpha", a.alpha)]);
    case "elu":
      return b.add("Elu", [x], out, [float("alpha", a.alpha)]);
    case "exp":
      return b.add("Exp", [x], out);
    case "log":
      return b.add("Log", [x], out);
    case "sqrt":
      return b.add("Sqrt", [x], out);
    case "abs":
      return b.add("Abs", [x], out);
    case "neg":
      return b.add("Neg", [x], out);
    case "selu":
      // PyTorch's constants, written out (ONNX's defaults are the same, rounded to float).
      return b.add("Selu", [x], out, [float("alpha", 1.6732632423543772), float("gamma", 1.0507009873554805)]);
    case "hard_sigmoid":
      // ONNX's default slope is 0.2; PyTorch's hardsigmoid is relu6(x + 3)/6.
      return b.add("HardSigmoid", [x], out, [float("alpha", 1 / 6), float("beta", 0.5)]);
  }
}

/** The merges that broadcast: lower-rank operands get leading unit axes (after the batch), as
 * NHWC broadcasting aligns trailing dims; three or more operands fold left (x − a − b). */
function broadcastMerge(ctx: LoweringContext, opType: "Add" | "Sub" | "Mul" | "Div" | "Max" | "Min"): LoweredValue {
  const { b, node } = ctx;
  const rank = node.shape.length;
  const first = node.inputs.findIndex((_, i) => ctx.inputShape(i).length === rank);
  const layout = ctx.inputAsIs(first).layout;
  const operands = node.inputs.map((_, i) => {
    const r = ctx.inputShape(i).length;
    if (r === rank) return ctx.input(i, layout);
    const axes = Array.from({ length: rank - r }, (_, k) => k + 1);
    const expanded = b.add("Unsqueeze", [ctx.input(i, CL), b.int64s("axes", axes)], `${node.name}/expand${i}`);
    if (layout === CL) return expanded;
    return b.add("Transpose", [expanded], `${node.name}/expand${i}_nchw`, [
      ints("perm", layoutPermutation(rank, layout)),
    ]);
  });
  let acc = operands[0];
  for (let i = 1; i < operands.length; i++) {
    acc = b.add(opType, [acc, operands[i]], i === operands.length - 1 ? node.name : `${node.name}/${i}`);
  }
  return { name: acc, layout };
}

export function lowerNode(ctx: LoweringContext): Lowered {
  const { b, node } = ctx;
  const attrs: OpAttrs = node.attrs;
  const out = node.name;
  switch (attrs.op) {
    case "input":
      return ctx.fail("input nodes are graph inputs, not ops");
    case "conv": {
      const x = spatialInput(ctx);
      const w = weight(ctx, "kernel", convKernel(ctx.param("kernel"), paramShape(ctx, "kernel")));
      return {
        name: conv(ctx, x, w, biasInput(ctx, attrs.bias, attrs.filters), { ...attrs, group: attrs.groups }),
        layout: CF,
      };
    }
    case "pointwise": {
      const x = spatialInput(ctx);
      const w = weight(ctx, "kernel", convKernel(ctx.param("kernel"), paramShape(ctx, "kernel")));
      return { name: conv(ctx, x, w, biasInput(ctx, attrs.bias, attrs.filters), POINTWISE), layout: CF };
    }
    case "depthwise": {
      const x = spatialInput(ctx);
      const channels = ctx.inputShape(0)[2] * attrs.multiplier;
      return { name: depthwiseConv(ctx, x, "kernel", attrs, biasInput(ctx, attrs.bias, channels), out), layout: CF };
    }
    case "separable": {
      const x = spatialInput(ctx);
      const depthwise = depthwiseConv(ctx, x, "depthwise", { ...attrs, dilation: [1, 1] }, [], `${out}/depthwise`);
      const w = weight(ctx, "pointwise", convKernel(ctx.param("pointwise"), paramShape(ctx, "pointwise")));
      return { name: conv(ctx, depthwise, w, biasInput(ctx, attrs.bias, attrs.filters), POINTWISE), layout: CF };
    }
    case "conv_transpose": {
      const x = spatialInput(ctx);
      const w = weight(ctx, "kernel", convTransposeKernel(ctx.param("kernel"), paramShape(ctx, "kernel")));
      const name = b.add("ConvTranspose", [x, w, ...biasInput(ctx, attrs.bias, attrs.filters)], out, [
        ints("kernel_shape", attrs.kernel),
        ints("strides", attrs.stride),
        ints("pads", onnxPads(attrs.pad)),
      ]);
      return { name, layout: CF };
    }
    case "upsample": {
      const x = spatialInput(ctx);
      const scales = b.floatTensor(`${out}/scales`, [4], Float32Array.of(1, 1, attrs.factor, attrs.factor));
      const modeAttrs =
        attrs.mode === "nearest"
          ? [str("mode", "nearest"), str("coordinate_transformation_mode", "asymmetric"), str("nearest_mode", "floor")]
          : [str("mode", "linear"), str("coordinate_transformation_mode", "half_pixel")];
      return { name: b.add("Resize", [x, "", scales], out, modeAttrs), layout: CF };
    }
    case "maxpool":
    case "avgpool": {
      const x = spatialInput(ctx);
      const common = [
        ints("kernel_shape", attrs.kernel),
        ints("strides", attrs.stride),
        ints("pads", onnxPads(attrs.pad)),
      ];
      const name =
        attrs.op === "maxpool"
          ? b.add("MaxPool", [x], out, common)
          : b.add("AveragePool", [x], out, [...common, int("count_include_pad", attrs.includePad ? 1 : 0)]);
      return { name, layout: CF };
    }
    case "globalavgpool":
    case "globalmaxpool": {
      if (ctx.inputShape(0).length === 2) return seq.poolPositions(ctx, attrs);
      const opType = attrs.op === "globalavgpool" ? "GlobalAveragePool" : "GlobalMaxPool";
      if (attrs.keepdims) return { name: b.add(opType, [spatialInput(ctx)], out), layout: CF };
      const pooled = b.add(opType, [spatialInput(ctx)], `${out}/keepdims`);
      return { name: b.add("Flatten", [pooled], out, [int("axis", 1)]), layout: CL };
    }
    case "dense": {
      const shape = ctx.inputShape(0);
      if (shape.length === 2 || attrs.tie !== undefined) return seq.denseOnSequence(ctx, attrs);
      if (shape.length !== 1) ctx.fail(`needs a rank-1 input, got [${shape.join(", ")}]`);
      const kernel = b.floatTensor(`${out}.kernel`, paramShape(ctx, "kernel"), ctx.param("kernel"));
      const name = b.add("Gemm", [ctx.input(0, CL), kernel, ...biasInput(ctx, attrs.bias, attrs.units)], out);
      return { name, layout: CL };
    }
    case "flatten":
      // Channels-last first: netc flattens in H, W, C order.
      return { name: b.add("Flatten", [ctx.input(0, CL)], out, [int("axis", 1)]), layout: CL };
    case "reshape":
      return { name: b.add("Reshape", [ctx.input(0, CL), b.int64s("shape", [0, ...node.shape])], out), layout: CL };
    case "dropout":
      return "same-as-input";
    case "batchnorm": {
      const x = ctx.input(0, CF);
      const stats = ["gamma", "beta", "mean", "var"].map((p) =>
        b.floatTensor(`${out}.${p}`, paramShape(ctx, p), ctx.param(p)),
      );
      return { name: b.add("BatchNormalization", [x, ...stats], out, [float("epsilon", attrs.eps)]), layout: CF };
    }
    case "crop": {
      requireImage(ctx);
      const x = ctx.inputAsIs(0);
      const [h, w] = node.shape;
      const name = b.add(
        "Slice",
        [
          x.name,
          b.int64s("starts", [attrs.top, attrs.left]),
          b.int64s("ends", [attrs.top + h, attrs.left + w]),
          b.int64s("axes", [fullAxis(0, 3, x.layout), fullAxis(1, 3, x.layout)]),
        ],
        out,
      );
      return { name, layout: x.layout };
    }
    case "pad": {
      requireImage(ctx);
      const x = ctx.inputAsIs(0);
      const [top, bottom, left, right] = attrs.pad;
      const begins = [0, 0, 0, 0];
      const ends = [0, 0, 0, 0];
      begins[fullAxis(0, 3, x.layout)] = top;
      ends[fullAxis(0, 3, x.layout)] = bottom;
      begins[fullAxis(1, 3, x.layout)] = left;
      ends[fullAxis(1, 3, x.layout)] = right;
      const mode = attrs.mode === "zero" ? "constant" : "reflect";
      const name = b.add("Pad", [x.name, b.int64s("pads", [...begins, ...ends])], out, [str("mode", mode)]);
      return { name, layout: x.layout };
    }
    case "relu":
    case "relu6":
    case "sigmoid":
    case "tanh":
    case "swish":
    case "hard_swish":
    case "gelu":
    case "softplus":
    case "identity":
    case "leaky_relu":
    case "elu":
    case "exp":
    case "log":
    case "sqrt":
    case "abs":
    case "neg":
    case "selu":
    case "hard_sigmoid": {
      const x = ctx.inputAsIs(0);
      return { name: activation(ctx, attrs, x.name), layout: x.layout };
    }
    case "maxout": {
      // Channels j·k … j·k+k−1 give channel j: split the channel axis into [C/k, k], reduce the k.
      const x = ctx.inputAsIs(0);
      const shape = ctx.inputShape(0);
      const dims = fullShape(0, shape, x.layout);
      const channelAxis = fullAxis(shape.length - 1, shape.length, x.layout);
      const split = [
        ...dims.slice(0, channelAxis),
        dims[channelAxis] / attrs.k,
        attrs.k,
        ...dims.slice(channelAxis + 1),
      ];
      const grouped = b.add("Reshape", [x.name, b.int64s("shape", split)], `${out}/groups`);
      const name = b.add("ReduceMax", [grouped], out, [ints("axes", [channelAxis + 1]), int("keepdims", 0)]);
      return { name, layout: x.layout };
    }
    case "softmax":
    case "log_softmax": {
      const x = ctx.inputAsIs(0);
      const axis = fullAxis(attrs.axis, node.shape.length, x.layout);
      const opType = attrs.op === "softmax" ? "Softmax" : "LogSoftmax";
      return { name: b.add(opType, [x.name], out, [int("axis", axis)]), layout: x.layout };
    }
    case "add":
      return broadcastMerge(ctx, "Add");
    case "sub":
      return broadcastMerge(ctx, "Sub");
    case "mul":
      return broadcastMerge(ctx, "Mul");
    case "div":
      return broadcastMerge(ctx, "Div");
    case "maximum":
      return broadcastMerge(ctx, "Max");
    case "minimum":
      return broadcastMerge(ctx, "Min");
    case "concat": {
      const layout = ctx.inputAsIs(0).layout;
      const inputs = node.inputs.map((_, i) => ctx.input(i, layout));
      const axis = fullAxis(attrs.axis, node.shape.length, layout);
      return { name: b.add("Concat", inputs, out, [int("axis", axis)]), layout };
    }
    case "clip": {
      const x = ctx.inputAsIs(0);
      const bounds = [b.floatScalar(`${out}/min`, attrs.min), b.floatScalar(`${out}/max`, attrs.max)];
      return { name: b.add("Clip", [x.name, ...bounds], out), layout: x.layout };
    }
    case "prelu": {
      // The slope per channel broadcasts against the channel axis of either layout.
      const x = ctx.inputAsIs(0);
      const rank = node.shape.length;
      const c = node.shape[rank - 1];
      const dims = x.layout === CF && rank > 1 ? [c, ...Array<number>(rank - 1).fill(1)] : [c];
      const slope = b.floatTensor(`${out}.alpha`, dims, ctx.param("alpha"));
      return { name: b.add("PRelu", [x.name, slope], out), layout: x.layout };
    }
    case "transpose": {
      const perm = [0, ...attrs.perm.map((axis) => axis + 1)];
      return { name: b.add("Transpose", [ctx.input(0, CL)], out, [ints("perm", perm)]), layout: CL };
    }
    case "embedding":
      return seq.embedding(ctx, attrs);
    case "positional":
      return seq.positional(ctx, attrs);
    case "class_token":
      return seq.classToken(ctx);
    case "layernorm":
      return seq.layernorm(ctx, attrs);
    case "rmsnorm":
      return seq.rmsnorm(ctx, attrs);
    case "attention":
      return seq.attention(ctx, attrs);
    case "take":
      return seq.take(ctx, attrs);
    case "lstm":
    case "gru":
      return seq.recurrent(ctx, attrs);
    case "groupnorm":
      return seq.groupnorm(ctx, attrs);
    case "instancenorm":
      return seq.instancenorm(ctx, attrs);
  }
}
