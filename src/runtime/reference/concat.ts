// Concatenation along any axis of the per-sample shape: each input contributes one contiguous
// block per "outer" index (batch and the axes before `axis`).
import type { Kernel, Shape } from "../kernel.ts";

/** Floats per outer index that input `shape` contributes, and the outer count. */
function blocks(shape: Shape, axis: number, batch: number): { outer: number; block: number } {
  let outer = batch;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let block = 1;
  for (let i = axis; i < shape.length; i++) block *= shape[i];
  return { outer, block };
}

export const concatKernel: Kernel<"concat"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  forward({ attrs, batch, inShapes, outShape, inputs, output }) {
    const { outer, block: outBlock } = blocks(outShape, attrs.axis, batch);
    let start = 0;
    inputs.forEach((x, i) => {
      const { block } = blocks(inShapes[i], attrs.axis, batch);
      for (let o = 0; o < outer; o++) output.set(x.subarray(o * block, (o + 1) * block), o * outBlock + start);
      start += block;
    });
  },
  backward({ attrs, batch, inShapes, outShape, outGrad, inGrads }) {
    const { outer, block: outBlock } = blocks(outShape, attrs.axis, batch);
    let start = 0;
    inGrads.forEach((dx, i) => {
      const { block } = blocks(inShapes[i], attrs.axis, batch);
      if (dx) {
        for (let o = 0; o < outer; o++) {
          const src = o * outBlock + start;
          for (let j = 0; j < block; j++) dx[o * block + j] += outGrad[src + j];
        }
      }
      start += block;
    });
  },
};
