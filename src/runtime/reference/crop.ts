// Crop [H, W, C] to the node's [H', W', C] starting at (top, left) — U-Net's centre crop.
import type { Kernel } from "../kernel.ts";

export const cropKernel: Kernel<"crop"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  forward({ attrs, batch, inShapes, outShape, inputs, output }) {
    const [h, w, c] = inShapes[0];
    const [outH, outW] = outShape;
    const x = inputs[0];
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outH; y++) {
        const src = ((n * h + y + attrs.top) * w + attrs.left) * c;
        output.set(x.subarray(src, src + outW * c), (n * outH + y) * outW * c);
      }
    }
  },
  backward({ attrs, batch, inShapes, outShape, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const [h, w, c] = inShapes[0];
    const [outH, outW] = outShape;
    for (let n = 0; n < batch; n++) {
      for (let y = 0; y < outH; y++) {
        const dst = ((n * h + y + attrs.top) * w + attrs.left) * c;
        const src = (n * outH + y) * outW * c;
        for (let j = 0; j < outW * c; j++) dx[dst + j] += outGrad[src + j];
      }
    }
  },
};
