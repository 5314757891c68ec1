// Max and average pooling over NHWC windows. Max pads with −∞ (padding never wins); average
// divides by k_h·k_w when includePad (PyTorch's count_include_pad), else by the count of real
// pixels in the window. Max backward re-finds the first maximum of each window (PyTorch's
// tie rule) instead of storing indices.
import type { AttrsFor, Kernel, Shape } from "../kernel.ts";

type PoolAttrs = AttrsFor<"maxpool">;

/** Visits every output pixel with its window [y0, y1) × [x0, x1) clipped to the image. */
function forEachWindow(
  a: PoolAttrs,
  inShape: Shape,
  outShape: Shape,
  batch: number,
  visit: (inBase: number, outIndex: number, y0: number, y1: number, x0: number, x1: number) => void,
): void {
  const [h, w, c] = inShape;
  const [outH, outW] = outShape;
  const [kh, kw] = a.kernel;
  const [sh, sw] = a.stride;
  const top = a.pad[0];
  const left = a.pad[2];
  for (let n = 0; n < batch; n++) {
    for (let oy = 0; oy < outH; oy++) {
      const ys = oy * sh - top;
      const y0 = Math.max(ys, 0);
      const y1 = Math.min(ys + kh, h);
      for (let ox = 0; ox < outW; ox++) {
        const xs = ox * sw - left;
        visit(n * h * w * c, ((n * outH + oy) * outW + ox) * c, y0, y1, Math.max(xs, 0), Math.min(xs + kw, w));
      }
    }
  }
}

function params() {
  return [];
}

export const maxpoolKernel: Kernel<"maxpool"> = {
  backwardReads: { inputs: true, output: false },
  params,
  forward({ attrs, batch, inShapes, outShape, inputs, output }) {
    const x = inputs[0];
    const [, w, c] = inShapes[0];
    forEachWindow(attrs, inShapes[0], outShape, batch, (base, o, y0, y1, x0, x1) => {
      for (let ch = 0; ch < c; ch++) {
        let best = -Infinity;
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const v = x[base + (y * w + xx) * c + ch];
            if (v > best) best = v;
          }
        }
        output[o + ch] = best;
      }
    });
  },
  backward({ attrs, batch, inShapes, outShape, inputs, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const x = inputs[0];
    const [, w, c] = inShapes[0];
    forEachWindow(attrs, inShapes[0], outShape, batch, (base, o, y0, y1, x0, x1) => {
      for (let ch = 0; ch < c; ch++) {
        let best = -Infinity;
        let at = -1;
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) {
            const i = base + (y * w + xx) * c + ch;
            if (x[i] > best || at < 0) {
              best = x[i];
              at = i;
            }
          }
        }
        if (at >= 0) dx[at] += outGrad[o + ch];
      }
    });
  },
};

function divisor(a: PoolAttrs, rows: number, cols: number): number {
  return a.includePad ? a.kernel[0] * a.kernel[1] : rows * cols;
}

export const avgpoolKernel: Kernel<"avgpool"> = {
  backwardReads: { inputs: false, output: false },
  params,
  forward({ attrs, batch, inShapes, outShape, inputs, output }) {
    const x = inputs[0];
    const [, w, c] = inShapes[0];
    forEachWindow(attrs, inShapes[0], outShape, batch, (base, o, y0, y1, x0, x1) => {
      const scale = 1 / divisor(attrs, y1 - y0, x1 - x0);
      for (let ch = 0; ch < c; ch++) {
        let sum = 0;
        for (let y = y0; y < y1; y++) {
          for (let xx = x0; xx < x1; xx++) sum += x[base + (y * w + xx) * c + ch];
        }
        output[o + ch] = sum * scale;
      }
    });
  },
  backward({ attrs, batch, inShapes, outShape, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    const [, w, c] = inShapes[0];
    forEachWindow(attrs, inShapes[0], outShape, batch, (base, o, y0, y1, x0, x1) => {
      const scale = 1 / divisor(attrs, y1 - y0, x1 - x0);
      for (let y = y0; y < y1; y++) {
        for (let xx = x0; xx < x1; xx++) {
          const i = base + (y * w + xx) * c;
          for (let ch = 0; ch < c; ch++) dx[i + ch] += outGrad[o + ch] * scale;
        }
      }
    });
  },
};
