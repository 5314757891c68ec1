// Grouped, strided, dilated, 4-sided-padded convolution as im2col + GEMM per group.
// Kernel [k_h, k_w, C_in/groups, filters]; group g maps input channels g·C_in/groups… to
// output channels g·filters/groups….
import type { ParamSpec } from "../ops.ts";
import type { AttrsFor, Kernel, Shape } from "../kernel.ts";
import type { ConvGeometry } from "./conv-geometry.ts";
import { addBiasGrad, col2imAdd, im2col, samplesPerChunk, samplesThatFit } from "./conv-geometry.ts";
import { linearBackward, linearForward } from "./linear.ts";

type ConvAttrs = AttrsFor<"conv">;

function geometry(a: ConvAttrs, inShape: Shape, outShape: Shape): ConvGeometry {
  return {
    h: inShape[0],
    w: inShape[1],
    c: inShape[2],
    outH: outShape[0],
    outW: outShape[1],
    kh: a.kernel[0],
    kw: a.kernel[1],
    strideH: a.stride[0],
    strideW: a.stride[1],
    pad: a.pad,
    dilationH: a.dilation[0],
    dilationW: a.dilation[1],
  };
}

/** A 1x1, stride-1, unpadded, ungrouped conv is a plain matrix product on the pixels. */
export function isPlainMatmul(a: ConvAttrs): boolean {
  return (
    a.kernel[0] === 1 &&
    a.kernel[1] === 1 &&
    a.stride[0] === 1 &&
    a.stride[1] === 1 &&
    a.pad.every((p) => p === 0) &&
    a.groups === 1
  );
}

export const convKernel: Kernel<"conv"> = {
  backwardReads: { inputs: true, output: false },
  fusesActivation: true,
  params(a, [inShape]) {
    const specs: ParamSpec[] = [
      { name: "kernel", shape: [a.kernel[0], a.kernel[1], inShape[2] / a.groups, a.filters], trainable: true },
    ];
    if (a.bias) specs.push({ name: "bias", shape: [a.filters], trainable: true });
    return specs;
  },

  scratchSize({ attrs, inShapes, outShape, maxBatch }) {
    if (isPlainMatmul(attrs)) return 0;
    const pixels = outShape[0] * outShape[1];
    const rowLen = attrs.kernel[0] * attrs.kernel[1] * (inShapes[0][2] / attrs.groups);
    return samplesPerChunk(pixels, rowLen, maxBatch) * pixels * rowLen;
  },

  forward({ attrs, batch, inShapes, outShape, inputs, output, params, scratch, gemm, activation }) {
    const [x] = inputs;
    const [kernel, bias] = params;
    const filters = attrs.filters;
    const pixels = outShape[0] * outShape[1];
    if (isPlainMatmul(attrs)) {
      linearForward(gemm, batch * pixels, inShapes[0][2], filters, x, kernel, bias, output, activation);
      return;
    }
    const g = geometry(attrs, inShapes[0], outShape);
    const groupC = g.c / attrs.groups;
    const groupF = filters / attrs.groups;
    const rowLen = g.kh * g.kw * groupC;
    const chunk = samplesThatFit(scratch, pixels * rowLen);
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      for (let grp = 0; grp < attrs.groups; grp++) {
        (gemm.im2col ?? im2col)(g, x, n0, count, grp * groupC, groupC, scratch);
        const outOffset = n0 * pixels * filters + grp * groupF;
        // prettier-ignore
        gemm.gemm(false, false, count * pixels, groupF, rowLen,
          scratch, 0, rowLen, // A: the patches
          kernel, grp * groupF, filters, // B: this group's filters
          output, outOffset, filters, false, { bias, biasOffset: grp * groupF, activation: activation ?? undefined });
      }
    }
  },

  backward({ attrs, batch, inShapes, outShape, inputs, params, scratch, gemm, outGrad, inGrads, paramGrads }) {
    const [x] = inputs;
    const [kernel] = params;
    const [dx] = inGrads;
    const [dKernel, dBias] = paramGrads;
    const filters = attrs.filters;
    const pixels = outShape[0] * outShape[1];
    if (isPlainMatmul(attrs)) {
      linearBackward(gemm, batch * pixels, inShapes[0][2], filters, x, kernel, outGrad, dx, dKernel, dBias ?? null);
      return;
    }
    const g = geometry(attrs, inShapes[0], outShape);
    const groupC = g.c / attrs.groups;
    const groupF = filters / attrs.groups;
    const rowLen = g.kh * g.kw * groupC;
    const chunk = samplesThatFit(scratch, pixels * rowLen);
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      const rows = count * pixels;
      for (let grp = 0; grp < attrs.groups; grp++) {
        const dyOffset = n0 * pixels * filters + grp * groupF;
        if (dKernel) {
          (gemm.im2col ?? im2col)(g, x, n0, count, grp * groupC, groupC, scratch);
          // prettier-ignore
          gemm.gemm(true, false, rowLen, groupF, rows,
            scratch, 0, rowLen, // Aᵀ: the patches, transposed
            outGrad, dyOffset, filters, // B: this group's output gradient
            dKernel, grp * groupF, filters, true);
        }
        if (dx) {
          // prettier-ignore
          gemm.gemm(false, true, rows, rowLen, groupF,
            outGrad, dyOffset, filters, // A: this group's output gradient
            kernel, grp * groupF, filters, // Bᵀ: this group's filters, transposed
            scratch, 0, rowLen, false); // the patches' gradient
          (gemm.col2imAdd ?? col2imAdd)(g, scratch, n0, count, grp * groupC, groupC, dx);
        }
      }
    }
    if (dBias) addBiasGrad(outGrad, batch * pixels, filters, dBias);
  },
};
