// transpose: output axis i is input axis perm[i] (per-sample axes; the batch stays first).
// Backward is the inverse permutation, accumulated.
import type { Kernel, Shape } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

/** For each output element in order, the offset of the input element it copies. */
function permute(
  inShape: Shape,
  perm: readonly number[],
  batch: number,
  visit: (outIndex: number, inIndex: number) => void,
): void {
  const rank = inShape.length;
  const inStrides = new Array<number>(rank);
  for (let d = rank - 1, s = 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= inShape[d];
  }
  const outDims = perm.map((p) => inShape[p]);
  const strides = perm.map((p) => inStrides[p]);
  const size = sizeOf(inShape);
  const index = new Array<number>(rank).fill(0);
  for (let n = 0; n < batch; n++) {
    let at = 0;
    for (let o = 0; o < size; o++) {
      visit(n * size + o, n * size + at);
      for (let d = rank - 1; d >= 0; d--) {
        index[d]++;
        at += strides[d];
        if (index[d] < outDims[d]) break;
        at -= strides[d] * outDims[d];
        index[d] = 0;
      }
    }
  }
}

export const transposeKernel: Kernel<"transpose"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  forward({ attrs, batch, inShapes, inputs, output }) {
    const x = inputs[0];
    permute(inShapes[0], attrs.perm, batch, (o, i) => (output[o] = x[i]));
  },
  backward({ attrs, batch, inShapes, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    permute(inShapes[0], attrs.perm, batch, (o, i) => (dx[i] += outGrad[o]));
  },
};
