// add / mul / sub / div / maximum / minimum of two or more inputs (sub and div fold left) with NHWC broadcasting: per-sample shapes are aligned at the
// trailing dimension and a size-1 dimension stretches. Gradients are summed back over the
// dimensions an input was stretched along.
import type { Kernel, Shape } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

const SET = 0;
const ADD = 1;
const MUL = 2;
const SUB = 3;
const DIV = 4;
const MAX = 5;
const MIN = 6;
type Combine = typeof SET | typeof ADD | typeof MUL | typeof SUB | typeof DIV | typeof MAX | typeof MIN;
type Merge = "add" | "mul" | "sub" | "div" | "maximum" | "minimum";

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
    else if (combine === MUL) for (let j = 0; j < lastLen; j++) out[o + j] *= x[off + j * lastStride];
    else if (combine === SUB) for (let j = 0; j < lastLen; j++) out[o + j] -= x[off + j * lastStride];
    else if (combine === DIV) for (let j = 0; j < lastLen; j++) out[o + j] /= x[off + j * lastStride];
    else if (combine === MAX) for (let j = 0; j < lastLen; j++) out[o + j] = Math.max(out[o + j], x[off + j * lastStride]);
    else for (let j = 0; j < lastLen; j++) out[o + j] = Math.min(out[o + j], x[off + j * lastStride]);
    off = advance(index, dims, strides, off);
  }
}

/** dx[the element o reads] += sign·dy[o]: the adjoint of expandInto. */
function reduceInto(dy: Float32Array, strides: number[], dims: number[], dx: Float32Array, sign = 1): void {
  const last = dims.length - 1;
  const lastLen = dims[last];
  const lastStride = strides[last];
  const rows = sizeOf(dims) / lastLen;
  const index = new Array<number>(last).fill(0);
  for (let r = 0, o = 0, off = 0; r < rows; r++, o += lastLen) {
    if (sign === 1) for (let j = 0; j < lastLen; j++) dx[off + j * lastStride] += dy[o + j];
    else for (let j = 0; j < lastLen; j++) dx[off + j * lastStride] -= dy[o + j];
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

const COMBINE: Record<Merge, Combine> = { add: ADD, mul: MUL, sub: SUB, div: DIV, maximum: MAX, minimum: MIN };

function makeBroadcastKernel<K extends Merge>(merge: K): Kernel<K> {
  const combine = COMBINE[merge];
  // add's and sub's gradients are the output gradient; the others need the inputs (div and
  // maximum/minimum the output too).
  const linear = combine === ADD || combine === SUB;
  const scratchBuffers = linear ? 0 : combine === MUL || combine === DIV ? 1 : 2;
  return {
    params: () => [],
    backwardReads: { inputs: !linear, output: combine === DIV || combine === MAX || combine === MIN },
    scratchSize: ({ outShape, maxBatch, training }) => (training ? scratchBuffers * maxBatch * sizeOf(outShape) : 0),
    forward({ batch, inShapes, outShape, inputs, output }) {
      const dims = [batch, ...outShape];
      inputs.forEach((x, i) =>
        expandInto(x, broadcastStrides(inShapes[i], outShape), dims, output, i === 0 ? SET : combine),
      );
    },
    backward({ batch, inShapes, outShape, inputs, output, scratch, outGrad, inGrads }) {
      const dims = [batch, ...outShape];
      const size = sizeOf(dims);
      const strides = inShapes.map((s) => broadcastStrides(s, outShape));
      const product = scratch.subarray(0, size);
      if (combine === MAX || combine === MIN) {
        extremumBackward(inputs, output, outGrad, inGrads, strides, dims, product, scratch.subarray(size, 2 * size));
        return;
      }
      inGrads.forEach((dx, i) => {
        if (!dx) return;
        if (linear) {
          // An input whose gradient buffer is the output gradient (exec/plan.ts aliases a residual
          // add's sole-reader inputs) already holds it.
          if (combine === ADD && dx === outGrad) return;
          reduceInto(outGrad, strides[i], dims, dx, combine === SUB && i > 0 ? -1 : 1);
          return;
        }
        product.set(outGrad.subarray(0, size));
        if (combine === MUL) {
          // d(Π x_j)/dx_i = Π_{j≠i} x_j, formed over the output's index space, then reduced.
          inputs.forEach((x, j) => {
            if (j !== i) expandInto(x, strides[j], dims, product, MUL);
          });
          reduceInto(product, strides[i], dims, dx);
        } else if (i === 0) {
          // y = x0 / (x1·x2·…): dy/dx0 = 1 / (x1·x2·…).
          inputs.forEach((x, j) => {
            if (j > 0) expandInto(x, strides[j], dims, product, DIV);
          });
          reduceInto(product, strides[i], dims, dx);
        } else {
          // dy/dxi = −y / xi.
          for (let o = 0; o < size; o++) product[o] *= output[o];
          expandInto(inputs[i], strides[i], dims, product, DIV);
          reduceInto(product, strides[i], dims, dx, -1);
        }
      });
    },
  };
}

/** maximum/minimum: each input equal to the output takes the gradient, split evenly between
 * ties (PyTorch's maximum halves it between two equal inputs). */
function extremumBackward(
  inputs: readonly Float32Array[],
  output: Float32Array,
  outGrad: Float32Array,
  inGrads: readonly (Float32Array | null)[],
  strides: number[][],
  dims: number[],
  values: Float32Array,
  ties: Float32Array,
): void {
  const size = values.length;
  ties.fill(0);
  inputs.forEach((x, j) => {
    expandInto(x, strides[j], dims, values, SET);
    for (let o = 0; o < size; o++) if (values[o] === output[o]) ties[o]++;
  });
  inGrads.forEach((dx, i) => {
    if (!dx) return;
    expandInto(inputs[i], strides[i], dims, values, SET);
    for (let o = 0; o < size; o++) values[o] = values[o] === output[o] ? outGrad[o] / ties[o] : 0;
    reduceInto(values, strides[i], dims, dx);
  });
}

export const addKernel = makeBroadcastKernel("add");
export const mulKernel = makeBroadcastKernel("mul");
export const subKernel = makeBroadcastKernel("sub");
export const divKernel = makeBroadcastKernel("div");
export const maximumKernel = makeBroadcastKernel("maximum");
export const minimumKernel = makeBroadcastKernel("minimum");
