// add / mul of two or more inputs with NHWC broadcasting: per-sample shapes are aligned at the
// trailing dimension and a size-1 dimension stretches. Gradients are summed back over the
// dimensions an input was stretched along.
import type { Kernel, Shape } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

const SET = 0;
const ADD = 1;
const MUL = 2;
type Combine = typeof SET | typeof ADD | typeof MUL;

/** Element strides of an input over the output's [batch, ...outShape] index space (0 = stretched). */
function broadcastStrides(inShape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank + 1).fill(0);
  let stride = 1;
  for (let d = rank - 1; d >= 0; d--) {
    const k = d - (rank - inShape.length);
    const size = k >= 0 ? inShape[k] : 1;
    strides[d + 1] = size === 1 && outShape[d] !== 1 ? 0 : stride;
    stride *= size;
  }
  strides[0] = stride;
  return strides;
}

/** out[o] = combine(out[o], x[the element of x that o reads]) for every output element. */
function expandInto(x: Float32Array, strides: number[], dims: number[], out: Float32Array, combine: Combine): void {
  const last = dims.length - 1;
  const lastLen = dims[last];
  const lastStride = strides[last];
  const rows = sizeOf(dims) / lastLen;
  const index = new Array<number>(last).fill(0);
  for (let r = 0, o = 0, off = 0; r < rows; r++, o += lastLen) {
    if (combine === SET) for (let j = 0; j < lastLen; j++) out[o + j] = x[off + j * lastStride];
    else if (combine === ADD) for (let j = 0; j < lastLen; j++) out[o + j] += x[off + j * lastStride];
    else for (let j = 0; j < lastLen; j++) out[o + j] *= x[off + j * lastStride];
    off = advance(index, dims, strides, off);
  }
}

/** dx[the element o reads] += dy[o]: the adjoint of expandInto. */
function reduceInto(dy: Float32Array, strides: number[], dims: number[], dx: Float32Array): void {
  const last = dims.length - 1;
  const lastLen = dims[last];
  const lastStride = strides[last];
  const rows = sizeOf(dims) / lastLen;
  const index = new Array<number>(last).fill(0);
  for (let r = 0, o = 0, off = 0; r < rows; r++, o += lastLen) {
    for (let j = 0; j < lastLen; j++) dx[off + j * lastStride] += dy[o + j];
    off = advance(index, dims, strides, off);
  }
}

/** Steps the odometer over all but the last dimension; returns the input offset. */
function advance(index: number[], dims: number[], strides: number[], off: number): number {
  for (let d = index.length - 1; d >= 0; d--) {
    index[d]++;
    off += strides[d];
    if (index[d] < dims[d]) return off;
    off -= strides[d] * dims[d];
    index[d] = 0;
  }
  return off;
}

function makeBroadcastKernel<K extends "add" | "mul">(combine: typeof ADD | typeof MUL): Kernel<K> {
  return {
    params: () => [],
    // add's gradient is the output gradient; mul's needs the other factors.
    backwardReads: { inputs: combine === MUL, output: false },
    scratchSize: ({ outShape, maxBatch, training }) => (combine === MUL && training ? maxBatch * sizeOf(outShape) : 0),
    forward({ batch, inShapes, outShape, inputs, output }) {
      const dims = [batch, ...outShape];
      inputs.forEach((x, i) =>
        expandInto(x, broadcastStrides(inShapes[i], outShape), dims, output, i === 0 ? SET : combine),
      );
    },
    backward({ batch, inShapes, outShape, inputs, scratch, outGrad, inGrads }) {
      const dims = [batch, ...outShape];
      const strides = inShapes.map((s) => broadcastStrides(s, outShape));
      inGrads.forEach((dx, i) => {
        if (!dx) return;
        if (combine === ADD) {
          reduceInto(outGrad, strides[i], dims, dx);
          return;
        }
        // d(Π x_j)/dx_i = Π_{j≠i} x_j, formed over the output's index space, then reduced.
        const product = scratch.subarray(0, sizeOf(dims));
        product.set(outGrad.subarray(0, product.length));
        inputs.forEach((x, j) => {
          if (j !== i) expandInto(x, strides[j], dims, product, MUL);
        });
        reduceInto(product, strides[i], dims, dx);
      });
    },
  };
}

export const addKernel = makeBroadcastKernel<"add">(ADD);
export const mulKernel = makeBroadcastKernel<"mul">(MUL);
