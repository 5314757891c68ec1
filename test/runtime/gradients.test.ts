// Every op's backward (inputs and params) against central finite differences of
// L = Σ output·R, in float32 with step 1e-2: the allowed error (relative to max(1, |numeric|))
// is 5e-3 for smooth ops, covering float32 rounding of L divided by the step and the O(h²)
// truncation. Inputs of non-smooth ops are spaced so no kink or tie lies within a step.
import { describe, expect, it } from "vitest";
import type { OpAttrs } from "../../src/runtime/ops.ts";
import type { Shape } from "../../src/runtime/kernel.ts";
import { sizeOf } from "../../src/runtime/kernel.ts";
import { Rng } from "../../src/runtime/rng.ts";
import type { GradCase, KernelCase } from "./kernel-harness.ts";
import { distinctArray, kernelFor, randomArray, worstGradError } from "./kernel-harness.ts";

const TOLERANCE = 5e-3;

function convOut(size: number, k: number, stride: number, padBefore: number, padAfter: number, dilation = 1): number {
  return Math.floor((size + padBefore + padAfter - dilation * (k - 1) - 1) / stride) + 1;
}

const cases: GradCase[] = [
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
  cases.push({ name: `activation ${attrs.op}`, attrs, inShapes: [[4, 3, 3]], outShape: [4, 3, 3], distinct: true });
}

describe("backward matches central finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      const rng = new Rng(7);
      const batch = c.batch ?? 2;
      const kc: KernelCase = {
        attrs: c.attrs,
        inShapes: c.inShapes,
        outShape: c.outShape,
        batch,
        training: c.training,
      };
      const inputs = c.inShapes.map((s) =>
        c.distinct ? distinctArray(rng, batch * sizeOf(s), 0.2) : randomArray(rng, batch * sizeOf(s), 2),
      );
      const params = kernelFor(c.attrs.op)
        .params(c.attrs, c.inShapes)
        .map((spec) => {
          const values = randomArray(rng, sizeOf(spec.shape));
          // Running variances must be positive.
          if (spec.name === "var") values.forEach((v, i) => (values[i] = 0.5 + Math.abs(v)));
          return values;
        });
      expect(worstGradError(kc, inputs, params, c.options)).toBeLessThan(c.options?.tolerance ?? TOLERANCE);
    });
  }
});
