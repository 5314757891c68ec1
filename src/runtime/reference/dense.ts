// Dense (fully connected) layer on the last axis: [C] → [units], or [T, C] → [T, units] with
// every position a row of one matrix product. Kernel [C, units]; with `tie`, the named
// embedding's table [units, C] is the kernel, transposed (a shared param: its gradient
// accumulates with the embedding's own).
import type { KernelParam } from "../kernel.ts";
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";
import { addBiasGrad } from "./conv-geometry.ts";
import { linearBackward, linearForward } from "./linear.ts";

/** Rows of the product (batch × positions) and the features in. */
function rowsOf(batch: number, inShape: readonly number[]): { rows: number; inF: number } {
  const inF = inShape[inShape.length - 1];
  return { rows: (batch * sizeOf(inShape)) / inF, inF };
}

export const denseKernel: Kernel<"dense"> = {
  fusesActivation: true,
  backwardReads: { inputs: true, output: false },
  params(a, [inShape]) {
    const inF = inShape[inShape.length - 1];
    const specs: KernelParam[] =
      a.tie === undefined
        ? [{ name: "kernel", shape: [inF, a.units], trainable: true }]
        : [{ name: "embeddings", shape: [a.units, inF], trainable: true, owner: a.tie }];
    if (a.bias) specs.push({ name: "bias", shape: [a.units], trainable: true });
    return specs;
  },

  forward({ attrs, batch, inShapes, inputs, output, params, gemm, activation }) {
    const { rows, inF } = rowsOf(batch, inShapes[0]);
    const { units } = attrs;
    if (attrs.tie === undefined) {
      linearForward(gemm, rows, inF, units, inputs[0], params[0], params[1], output, activation);
      return;
    }
    const epilogue = params[1] || activation ? { bias: params[1], activation: activation ?? undefined } : undefined;
    gemm.gemm(false, true, rows, units, inF, inputs[0], 0, inF, params[0], 0, inF, output, 0, units, false, epilogue);
  },

  backward({ attrs, batch, inShapes, inputs, params, gemm, outGrad, inGrads, paramGrads }) {
    const { rows, inF } = rowsOf(batch, inShapes[0]);
    const { units } = attrs;
    const [dx] = inGrads;
    const [dKernel, dBias] = paramGrads;
    if (attrs.tie === undefined) {
      linearBackward(gemm, rows, inF, units, inputs[0], params[0], outGrad, dx, dKernel, dBias ?? null);
      return;
    }
    // y = x·Eᵀ: dE += dyᵀ·x, dx += dy·E.
    if (dKernel) gemm.gemm(true, false, units, inF, rows, outGrad, 0, units, inputs[0], 0, inF, dKernel, 0, inF, true);
    if (dx) gemm.gemm(false, false, rows, inF, units, outGrad, 0, units, params[0], 0, inF, dx, 0, inF, true);
    if (dBias) addBiasGrad(outGrad, rows, units, dBias);
  },
};
