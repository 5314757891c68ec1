// Separable convolution: depthwise (no bias) then pointwise with bias. The depthwise result
// lives in scratch; backward recomputes it rather than keeping it (memory-bound and cheap).
import type { ParamSpec } from "../ops.ts";
import type { AttrsFor, Kernel, Shape } from "../kernel.ts";
import { depthwiseBackward, depthwiseForward, depthwiseGeometry } from "./depthwise.ts";
import { linearBackward, linearForward } from "./linear.ts";

function geometryOf(a: AttrsFor<"separable">, inShape: Shape, outShape: Shape) {
  return depthwiseGeometry({ ...a, dilation: [1, 1] }, inShape, outShape);
}

export const separableKernel: Kernel<"separable"> = {
  fusesActivation: true,
  backwardReads: { inputs: true, output: false },
  params(a, [inShape]) {
    const mid = inShape[2] * a.multiplier;
    const specs: ParamSpec[] = [
      { name: "depthwise", shape: [a.kernel[0], a.kernel[1], inShape[2], a.multiplier], trainable: true },
      { name: "pointwise", shape: [1, 1, mid, a.filters], trainable: true },
    ];
    if (a.bias) specs.push({ name: "bias", shape: [a.filters], trainable: true });
    return specs;
  },

  scratchSize({ attrs, inShapes, outShape, maxBatch, training }) {
    const mid = maxBatch * outShape[0] * outShape[1] * inShapes[0][2] * attrs.multiplier;
    return training ? 2 * mid : mid; // the depthwise result, and in backward its gradient
  },

  forward({ attrs, batch, inShapes, outShape, inputs, output, params, scratch, gemm, activation }) {
    const g = geometryOf(attrs, inShapes[0], outShape);
    const midC = g.c * attrs.multiplier;
    depthwiseForward(g, attrs.multiplier, batch, inputs[0], params[0], scratch);
    linearForward(
      gemm,
      batch * g.outH * g.outW,
      midC,
      attrs.filters,
      scratch,
      params[1],
      params[2],
      output,
      activation,
    );
  },

  backward({ attrs, batch, inShapes, outShape, inputs, params, scratch, gemm, outGrad, inGrads, paramGrads }) {
    const g = geometryOf(attrs, inShapes[0], outShape);
    const midC = g.c * attrs.multiplier;
    const rows = batch * g.outH * g.outW;
    const mid = scratch.subarray(0, rows * midC);
    const dMid = scratch.subarray(rows * midC, 2 * rows * midC);
    depthwiseForward(g, attrs.multiplier, batch, inputs[0], params[0], mid);
    dMid.fill(0);
    linearBackward(
      gemm,
      rows,
      midC,
      attrs.filters,
      mid,
      params[1],
      outGrad,
      dMid,
      paramGrads[1],
      paramGrads[2] ?? null,
    );
    depthwiseBackward(g, attrs.multiplier, batch, inputs[0], params[0], dMid, inGrads[0], paramGrads[0]);
  },
};
