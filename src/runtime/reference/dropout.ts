// Inverted dropout: in training each element is kept with probability 1 − rate and scaled by
// 1/(1 − rate); the mask (0 or the scale) is saved for backward. Identity in inference.
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

export const dropoutKernel: Kernel<"dropout"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  savedSize: ({ outShape, maxBatch, training }) => (training ? maxBatch * sizeOf(outShape) : 0),

  forward({ attrs, batch, outShape, inputs, output, saved, training, rng }) {
    const x = inputs[0];
    const n = batch * sizeOf(outShape);
    if (!training || attrs.rate === 0) {
      output.set(x.subarray(0, n));
      // A training executor running in eval mode may still back-propagate: the mask is all ones.
      if (saved.length >= n) saved.fill(1, 0, n);
      return;
    }
    const scale = 1 / (1 - attrs.rate);
    for (let i = 0; i < n; i++) {
      const keep = rng.uniform() >= attrs.rate ? scale : 0;
      saved[i] = keep;
      output[i] = x[i] * keep;
    }
  },

  backward({ batch, outShape, saved, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const n = batch * sizeOf(outShape);
    for (let i = 0; i < n; i++) dx[i] += outGrad[i] * saved[i];
  },
};
