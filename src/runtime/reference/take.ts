// take: one position of a sequence, [T, C] → [C] (ViT's class token, BERT's pooler input).
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

export const takeKernel: Kernel<"take"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  forward({ attrs, batch, inShapes, inputs, output }) {
    const size = sizeOf(inShapes[0]);
    const row = size / inShapes[0][0];
    for (let n = 0; n < batch; n++) {
      const from = n * size + attrs.index * row;
      output.set(inputs[0].subarray(from, from + row), n * row);
    }
  },
  backward({ attrs, batch, inShapes, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const size = sizeOf(inShapes[0]);
    const row = size / inShapes[0][0];
    for (let n = 0; n < batch; n++) {
      const at = n * size + attrs.index * row;
      for (let c = 0; c < row; c++) dx[at + c] += outGrad[n * row + c];
    }
  },
};
