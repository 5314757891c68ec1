// Weight tensors arrive in Keras layouts (spec section 9); ONNX wants PyTorch's.

/** Row-major transpose: output axis i is input axis perm[i]. */
export function transposeTensor(data: Float32Array, dims: readonly number[], perm: readonly number[]): Float32Array {
  const rank = dims.length;
  const outDims = perm.map((p) => dims[p]);
  const inStrides = new Array<number>(rank);
  for (let a = rank - 1, s = 1; a >= 0; a--) {
    inStrides[a] = s;
    s *= dims[a];
  }
  const strideOfOut = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let offset = 0;
    for (let a = 0; a < rank; a++) offset += index[a] * strideOfOut[a];
    out[o] = data[offset];
    for (let a = rank - 1; a >= 0; a--) {
      if (++index[a] < outDims[a]) break;
      index[a] = 0;
    }
  }
  return out;
}

export interface OnnxWeight {
  readonly dims: readonly number[];
  readonly values: Float32Array;
}

/** conv/pointwise `[kh, kw, Cin/groups, F]` → Conv `[F, Cin/groups, kh, kw]`. */
export function convKernel(kernel: Float32Array, [kh, kw, cin, f]: readonly number[]): OnnxWeight {
  return { dims: [f, cin, kh, kw], values: transposeTensor(kernel, [kh, kw, cin, f], [3, 2, 0, 1]) };
}

/** depthwise `[kh, kw, C, mult]` → group Conv `[C·mult, 1, kh, kw]` (output channel c·mult + m). */
export function depthwiseKernel(kernel: Float32Array, [kh, kw, c, mult]: readonly number[]): OnnxWeight {
  return {
    dims: [c * mult, 1, kh, kw],
    values: transposeTensor(kernel, [kh, kw, c, mult], [2, 3, 0, 1]),
  };
}

/** conv_transpose `[kh, kw, F, Cin]` → ConvTranspose `[Cin, F, kh, kw]`. */
export function convTransposeKernel(kernel: Float32Array, [kh, kw, f, cin]: readonly number[]): OnnxWeight {
  return { dims: [cin, f, kh, kw], values: transposeTensor(kernel, [kh, kw, f, cin], [3, 2, 0, 1]) };
}
