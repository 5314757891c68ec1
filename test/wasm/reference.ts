// Straightforward float64 references the WebAssembly kernels are checked against.
import type { ConvWindow, KernelActivation } from "../../src/runtime/wasm/host/kernels.ts";
import { convOutputSize } from "../../src/runtime/wasm/host/kernels.ts";

export function activate(x: number, activation: KernelActivation): number {
  if (activation === "relu") return Math.max(x, 0);
  if (activation === "relu6") return Math.min(Math.max(x, 0), 6);
  return x;
}

export interface GemmCase {
  m: number;
  n: number;
  k: number;
  /** A stored [m, k], or [k, m] when transposedA. */
  a: Float32Array;
  transposedA: boolean;
  /** B stored [k, n], or [n, k] when transposedB. */
  b: Float32Array;
  transposedB: boolean;
  c0: Float32Array;
  bias: Float32Array | null;
  accumulate: boolean;
  activation: KernelActivation;
}

export function gemmReference(t: GemmCase): Float64Array {
  const out = new Float64Array(t.m * t.n);
  for (let i = 0; i < t.m; i++) {
    for (let j = 0; j < t.n; j++) {
      let s = (t.accumulate ? t.c0[i * t.n + j]! : 0) + (t.bias ? t.bias[j]! : 0);
      for (let p = 0; p < t.k; p++) {
        const a = t.transposedA ? t.a[p * t.m + i]! : t.a[i * t.k + p]!;
        const b = t.transposedB ? t.b[j * t.k + p]! : t.b[p * t.n + j]!;
        s += a * b;
      }
      out[i * t.n + j] = activate(s, t.activation);
    }
  }
  return out;
}

/** Direct NHWC convolution, Keras kernel [kh, kw, C, filters]. */
export function convReference(g: ConvWindow, image: Float32Array, kernel: Float32Array, filters: number): Float64Array {
  const [oh, ow] = convOutputSize(g);
  const { batch, height: h, width: w, channels: c } = g;
  const out = new Float64Array(batch * oh * ow * filters);
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let f = 0; f < filters; f++) {
          let s = 0;
          for (let ky = 0; ky < g.kernel[0]; ky++)
            for (let kx = 0; kx < g.kernel[1]; kx++) {
              const iy = oy * g.stride[0] - g.pad[0] + ky * g.dilation[0];
              const ix = ox * g.stride[1] - g.pad[2] + kx * g.dilation[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              for (let ch = 0; ch < c; ch++)
                s += image[((b * h + iy) * w + ix) * c + ch]! * kernel[((ky * g.kernel[1] + kx) * c + ch) * filters + f]!;
            }
          out[((b * oh + oy) * ow + ox) * filters + f] = s;
        }
  return out;
}

/** Direct depthwise convolution (multiplier 1), weights [kh, kw, C]. */
export function depthwiseReference(
  g: ConvWindow,
  image: Float32Array,
  weights: Float32Array,
  bias: Float32Array | null,
  activation: KernelActivation,
): Float64Array {
  const [oh, ow] = convOutputSize(g);
  const { batch, height: h, width: w, channels: c } = g;
  const out = new Float64Array(batch * oh * ow * c);
  for (let b = 0; b < batch; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ch = 0; ch < c; ch++) {
          let s = bias ? bias[ch]! : 0;
          for (let ky = 0; ky < g.kernel[0]; ky++)
            for (let kx = 0; kx < g.kernel[1]; kx++) {
              const iy = oy * g.stride[0] - g.pad[0] + ky * g.dilation[0];
              const ix = ox * g.stride[1] - g.pad[2] + kx * g.dilation[1];
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
              s += image[((b * h + iy) * w + ix) * c + ch]! * weights[(ky * g.kernel[1] + kx) * c + ch]!;
            }
          out[((b * oh + oy) * ow + ox) * c + ch] = activate(s, activation);
        }
  return out;
}
