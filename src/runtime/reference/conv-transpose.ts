// Transposed convolution with PyTorch semantics: the full output (in-1)·stride + k is cropped
// by `pad` [top, bottom, left, right]. It is exactly the input-gradient of a convolution whose
// kernel is ours read as [k_h, k_w, filters, C_in] — Keras's conv_transpose layout — so forward
// is GEMM + col2im and backward is im2col + GEMM.
import type { ParamSpec } from "../ops.ts";
import type { AttrsFor, Kernel, Shape } from "../kernel.ts";
import type { ConvGeometry } from "./conv-geometry.ts";
import { addBias, addBiasGrad, col2imAdd, im2col, samplesPerChunk, samplesThatFit } from "./conv-geometry.ts";

/** The geometry of the convolution this op is the transpose of: its image is our output. */
function adjointGeometry(a: AttrsFor<"conv_transpose">, inShape: Shape, outShape: Shape): ConvGeometry {
  return {
    h: outShape[0],
    w: outShape[1],
    c: outShape[2],
    outH: inShape[0],
    outW: inShape[1],
    kh: a.kernel[0],
    kw: a.kernel[1],
    strideH: a.stride[0],
    strideW: a.stride[1],
    pad: a.pad,
    dilationH: 1,
    dilationW: 1,
  };
}

export const convTransposeKernel: Kernel<"conv_transpose"> = {
  backwardReads: { inputs: true, output: false },
  params(a, [inShape]) {
    const specs: ParamSpec[] = [
      { name: "kernel", shape: [a.kernel[0], a.kernel[1], a.filters, inShape[2]], trainable: true },
    ];
    if (a.bias) specs.push({ name: "bias", shape: [a.filters], trainable: true });
    return specs;
  },

  scratchSize({ attrs, inShapes, maxBatch }) {
    const pixels = inShapes[0][0] * inShapes[0][1];
    const rowLen = attrs.kernel[0] * attrs.kernel[1] * attrs.filters;
    return samplesPerChunk(pixels, rowLen, maxBatch) * pixels * rowLen;
  },

  forward({ attrs, batch, inShapes, outShape, inputs, output, params, scratch, gemm }) {
    const g = adjointGeometry(attrs, inShapes[0], outShape);
    const inC = inShapes[0][2];
    const pixels = g.outH * g.outW;
    const rowLen = g.kh * g.kw * g.c;
    const chunk = samplesThatFit(scratch, pixels * rowLen);
    output.fill(0, 0, batch * g.h * g.w * g.c);
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      // prettier-ignore
      gemm.gemm(false, true, count * pixels, rowLen, inC,
        inputs[0], n0 * pixels * inC, inC, // A: input pixels
        params[0], 0, inC, // Bᵀ: the kernel as a (k_h·k_w·filters)×C_in matrix, transposed
        scratch, 0, rowLen, false); // each input pixel's contribution patch
      col2imAdd(g, scratch, n0, count, 0, g.c, output);
    }
    if (params[1]) addBias(output, batch * g.h * g.w, g.c, params[1]);
  },

  backward({ attrs, batch, inShapes, outShape, inputs, params, scratch, gemm, outGrad, inGrads, paramGrads }) {
    const g = adjointGeometry(attrs, inShapes[0], outShape);
    const inC = inShapes[0][2];
    const pixels = g.outH * g.outW;
    const rowLen = g.kh * g.kw * g.c;
    const chunk = samplesThatFit(scratch, pixels * rowLen);
    const [dx] = inGrads;
    const [dKernel, dBias] = paramGrads;
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      const rows = count * pixels;
      im2col(g, outGrad, n0, count, 0, g.c, scratch);
      if (dx) {
        // prettier-ignore
        gemm.gemm(false, false, rows, inC, rowLen,
          scratch, 0, rowLen, // A: output-gradient patches
          params[0], 0, inC, // B: the kernel
          dx, n0 * pixels * inC, inC, true);
      }
      if (dKernel) {
        // prettier-ignore
        gemm.gemm(true, false, rowLen, inC, rows,
          scratch, 0, rowLen, // Aᵀ: output-gradient patches, transposed
          inputs[0], n0 * pixels * inC, inC, // B: input pixels
          dKernel, 0, inC, true);
      }
    }
    if (dBias) addBiasGrad(outGrad, batch * g.h * g.w, g.c, dBias);
  },
};
