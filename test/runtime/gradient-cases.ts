// The finite-difference cases of gradients.test.ts (image ops) and sequence-gradients.test.ts
// (the sequence and general ops of spec section 11), in a module of their own so that
// op-coverage.test.ts can check that every op has one.
import type { OpAttrs } from "../../src/runtime/ops.ts";
import type { GradCase } from "./kernel-harness.ts";

function convOut(size: number, k: number, stride: number, padBefore: number, padAfter: number, dilation = 1): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

export const imageGradientCases: GradCase[] = [
  {
    name: "conv stride 2, 4-sided pad",
    attrs: {
      op: "conv",
      filters: 3,
      kernel: [3, 3],
      stride: [2, 2],
      pad: [1, 0, 2, 1],
      dilation: [1, 1],
      groups: 1,
      bias: true,
    },
    inShapes: [[5, 4, 2]],
    outShape: [convOut(5, 3, 2, 1, 0), convOut(4, 3, 2, 2, 1), 3],
  },
  {
    name: "conv dilation 2, groups 2, no bias",
    attrs: {
      op: "conv",
      filters: 4,
      kernel: [2, 3],
      stride: [1, 1],
      pad: [1, 1, 2, 0],
      dilation: [2, 2],
      groups: 2,
      bias: false,
    },
    inShapes: [[5, 5, 4]],
    outShape: [convOut(5, 2, 1, 1, 1, 2), convOut(5, 3, 1, 2, 0, 2), 4],
  },
  {
    name: "conv 1x1 (plain matrix product path)",
    attrs: {
      op: "conv",
      filters: 3,
      kernel: [1, 1],
      stride: [1, 1],
      pad: [0, 0, 0, 0],
      dilation: [1, 1],
      groups: 1,
      bias: true,
    },
    inShapes: [[3, 3, 4]],
    outShape: [3, 3, 3],
  },
  {
    name: "depthwise multiplier 2, stride 2, dilation 2",
    attrs: {
      op: "depthwise",
      kernel: [3, 2],
      stride: [2, 1],
      pad: [2, 1, 0, 1],
      dilation: [2, 1],
      multiplier: 2,
      bias: true,
    },
    inShapes: [[5, 4, 2]],
    outShape: [convOut(5, 3, 2, 2, 1, 2), convOut(4, 2, 1, 0, 1), 4],
  },
  {
    name: "pointwise",
    attrs: { op: "pointwise", filters: 3, bias: true },
    inShapes: [[2, 3, 4]],
    outShape: [2, 3, 3],
  },
  {
    name: "separable multiplier 2, stride 2",
    attrs: {
      op: "separable",
      filters: 3,
      kernel: [3, 3],
      stride: [2, 2],
      pad: [1, 1, 1, 0],
      multiplier: 2,
      bias: true,
    },
    inShapes: [[5, 4, 2]],
    outShape: [convOut(5, 3, 2, 1, 1), convOut(4, 3, 2, 1, 0), 3],
  },
  {
    name: "conv_transpose stride 2, 4-sided crop",
    attrs: { op: "conv_transpose", filters: 2, kernel: [3, 3], stride: [2, 2], pad: [1, 0, 0, 2], bias: true },
    inShapes: [[3, 3, 3]],
    outShape: [(3 - 1) * 2 + 3 - 1, (3 - 1) * 2 + 3 - 2, 2],
  },
  {
    name: "maxpool stride 2 with padding",
    attrs: { op: "maxpool", kernel: [3, 3], stride: [2, 2], pad: [1, 1, 0, 1], includePad: false },
    inShapes: [[5, 5, 2]],
    outShape: [convOut(5, 3, 2, 1, 1), convOut(5, 3, 2, 0, 1), 2],
    distinct: true,
  },
  {
    name: "avgpool include_pad",
    attrs: { op: "avgpool", kernel: [2, 3], stride: [1, 2], pad: [1, 0, 1, 1], includePad: true },
    inShapes: [[4, 5, 2]],
    outShape: [convOut(4, 2, 1, 1, 0), convOut(5, 3, 2, 1, 1), 2],
  },
  {
    name: "avgpool padding left out of the mean",
    attrs: { op: "avgpool", kernel: [2, 3], stride: [1, 2], pad: [1, 0, 1, 1], includePad: false },
    inShapes: [[4, 5, 2]],
    outShape: [convOut(4, 2, 1, 1, 0), convOut(5, 3, 2, 1, 1), 2],
  },
  {
    name: "globalavgpool keepdims",
    attrs: { op: "globalavgpool", keepdims: true },
    inShapes: [[3, 4, 3]],
    outShape: [1, 1, 3],
  },
  {
    name: "globalmaxpool",
    attrs: { op: "globalmaxpool", keepdims: false },
    inShapes: [[3, 4, 3]],
    outShape: [3],
    distinct: true,
  },
  { name: "dense", attrs: { op: "dense", units: 4, bias: true }, inShapes: [[6]], outShape: [4] },
  {
    name: "batchnorm training (batch statistics)",
    attrs: { op: "batchnorm", eps: 1e-5, momentum: 0.1 },
    inShapes: [[2, 3, 3]],
    outShape: [2, 3, 3],
    batch: 3,
    training: true,
    options: { trainable: [true, true, false, false] },
  },
  {
    name: "batchnorm inference (running statistics)",
    attrs: { op: "batchnorm", eps: 1e-3, momentum: 0.1 },
    inShapes: [[4]],
    outShape: [4],
    batch: 3,
    options: { trainable: [true, true, false, false] },
  },
  {
    name: "dropout (fixed mask)",
    attrs: { op: "dropout", rate: 0.4 },
    inShapes: [[3, 4, 2]],
    outShape: [3, 4, 2],
    training: true,
  },
  { name: "maxout k=3", attrs: { op: "maxout", k: 3 }, inShapes: [[2, 2, 6]], outShape: [2, 2, 2], distinct: true },
  { name: "softmax axis 1", attrs: { op: "softmax", axis: 1 }, inShapes: [[2, 4, 3]], outShape: [2, 4, 3] },
  { name: "log_softmax last axis", attrs: { op: "log_softmax", axis: 2 }, inShapes: [[2, 2, 5]], outShape: [2, 2, 5] },
  {
    name: "add with broadcasting [3,4,2] + [1,1,2] + [4,1]",
    attrs: { op: "add" },
    inShapes: [
      [3, 4, 2],
      [1, 1, 2],
      [4, 1],
    ],
    outShape: [3, 4, 2],
  },
  {
    name: "mul with broadcasting [1,4,2] · [3,1,2] · [2]",
    attrs: { op: "mul" },
    inShapes: [[1, 4, 2], [3, 1, 2], [2]],
    outShape: [3, 4, 2],
  },
  {
    name: "concat channels",
    attrs: { op: "concat", axis: 2 },
    inShapes: [
      [2, 3, 2],
      [2, 3, 3],
    ],
    outShape: [2, 3, 5],
  },
  {
    name: "concat rows",
    attrs: { op: "concat", axis: 0 },
    inShapes: [
      [1, 3, 2],
      [2, 3, 2],
    ],
    outShape: [3, 3, 2],
  },
  { name: "crop", attrs: { op: "crop", top: 1, left: 2 }, inShapes: [[5, 6, 2]], outShape: [3, 3, 2] },
  {
    name: "pad zero",
    attrs: { op: "pad", pad: [1, 2, 0, 1], mode: "zero" },
    inShapes: [[3, 3, 2]],
    outShape: [6, 4, 2],
  },
  {
    name: "pad mirror",
    attrs: { op: "pad", pad: [2, 1, 2, 2], mode: "mirror" },
    inShapes: [[3, 4, 2]],
    outShape: [6, 8, 2],
  },
  {
    name: "upsample nearest x2",
    attrs: { op: "upsample", factor: 2, mode: "nearest" },
    inShapes: [[2, 3, 2]],
    outShape: [4, 6, 2],
  },
  {
    name: "upsample bilinear x3",
    attrs: { op: "upsample", factor: 3, mode: "bilinear" },
    inShapes: [[2, 3, 2]],
    outShape: [6, 9, 2],
  },
  { name: "flatten", attrs: { op: "flatten" }, inShapes: [[2, 3, 2]], outShape: [12] },
  { name: "reshape", attrs: { op: "reshape", shape: [3, 4] }, inShapes: [[2, 3, 2]], outShape: [3, 4] },
];

const activations: OpAttrs[] = [
  { op: "relu" },
  { op: "relu6" },
  { op: "sigmoid" },
  { op: "tanh" },
  { op: "swish" },
  { op: "hard_swish" },
  { op: "gelu" },
  { op: "softplus" },
  { op: "identity" },
  { op: "leaky_relu", alpha: 0.1 },
  { op: "elu", alpha: 0.8 },
];
for (const attrs of activations) {
  // Inputs from −7.1 to 7.1 in steps of 0.2 (offset 0.013): they cross every kink (0, ±3, 6)
  // without landing within a probe step of one.
  imageGradientCases.push({
    name: `activation ${attrs.op}`,
    attrs,
    inShapes: [[4, 3, 3]],
    outShape: [4, 3, 3],
    distinct: true,
  });
}

/** Attention attrs: two heads, self-attention, biases, no dropout, unless overridden. */
export const attention = (over: Partial<Extract<OpAttrs, { op: "attention" }>> = {}): OpAttrs => ({
  op: "attention",
  heads: 2,
  causal: false,
  bias: true,
  dropout: 0,
  context: false,
  ...over,
});

export const sequenceGradientCases: GradCase[] = [
  { name: "embedding", attrs: { op: "embedding", vocab: 5, dim: 3 }, inShapes: [[4]], outShape: [4, 3], tokens: 5 },
  {
    name: "positional learned",
    attrs: { op: "positional", length: 6, mode: "learned" },
    inShapes: [[4, 3]],
    outShape: [4, 3],
  },
  {
    name: "positional sinusoidal",
    attrs: { op: "positional", length: 6, mode: "sinusoidal" },
    inShapes: [[4, 4]],
    outShape: [4, 4],
  },
  { name: "class_token", attrs: { op: "class_token" }, inShapes: [[3, 4]], outShape: [4, 4] },
  { name: "layernorm", attrs: { op: "layernorm", eps: 1e-5 }, inShapes: [[3, 5]], outShape: [3, 5] },
  { name: "rmsnorm", attrs: { op: "rmsnorm", eps: 1e-6 }, inShapes: [[3, 5]], outShape: [3, 5] },
  {
    name: "groupnorm 2 groups",
    attrs: { op: "groupnorm", groups: 2, eps: 1e-5 },
    inShapes: [[2, 3, 4]],
    outShape: [2, 3, 4],
  },
  { name: "instancenorm", attrs: { op: "instancenorm", eps: 1e-5 }, inShapes: [[3, 2, 3]], outShape: [3, 2, 3] },
  { name: "attention self", attrs: attention(), inShapes: [[4, 6]], outShape: [4, 6] },
  {
    name: "attention causal, no bias",
    attrs: attention({ causal: true, bias: false, heads: 3 }),
    inShapes: [[5, 6]],
    outShape: [5, 6],
  },
  {
    name: "attention cross (context [3, 5])",
    attrs: attention({ context: true }),
    inShapes: [
      [4, 6],
      [3, 5],
    ],
    outShape: [4, 6],
  },
  // Training with dropout: the harness reseeds the generator before every forward, so the
  // mask is fixed across the probes.
  {
    name: "attention dropout 0.3 (training)",
    attrs: attention({ dropout: 0.3 }),
    inShapes: [[4, 4]],
    outShape: [4, 4],
    training: true,
  },
  { name: "dense on [T, C]", attrs: { op: "dense", units: 3, bias: true }, inShapes: [[4, 5]], outShape: [4, 3] },
  { name: "take", attrs: { op: "take", index: 2 }, inShapes: [[4, 3]], outShape: [3] },
  {
    name: "globalavgpool over positions",
    attrs: { op: "globalavgpool", keepdims: false },
    inShapes: [[4, 3]],
    outShape: [3],
  },
  {
    name: "lstm last step",
    attrs: { op: "lstm", units: 3, returnSequences: false },
    inShapes: [[4, 2]],
    outShape: [3],
  },
  {
    name: "lstm sequences",
    attrs: { op: "lstm", units: 2, returnSequences: true },
    inShapes: [[3, 3]],
    outShape: [3, 2],
  },
  { name: "gru last step", attrs: { op: "gru", units: 3, returnSequences: false }, inShapes: [[4, 2]], outShape: [3] },
  {
    name: "gru sequences",
    attrs: { op: "gru", units: 2, returnSequences: true },
    inShapes: [[3, 3]],
    outShape: [3, 2],
  },
  {
    name: "sub broadcast",
    attrs: { op: "sub" },
    inShapes: [[3, 4], [4], [3, 1]],
    outShape: [3, 4],
  },
  {
    name: "div broadcast",
    attrs: { op: "div" },
    inShapes: [[3, 4], [4]],
    outShape: [3, 4],
    range: [0.5, 2],
  },
  {
    name: "div of three",
    attrs: { op: "div" },
    inShapes: [[2, 3], [2, 3], [3]],
    outShape: [2, 3],
    range: [0.5, 2],
  },
  {
    name: "maximum broadcast",
    attrs: { op: "maximum" },
    inShapes: [[3, 4], [4]],
    outShape: [3, 4],
    distinct: true,
  },
  {
    name: "minimum of three",
    attrs: { op: "minimum" },
    inShapes: [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    outShape: [2, 3],
    distinct: true,
  },
  { name: "transpose [1, 0]", attrs: { op: "transpose", perm: [1, 0] }, inShapes: [[3, 4]], outShape: [4, 3] },
  {
    name: "transpose [2, 0, 1]",
    attrs: { op: "transpose", perm: [2, 0, 1] },
    inShapes: [[2, 3, 4]],
    outShape: [4, 2, 3],
  },
  { name: "clip", attrs: { op: "clip", min: -0.5, max: 1 }, inShapes: [[4, 3]], outShape: [4, 3], distinct: true },
  { name: "prelu", attrs: { op: "prelu" }, inShapes: [[4, 3]], outShape: [4, 3], distinct: true },
];

for (const op of ["exp", "abs", "neg", "selu", "hard_sigmoid"] as const) {
  sequenceGradientCases.push({
    name: `elementwise ${op}`,
    attrs: { op },
    inShapes: [[4, 3]],
    outShape: [4, 3],
    distinct: true,
  });
}
for (const op of ["log", "sqrt"] as const) {
  sequenceGradientCases.push({
    name: `elementwise ${op}`,
    attrs: { op },
    inShapes: [[4, 3]],
    outShape: [4, 3],
    range: [0.5, 3],
  });
}
