// flatten and reshape keep the NHWC row-major element order, so they are copies.
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

function makeCopyKernel<K extends "flatten" | "reshape">(): Kernel<K> {
  return {
    params: () => [],
    backwardReads: { inputs: false, output: false },
    forward({ batch, outShape, inputs, output }) {
      output.set(inputs[0].subarray(0, batch * sizeOf(outShape)));
    },
    backward({ batch, outShape, outGrad, inGrads }) {
      const dx = inGrads[0];
      if (!dx) return;
      const n = batch * sizeOf(outShape);
      for (let i = 0; i < n; i++) dx[i] += outGrad[i];
    },
  };
}

export const flattenKernel = makeCopyKernel<"flatten">();
export const reshapeKernel = makeCopyKernel<"reshape">();
