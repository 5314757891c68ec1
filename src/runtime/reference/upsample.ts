// Upsampling by an integer factor: nearest (output pixel y reads y/f floored) or bilinear with
// PyTorch's align_corners=False (source = (y + 0.5)/f − 0.5, clamped at 0, edge-clamped).
// Each output row/column reads two source rows/columns with weights 1 − λ and λ (nearest:
// the same one twice, λ = 0); backward sends the gradient back along the same taps.
import type { Kernel } from "../kernel.ts";

interface Taps {
  readonly first: Int32Array;
  readonly second: Int32Array;
  readonly lambda: Float64Array;
}

function taps(outSize: number, inSize: number, factor: number, bilinear: boolean): Taps {
  const first = new Int32Array(outSize);
  const second = new Int32Array(outSize);
  const lambda = new Float64Array(outSize);
  for (let o = 0; o < outSize; o++) {
    if (!bilinear) {
      first[o] = second[o] = Math.floor(o / factor);
      continue;
    }
    const src = Math.max((o + 0.5) / factor - 0.5, 0);
    first[o] = Math.min(Math.floor(src), inSize - 1);
    second[o] = Math.min(first[o] + 1, inSize - 1);
    lambda[o] = src - first[o];
  }
  return { first, second, lambda };
}

/** Runs visit(outPixelOffset, inPixelOffset, weight) over every tap of the batch. */
function eachTap(
  attrs: { readonly factor: number; readonly mode: "nearest" | "bilinear" },
  inShape: readonly number[],
  outShape: readonly number[],
  batch: number,
  transfer: (o: number, i: number, weight: number, c: number) => void,
): void {
  const [h, w, c] = inShape;
  const [outH, outW] = outShape;
  const bilinear = attrs.mode === "bilinear";
  const ys = taps(outH, h, attrs.factor, bilinear);
  const xs = taps(outW, w, attrs.factor, bilinear);
  for (let n = 0; n < batch; n++) {
    for (let y = 0; y < outH; y++) {
      const row0 = (n * h + ys.first[y]) * w;
      const row1 = (n * h + ys.second[y]) * w;
      const ly = ys.lambda[y];
      for (let x = 0; x < outW; x++) {
        const o = ((n * outH + y) * outW + x) * c;
        const lx = xs.lambda[x];
        const x0 = xs.first[x];
        const x1 = xs.second[x];
        transfer(o, (row0 + x0) * c, (1 - ly) * (1 - lx), c);
        if (!bilinear) continue;
        transfer(o, (row0 + x1) * c, (1 - ly) * lx, c);
        transfer(o, (row1 + x0) * c, ly * (1 - lx), c);
        transfer(o, (row1 + x1) * c, ly * lx, c);
      }
    }
  }
}

export const upsampleKernel: Kernel<"upsample"> = {
  params: () => [],
  backwardReads: { inputs: false, output: false },
  forward({ attrs, batch, inShapes, outShape, inputs, output }) {
    const x = inputs[0];
    output.fill(0, 0, batch * outShape[0] * outShape[1] * outShape[2]);
    eachTap(attrs, inShapes[0], outShape, batch, (o, i, weight, c) => {
      for (let ch = 0; ch < c; ch++) output[o + ch] += weight * x[i + ch];
    });
  },
  backward({ attrs, batch, inShapes, outShape, outGrad, inGrads }) {
    const dx = inGrads[0];
    if (!dx) return;
    eachTap(attrs, inShapes[0], outShape, batch, (o, i, weight, c) => {
      for (let ch = 0; ch < c; ch++) dx[i + ch] += weight * outGrad[o + ch];
    });
  },
};
