// Softmax and log-softmax along any axis of the per-sample shape, max-shifted for stability.
// Backward uses the output: softmax dx = y·(dy − Σ dy·y); log-softmax dx = dy − e^y·Σ dy.
import type { AttrsFor, Kernel, Shape } from "../kernel.ts";

/** The tensor as [outer, axis, inner] with the batch folded into outer. */
function layout(shape: Shape, axis: number, batch: number) {
  let outer = batch;
  for (let i = 0; i < axis; i++) outer *= shape[i];
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i];
  return { outer, len: shape[axis], inner };
}

function softmaxForward(log: boolean, x: Float32Array, y: Float32Array, outer: number, len: number, inner: number) {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let max = -Infinity;
      for (let a = 0; a < len; a++) max = Math.max(max, x[base + a * inner]);
      // Softmax keeps each exponential in y on the way (one exp per element; y may be x).
      let sum = 0;
      for (let a = 0; a < len; a++) {
        const e = Math.exp(x[base + a * inner] - max);
        if (!log) y[base + a * inner] = e;
        sum += e;
      }
      if (log) {
        const logSum = Math.log(sum);
        for (let a = 0; a < len; a++) y[base + a * inner] = x[base + a * inner] - max - logSum;
      } else {
        const scale = 1 / sum;
        for (let a = 0; a < len; a++) y[base + a * inner] *= scale;
      }
    }
  }
}

function softmaxBackward(
  log: boolean,
  y: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  outer: number,
  len: number,
  inner: number,
) {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let dot = 0;
      for (let a = 0; a < len; a++) {
        const j = base + a * inner;
        dot += log ? dy[j] : dy[j] * y[j];
      }
      for (let a = 0; a < len; a++) {
        const j = base + a * inner;
        dx[j] += log ? dy[j] - Math.exp(y[j]) * dot : y[j] * (dy[j] - dot);
      }
    }
  }
}

function makeSoftmaxKernel<K extends "softmax" | "log_softmax">(log: boolean): Kernel<K> {
  return {
    params: () => [],
    backwardReads: { inputs: false, output: true },
    forward({ attrs, batch, outShape, inputs, output }) {
      const { outer, len, inner } = layout(outShape, (attrs as AttrsFor<"softmax">).axis, batch);
      softmaxForward(log, inputs[0], output, outer, len, inner);
    },
    backward({ attrs, batch, outShape, output, outGrad, inGrads }) {
      const dx = inGrads[0];
      if (!dx) return;
      const { outer, len, inner } = layout(outShape, (attrs as AttrsFor<"softmax">).axis, batch);
      softmaxBackward(log, output, outGrad, dx, outer, len, inner);
    },
  };
}

export const softmaxKernel = makeSoftmaxKernel<"softmax">(false);
export const logSoftmaxKernel = makeSoftmaxKernel<"log_softmax">(true);
