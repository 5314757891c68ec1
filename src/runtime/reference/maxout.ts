// Maxout: output channel j is the max of input channels j·k … j·k + k − 1; the first maximum
// takes the gradient.
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

export const maxoutKernel: Kernel<"maxout"> = {
  backwardReads: { inputs: true, output: false },
  params: () => [],
  forward({ attrs, batch, outShape, inputs, output }) {
    const x = inputs[0];
    const k = attrs.k;
    const n = batch * sizeOf(outShape);
    for (let o = 0; o < n; o++) {
      let best = x[o * k];
      for (let j = 1; j < k; j++) if (x[o * k + j] > best) best = x[o * k + j];
      output[o] = best;
    }
  },
  backward({ attrs, batch, outShape, inputs, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const x = inputs[0];
    const k = attrs.k;
    const n = batch * sizeOf(outShape);
    for (let o = 0; o < n; o++) {
      let at = o * k;
      for (let j = 1; j < k; j++) if (x[o * k + j] > x[at]) at = o * k + j;
      dx[at] += outGrad[o];
    }
  },
};
