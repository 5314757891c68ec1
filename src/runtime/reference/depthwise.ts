// Depthwise convolution: each input channel c has `multiplier` filters; output channel
// c·multiplier + m comes from input channel c. Kernel [k_h, k_w, C, multiplier], which per tap
// is one weight per output channel, so the inner loops run over output channels.
import type { ParamSpec } from "../ops.ts";
import type { Kernel, Shape } from "../kernel.ts";
import type { ConvGeometry } from "./conv-geometry.ts";
import { addBias, addBiasGrad } from "./conv-geometry.ts";
import { applyEpilogue } from "../gemm.ts";

export interface DepthwiseAttrs {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly pad: readonly [number, number, number, number];
  readonly dilation: readonly [number, number];
  readonly multiplier: number;
}

export function depthwiseGeometry(a: DepthwiseAttrs, inShape: Shape, outShape: Shape): ConvGeometry {
  return {
    h: inShape[0],
    w: inShape[1],
    c: inShape[2],
    outH: outShape[0],
    outW: outShape[1],
    kh: a.kernel[0],
    kw: a.kernel[1],
    strideH: a.stride[0],
    strideW: a.stride[1],
    pad: a.pad,
    dilationH: a.dilation[0],
    dilationW: a.dilation[1],
  };
}

/** y = depthwise(x) (no bias), overwriting y. */
export function depthwiseForward(
  g: ConvGeometry,
  multiplier: number,
  batch: number,
  x: Float32Array,
  kernel: Float32Array,
  y: Float32Array,
): void {
  const { h, w, c, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW } = g;
  const top = g.pad[0];
  const left = g.pad[2];
  const outC = c * multiplier;
  y.fill(0, 0, batch * outH * outW * outC);
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((n * outH + oy) * outW + ox) * outC;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strideH - top + ky * dilationH;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * strideW - left + kx * dilationW;
            if (ix < 0 || ix >= w) continue;
            const xi = ((n * h + iy) * w + ix) * c;
            const wi = (ky * kw + kx) * outC;
            if (multiplier === 1) {
              for (let ch = 0; ch < c; ch++) y[o + ch] += x[xi + ch] * kernel[wi + ch];
              continue;
            }
            for (let ch = 0, oc = 0; ch < c; ch++) {
              const xv = x[xi + ch];
              for (let m = 0; m < multiplier; m++, oc++) y[o + oc] += xv * kernel[wi + oc];
            }
          }
        }
      }
    }
  }
}

/** Accumulates dx and dKernel (either may be null) from dy. */
export function depthwiseBackward(
  g: ConvGeometry,
  multiplier: number,
  batch: number,
  x: Float32Array,
  kernel: Float32Array,
  dy: Float32Array,
  dx: Float32Array | null,
  dKernel: Float32Array | null,
): void {
  const { h, w, c, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW } = g;
  const top = g.pad[0];
  const left = g.pad[2];
  const outC = c * multiplier;
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++) {
        const o = ((n * outH + oy) * outW + ox) * outC;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strideH - top + ky * dilationH;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * strideW - left + kx * dilationW;
            if (ix < 0 || ix >= w) continue;
            const xi = ((n * h + iy) * w + ix) * c;
            const wi = (ky * kw + kx) * outC;
            for (let ch = 0, oc = 0; ch < c; ch++) {
              const xv = x[xi + ch];
              let dxv = 0;
              for (let m = 0; m < multiplier; m++, oc++) {
                const g = dy[o + oc];
                dxv += g * kernel[wi + oc];
                if (dKernel) dKernel[wi + oc] += g * xv;
              }
              if (dx) dx[xi + ch] += dxv;
            }
          }
        }
      }
    }
  }
}

export const depthwiseKernel: Kernel<"depthwise"> = {
  backwardReads: { inputs: true, output: false },
  fusesActivation: true,
  params(a, [inShape]) {
    const specs: ParamSpec[] = [
      { name: "kernel", shape: [a.kernel[0], a.kernel[1], inShape[2], a.multiplier], trainable: true },
    ];
    if (a.bias) specs.push({ name: "bias", shape: [inShape[2] * a.multiplier], trainable: true });
    return specs;
  },

  forward({ attrs, batch, inShapes, outShape, inputs, output, params, activation }) {
    const g = depthwiseGeometry(attrs, inShapes[0], outShape);
    depthwiseForward(g, attrs.multiplier, batch, inputs[0], params[0], output);
    const outC = g.c * attrs.multiplier;
    if (params[1]) addBias(output, batch * g.outH * g.outW, outC, params[1]);
    if (activation) applyEpilogue({ activation }, batch * g.outH * g.outW, outC, output, 0, outC);
  },

  backward({ attrs, batch, inShapes, outShape, inputs, params, outGrad, inGrads, paramGrads }) {
    const g = depthwiseGeometry(attrs, inShapes[0], outShape);
    depthwiseBackward(g, attrs.multiplier, batch, inputs[0], params[0], outGrad, inGrads[0], paramGrads[0]);
    const dBias = paramGrads[1];
    if (dBias) addBiasGrad(outGrad, batch * g.outH * g.outW, g.c * attrs.multiplier, dBias);
  },
};
