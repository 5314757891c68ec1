// Piecewise-linear elementwise ops with attributes or params: clip (PyTorch's clamp, gradient
// passed where min ≤ x ≤ max) and prelu (a learned negative slope per channel, the last axis).
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

export const clipKernel: Kernel<"clip"> = {
  params: () => [],
  backwardReads: { inputs: true, output: false },
  forward({ attrs, batch, outShape, inputs, output }) {
    const x = inputs[0];
    const n = batch * sizeOf(outShape);
    for (let i = 0; i < n; i++) output[i] = Math.min(Math.max(x[i], attrs.min), attrs.max);
  },
  backward({ attrs, batch, outShape, inputs, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const x = inputs[0];
    const n = batch * sizeOf(outShape);
    for (let i = 0; i < n; i++) if (x[i] >= attrs.min && x[i] <= attrs.max) dx[i] += outGrad[i];
  },
};

export const preluKernel: Kernel<"prelu"> = {
  params: (_attrs, [inShape]) => [{ name: "alpha", shape: [inShape[inShape.length - 1]], trainable: true }],
  backwardReads: { inputs: true, output: false },
  forward({ batch, outShape, inputs, output, params }) {
    const x = inputs[0];
    const alpha = params[0];
    const c = outShape[outShape.length - 1];
    const n = batch * sizeOf(outShape);
    for (let i = 0; i < n; i += c) {
      for (let j = 0; j < c; j++) {
        const v = x[i + j];
        output[i + j] = v > 0 ? v : alpha[j] * v;
      }
    }
  },
  backward({ batch, outShape, inputs, params, outGrad, inGrads, paramGrads }) {
    const x = inputs[0];
    const dx = inGrads[0];
    const [alpha] = params;
    const [dAlpha] = paramGrads;
    const c = outShape[outShape.length - 1];
    const n = batch * sizeOf(outShape);
    for (let i = 0; i < n; i += c) {
      for (let j = 0; j < c; j++) {
        const v = x[i + j];
        const g = outGrad[i + j];
        if (v > 0) {
          if (dx) dx[i + j] += g;
        } else {
          if (dx) dx[i + j] += alpha[j] * g;
          if (dAlpha) dAlpha[j] += v * g;
        }
      }
    }
  },
};
