// Global average / max pooling over H·W per channel; keepdims only changes the shape.
import type { Kernel } from "../kernel.ts";

function dims(inShape: readonly number[]): { pixels: number; c: number } {
  const c = inShape[inShape.length - 1];
  let pixels = 1;
  for (let i = 0; i < inShape.length - 1; i++) pixels *= inShape[i];
  return { pixels, c };
}

export const globalAvgpoolKernel: Kernel<"globalavgpool"> = {
  backwardReads: { inputs: false, output: false },
  params: () => [],
  forward({ batch, inShapes, inputs, output }) {
    const x = inputs[0];
    const { pixels, c } = dims(inShapes[0]);
    output.fill(0, 0, batch * c);
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < pixels; p++) {
        const i = (n * pixels + p) * c;
        for (let ch = 0; ch < c; ch++) output[n * c + ch] += x[i + ch];
      }
      for (let ch = 0; ch < c; ch++) output[n * c + ch] /= pixels;
    }
  },
  backward({ batch, inShapes, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const { pixels, c } = dims(inShapes[0]);
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < pixels; p++) {
        const i = (n * pixels + p) * c;
        for (let ch = 0; ch < c; ch++) dx[i + ch] += outGrad[n * c + ch] / pixels;
      }
    }
  },
};

export const globalMaxpoolKernel: Kernel<"globalmaxpool"> = {
  backwardReads: { inputs: true, output: false },
  params: () => [],
  forward({ batch, inShapes, inputs, output }) {
    const x = inputs[0];
    const { pixels, c } = dims(inShapes[0]);
    output.fill(-Infinity, 0, batch * c);
    for (let n = 0; n < batch; n++) {
      for (let p = 0; p < pixels; p++) {
        const i = (n * pixels + p) * c;
        for (let ch = 0; ch < c; ch++) {
          if (x[i + ch] > output[n * c + ch]) output[n * c + ch] = x[i + ch];
        }
      }
    }
  },
  backward({ batch, inShapes, inputs, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const x = inputs[0];
    const { pixels, c } = dims(inShapes[0]);
    for (let n = 0; n < batch; n++) {
      for (let ch = 0; ch < c; ch++) {
        // The first maximum takes the gradient, as in maxpool.
        let at = n * pixels * c + ch;
        for (let p = 1; p < pixels; p++) {
          const i = (n * pixels + p) * c + ch;
          if (x[i] > x[at]) at = i;
        }
        dx[at] += outGrad[n * c + ch];
      }
    }
  },
};
