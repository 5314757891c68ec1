// One table entry per netc op: the PyTorch submodules it needs, which netc weight tensors fill
// them (and in which layout), and the forward expression. Tensors of rank 3 ([H, W, C] per
// sample) are kept channels-first (NCHW) inside the module, everything else channels-last as
// in netc; `storageAxis` maps a per-sample NHWC axis to the stored tensor's axis. The sequence
// ops of spec section 11 are in sequence-ops.ts.
import type { Activation, OpAttrs, OpName, Pad4 } from "../../runtime/ops.ts";
import {
  binding,
  channelsLast,
  onChannelAxis,
  storageAxis,
  type EmitContext,
  type OpCode,
} from "./op-code.ts";
import { pyCall, pyFloat, pyTuple } from "./python-source.ts";
import { denseOp, SEQUENCE_EMITTERS } from "./sequence-ops.ts";

export type { OpCode, TensorBinding, WeightLayout } from "./op-code.ts";

/**
 * Method syntax, so that one emitter can serve several ops (its attrs a union of theirs).
 * Declared here, not imported from op-code.ts: tsc checks an imported alias's parameters
 * strictly, and the shared emitters (pool, activations) would no longer fit their entries.
 */
type Emitter<K extends OpName> = { emit(attrs: Extract<OpAttrs, { op: K }>, ctx: EmitContext): OpCode }["emit"];

/** F.pad's order is (left, right, top, bottom); netc's Pad4 is [top, bottom, left, right]. */
const torchPad = ([t, b, l, r]: Pad4): string => pyTuple([l, r, t, b]);

const noPad = (pad: Pad4): boolean => pad.every((p) => p === 0);

/** `(top, left)` when the padding is the same on both sides of each axis, which torch layers take. */
function symmetricPad([t, b, l, r]: Pad4): [number, number] | undefined {
  return t === b && l === r ? [t, l] : undefined;
}

const pair = (v: readonly number[]): string => pyTuple(v);
const unlessOnes = (v: readonly number[]): string | undefined => (v.every((d) => d === 1) ? undefined : pair(v));

function requireImage(ctx: EmitContext): number[] {
  const shape = ctx.inputShape(0);
  if (shape.length !== 3) ctx.fail(`needs an [H, W, C] input, got [${shape.join(", ")}]`);
  return [...shape];
}

/** A Conv2d with netc's padding: torch's own when symmetric, an explicit F.pad before it otherwise. */
function conv2d(
  ctx: EmitContext,
  attr: string,
  x: string,
  a: {
    cin: number;
    cout: number;
    kernel: readonly number[];
    stride?: readonly number[];
    pad?: Pad4;
    dilation?: readonly number[];
    groups?: number;
    bias: boolean;
  },
): { module: readonly [string, string]; value: string } {
  const pad = a.pad ?? [0, 0, 0, 0];
  const sym = symmetricPad(pad);
  const module = pyCall("nn.Conv2d", [String(a.cin), String(a.cout), pair(a.kernel)], {
    stride: a.stride && unlessOnes(a.stride),
    padding: sym && !noPad(pad) ? pair(sym) : undefined,
    dilation: a.dilation && unlessOnes(a.dilation),
    groups: a.groups !== undefined && a.groups !== 1 ? String(a.groups) : undefined,
    bias: a.bias ? undefined : "False",
  });
  const input = sym ? x : `F.pad(${x}, ${torchPad(pad)})`;
  return { module: [attr, module], value: `self.${attr}(${input})` };
}

function activation(a: Activation, x: string): string {
  switch (a.op) {
    case "relu":
      return `F.relu(${x})`;
    case "relu6":
      return `F.relu6(${x})`;
    case "sigmoid":
      return `torch.sigmoid(${x})`;
    case "tanh":
      return `torch.tanh(${x})`;
    case "swish":
      return `F.silu(${x})`;
    case "hard_swish":
      return `F.hardswish(${x})`;
    case "gelu":
      return `F.gelu(${x})`;
    case "softplus":
      return `F.softplus(${x})`;
    case "identity":
      return x;
    case "leaky_relu":
      return `F.leaky_relu(${x}, ${pyFloat(a.alpha)})`;
    case "elu":
      return `F.elu(${x}, ${pyFloat(a.alpha)})`;
    case "exp":
      return `torch.exp(${x})`;
    case "log":
      return `torch.log(${x})`;
    case "sqrt":
      return `torch.sqrt(${x})`;
    case "abs":
      return `torch.abs(${x})`;
    case "neg":
      return `torch.neg(${x})`;
    case "selu":
      return `F.selu(${x})`;
    case "hard_sigmoid":
      return `F.hardsigmoid(${x})`;
  }
}

const activationEntry: Emitter<Activation["op"]> = (a, ctx) => ({ value: activation(a, ctx.input(0)) });

/**
 * add/mul broadcast per NHWC rules (trailing axes aligned). An operand of lower rank is given
 * leading unit axes in NHWC, then moved to the stored layout of the result.
 */
function broadcastOperand(ctx: EmitContext, i: number, rank: number): string {
  const shape = ctx.inputShape(i);
  const x = ctx.input(i);
  if (shape.length === rank) return x;
  const padded = [...Array<number>(rank - shape.length).fill(1), ...shape];
  const reshaped = `${x}.reshape(${["-1", ...padded].join(", ")})`;
  return rank === 3 ? `${reshaped}.permute(0, 3, 1, 2)` : reshaped;
}

/** add, mul, sub and div: the operands joined by the operator (sub and div fold left). */
function merge(symbol: string): Emitter<"add" | "mul" | "sub" | "div"> {
  return (_, ctx) => {
    const rank = ctx.node.shape.length;
    return { value: ctx.node.inputs.map((_, i) => broadcastOperand(ctx, i, rank)).join(` ${symbol} `) };
  };
}

/** maximum and minimum: torch's two-operand form, folded left over the inputs. */
function extremum(fn: "torch.maximum" | "torch.minimum"): Emitter<"maximum" | "minimum"> {
  return (_, ctx) => {
    const rank = ctx.node.shape.length;
    const operands = ctx.node.inputs.map((_, i) => broadcastOperand(ctx, i, rank));
    return { value: operands.slice(1).reduce((acc, operand) => `${fn}(${acc}, ${operand})`, operands[0]) };
  };
}

/** The per-sample axis that stored axis `stored` (≥ 1) of a rank-`rank` tensor holds. */
function sampleAxis(stored: number, rank: number): number {
  if (rank !== 3) return stored - 1;
  return stored === 1 ? 2 : stored - 2;
}

function pool(kind: "max" | "avg"): Emitter<"maxpool" | "avgpool"> {
  return (a, ctx) => {
    requireImage(ctx);
    const x = ctx.input(0);
    const k = pair(a.kernel);
    const stride = a.stride.every((s, i) => s === a.kernel[i]) ? [] : [pair(a.stride)];
    const sym = symmetricPad(a.pad);
    // torch pads itself only up to half the kernel, symmetrically.
    const torchPads = sym !== undefined && sym[0] <= Math.floor(a.kernel[0] / 2) && sym[1] <= Math.floor(a.kernel[1] / 2);
    if (noPad(a.pad)) return { value: pyCall(`F.${kind}_pool2d`, [x, k, ...stride]) };
    if (kind === "max") {
      if (torchPads) return { value: pyCall("F.max_pool2d", [x, k, pair(a.stride)], { padding: pair(sym) }) };
      return { value: pyCall("F.max_pool2d", [`F.pad(${x}, ${torchPad(a.pad)}, value=-math.inf)`, k, ...stride]) };
    }
    if (a.includePad) return { value: pyCall("F.avg_pool2d", [`F.pad(${x}, ${torchPad(a.pad)})`, k, ...stride]) };
    if (torchPads)
      return {
        value: pyCall("F.avg_pool2d", [x, k, pair(a.stride)], { padding: pair(sym), count_include_pad: "False" }),
      };
    // Asymmetric padding left out of the mean: the sum over the window divided by the count of real pixels.
    const padded = pyCall("F.avg_pool2d", [`F.pad(${x}, ${torchPad(a.pad)})`, k, ...stride]);
    const counts = pyCall("F.avg_pool2d", [`F.pad(torch.ones_like(${x}[:, :1]), ${torchPad(a.pad)})`, k, ...stride]);
    return { value: `${padded} / ${counts}` };
  };
}

function globalPool(reduce: "mean" | "amax"): Emitter<"globalavgpool" | "globalmaxpool"> {
  return (a, ctx) => {
    const keep = a.keepdims ? ", keepdim=True" : "";
    // A [T, C] sequence pools its positions.
    if (ctx.inputShape(0).length === 2) return { value: `${ctx.input(0)}.${reduce}(dim=1${keep})` };
    requireImage(ctx);
    return { value: `${ctx.input(0)}.${reduce}(dim=(2, 3)${keep})` };
  };
}

function softmax(fn: "softmax" | "log_softmax"): Emitter<"softmax" | "log_softmax"> {
  return (a, ctx) => ({ value: `F.${fn}(${ctx.input(0)}, dim=${storageAxis(a.axis, ctx.node.shape.length)})` });
}

// Partial: an op added to the language before its entry here is reported, with its line, as
// one the exporter cannot express yet (emitOp), instead of breaking the build.
const EMITTERS: { readonly [K in OpName]?: Emitter<K> } = {
  input: (_, ctx) => ctx.fail("input nodes are the module's arguments, not ops"),
  conv: (a, ctx) => {
    const [, , cin] = requireImage(ctx);
    const { module, value } = conv2d(ctx, ctx.node.name, ctx.input(0), {
      cin,
      cout: a.filters,
      kernel: a.kernel,
      stride: a.stride,
      pad: a.pad,
      dilation: a.dilation,
      groups: a.groups,
      bias: a.bias,
    });
    const tensors = [binding(ctx, "kernel", `${ctx.node.name}.weight`, "conv")];
    if (a.bias) tensors.push(binding(ctx, "bias", `${ctx.node.name}.bias`, "vector"));
    return { modules: [module], tensors, value };
  },
  depthwise: (a, ctx) => {
    const [, , c] = requireImage(ctx);
    const { module, value } = conv2d(ctx, ctx.node.name, ctx.input(0), {
      cin: c,
      cout: c * a.multiplier,
      kernel: a.kernel,
      stride: a.stride,
      pad: a.pad,
      dilation: a.dilation,
      groups: c,
      bias: a.bias,
    });
    const tensors = [binding(ctx, "kernel", `${ctx.node.name}.weight`, "depthwise")];
    if (a.bias) tensors.push(binding(ctx, "bias", `${ctx.node.name}.bias`, "vector"));
    return { modules: [module], tensors, value };
  },
  pointwise: (a, ctx) => {
    const [, , cin] = requireImage(ctx);
    const { module, value } = conv2d(ctx, ctx.node.name, ctx.input(0), {
      cin,
      cout: a.filters,
      kernel: [1, 1],
      bias: a.bias,
    });
    const tensors = [binding(ctx, "kernel", `${ctx.node.name}.weight`, "conv")];
    if (a.bias) tensors.push(binding(ctx, "bias", `${ctx.node.name}.bias`, "vector"));
    return { modules: [module], tensors, value };
  },
  separable: (a, ctx) => {
    const [, , c] = requireImage(ctx);
    const depthwiseAttr = `${ctx.node.name}_depthwise`;
    const pointwiseAttr = `${ctx.node.name}_pointwise`;
    const depthwise = conv2d(ctx, depthwiseAttr, ctx.input(0), {
      cin: c,
      cout: c * a.multiplier,
      kernel: a.kernel,
      stride: a.stride,
      pad: a.pad,
      groups: c,
      bias: false,
    });
    const pointwise = conv2d(ctx, pointwiseAttr, depthwise.value, {
      cin: c * a.multiplier,
      cout: a.filters,
      kernel: [1, 1],
      bias: a.bias,
    });
    const tensors = [
      binding(ctx, "depthwise", `${depthwiseAttr}.weight`, "depthwise"),
      binding(ctx, "pointwise", `${pointwiseAttr}.weight`, "conv"),
    ];
    if (a.bias) tensors.push(binding(ctx, "bias", `${pointwiseAttr}.bias`, "vector"));
    return { modules: [depthwise.module, pointwise.module], tensors, value: pointwise.value };
  },
  conv_transpose: (a, ctx) => {
    const [, , cin] = requireImage(ctx);
    const name = ctx.node.name;
    const sym = symmetricPad(a.pad);
    const module = pyCall("nn.ConvTranspose2d", [String(cin), String(a.filters), pair(a.kernel)], {
      stride: unlessOnes(a.stride),
      padding: sym && !noPad(a.pad) ? pair(sym) : undefined,
      bias: a.bias ? undefined : "False",
    });
    const [h, w] = ctx.node.shape;
    const [top, , left] = a.pad;
    // Uneven crops: the full output, then the window netc keeps.
    const value = sym
      ? `self.${name}(${ctx.input(0)})`
      : `self.${name}(${ctx.input(0)})[:, :, ${top}:${top + h}, ${left}:${left + w}]`;
    const tensors = [binding(ctx, "kernel", `${name}.weight`, "conv_transpose")];
    if (a.bias) tensors.push(binding(ctx, "bias", `${name}.bias`, "vector"));
    return { modules: [[name, module]], tensors, value };
  },
  upsample: (a, ctx) => {
    requireImage(ctx);
    const [h, w] = ctx.node.shape;
    const mode = a.mode === "nearest" ? { mode: '"nearest"' } : { mode: '"bilinear"', align_corners: "False" };
    return { value: pyCall("F.interpolate", [ctx.input(0)], { size: pyTuple([h, w]), ...mode }) };
  },
  maxpool: pool("max"),
  avgpool: pool("avg"),
  globalavgpool: globalPool("mean"),
  globalmaxpool: globalPool("amax"),
  dense: (a, ctx) => denseOp(ctx, a),
  // netc flattens in H, W, C order.
  flatten: (_, ctx) => ({ value: `${channelsLast(ctx)}.flatten(1)` }),
  reshape: (a, ctx) => {
    const reshaped = `${channelsLast(ctx)}.reshape(${["-1", ...a.shape].join(", ")})`;
    return { value: a.shape.length === 3 ? `${reshaped}.permute(0, 3, 1, 2)` : reshaped };
  },
  dropout: (a, ctx) => ({
    modules: [[ctx.node.name, pyCall("nn.Dropout", [pyFloat(a.rate)])]],
    value: `self.${ctx.node.name}(${ctx.input(0)})`,
  }),
  batchnorm: (a, ctx) => {
    const name = ctx.node.name;
    const shape = ctx.inputShape(0);
    const channels = shape[shape.length - 1];
    const layer = shape.length === 3 ? "nn.BatchNorm2d" : "nn.BatchNorm1d";
    const module = pyCall(layer, [String(channels)], {
      eps: a.eps === 1e-5 ? undefined : pyFloat(a.eps),
      momentum: a.momentum === 0.1 ? undefined : pyFloat(a.momentum),
    });
    const x = ctx.input(0);
    // A [T, C] sequence normalises C, which BatchNorm1d wants on axis 1.
    const value = shape.length === 2 ? `self.${name}(${x}.transpose(1, 2)).transpose(1, 2)` : `self.${name}(${x})`;
    const tensors = (
      [
        ["gamma", "weight"],
        ["beta", "bias"],
        ["mean", "running_mean"],
        ["var", "running_var"],
      ] as const
    ).map(([netc, torchName]) => binding(ctx, netc, `${name}.${torchName}`, "vector"));
    return { modules: [[name, module]], tensors, value };
  },
  crop: (a, ctx) => {
    requireImage(ctx);
    const [h, w] = ctx.node.shape;
    return { value: `${ctx.input(0)}[:, :, ${a.top}:${a.top + h}, ${a.left}:${a.left + w}]` };
  },
  pad: (a, ctx) => {
    requireImage(ctx);
    const mode = a.mode === "mirror" ? { mode: '"reflect"' } : {};
    return { value: pyCall("F.pad", [ctx.input(0), torchPad(a.pad)], mode) };
  },
  relu: activationEntry,
  relu6: activationEntry,
  sigmoid: activationEntry,
  tanh: activationEntry,
  swish: activationEntry,
  hard_swish: activationEntry,
  gelu: activationEntry,
  softplus: activationEntry,
  identity: activationEntry,
  leaky_relu: activationEntry,
  elu: activationEntry,
  exp: activationEntry,
  log: activationEntry,
  sqrt: activationEntry,
  abs: activationEntry,
  neg: activationEntry,
  selu: activationEntry,
  hard_sigmoid: activationEntry,
  maxout: (a, ctx) => {
    // Channels j·k … j·k+k−1 give channel j: split the channel axis into [C/k, k] and take the max over k.
    const shape = ctx.node.shape;
    const axis = storageAxis(shape.length - 1, shape.length);
    const stored = shape.length === 3 ? [shape[2], shape[0], shape[1]] : [...shape];
    const split = [...stored.slice(0, axis - 1), stored[axis - 1], a.k, ...stored.slice(axis)];
    return { value: `${ctx.input(0)}.reshape(${["-1", ...split].join(", ")}).amax(${axis + 1})` };
  },
  softmax: softmax("softmax"),
  log_softmax: softmax("log_softmax"),
  add: merge("+"),
  mul: merge("*"),
  sub: merge("-"),
  div: merge("/"),
  maximum: extremum("torch.maximum"),
  minimum: extremum("torch.minimum"),
  concat: (a, ctx) => {
    const inputs = ctx.node.inputs.map((_, i) => ctx.input(i));
    return { value: `torch.cat([${inputs.join(", ")}], dim=${storageAxis(a.axis, ctx.node.shape.length)})` };
  },
  transpose: (a, ctx) => {
    // Output stored axis j holds per-sample axis perm[sampleAxis(j)] of the input, wherever that is stored.
    const rank = a.perm.length;
    const order = [0, ...a.perm.map((_, k) => storageAxis(a.perm[sampleAxis(k + 1, rank)], rank))];
    if (order.every((axis, j) => axis === j)) return { value: ctx.input(0) };
    return { value: `${ctx.input(0)}.permute(${order.join(", ")})` };
  },
  clip: (a, ctx) => ({ value: pyCall("torch.clamp", [ctx.input(0), pyFloat(a.min), pyFloat(a.max)]) }),
  prelu: (_, ctx) => {
    const name = ctx.node.name;
    const c = ctx.node.shape[ctx.node.shape.length - 1];
    return {
      modules: [[name, pyCall("nn.PReLU", [String(c)])]],
      tensors: [binding(ctx, "alpha", `${name}.weight`, "vector")],
      value: onChannelAxis(ctx, (x) => `self.${name}(${x})`),
    };
  },
  groupnorm: (a, ctx) => norm(ctx, pyCall("nn.GroupNorm", [String(a.groups), String(channelsOf(ctx))], epsArg(a.eps))),
  // nn.GroupNorm with a group per channel: nn.InstanceNorm2d(affine=True) for any rank.
  instancenorm: (a, ctx) => norm(ctx, pyCall("nn.GroupNorm", [String(channelsOf(ctx)), String(channelsOf(ctx))], epsArg(a.eps))),
};

const channelsOf = (ctx: EmitContext): number => ctx.node.shape[ctx.node.shape.length - 1];

const epsArg = (eps: number): Record<string, string | undefined> => ({ eps: eps === 1e-5 ? undefined : pyFloat(eps) });

/** A torch norm with per-channel gamma and beta, fed with the channels on axis 1. */
function norm(ctx: EmitContext, module: string): OpCode {
  const name = ctx.node.name;
  return {
    modules: [[name, module]],
    tensors: [binding(ctx, "gamma", `${name}.weight`, "vector"), binding(ctx, "beta", `${name}.bias`, "vector")],
    value: onChannelAxis(ctx, (x) => `self.${name}(${x})`),
  };
}

/** The ops with a PyTorch form. */
export const PYTORCH_OPS: readonly string[] = [...Object.keys(EMITTERS), ...Object.keys(SEQUENCE_EMITTERS)];

/** The PyTorch code of one node; fails (through ctx) for what has no PyTorch form. */
export function emitOp(ctx: EmitContext): OpCode {
  const table = { ...EMITTERS, ...SEQUENCE_EMITTERS } as Record<string, Emitter<OpName> | undefined>;
  const emitter = table[ctx.node.attrs.op];
  if (emitter === undefined) return ctx.fail("the PyTorch exporter has no translation for this op yet");
  return emitter(ctx.node.attrs as never, ctx);
}

