// Padding an image for tiling. "mirror" has NumPy's `reflect` semantics (the edge pixel is not
// repeated), extended to pads larger than the image by reflecting again and again — a periodic
// extension with period 2·(n − 1), exactly what `np.pad(x, pads, "reflect")` returns for any
// pad size. "zero" pads with zeros.
import type { Pad4 } from "../../runtime/ops.ts";

export type PadMode = "mirror" | "zero";

/** The source index of coordinate i (any integer) in an axis of length n, reflected. */
export function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0; // NumPy repeats a single pixel
  const period = 2 * (n - 1);
  const m = ((i % period) + period) % period;
  return m < n ? m : period - m;
}

/** Pads a [H, W, C] image by [top, bottom, left, right]. Returns the [H', W', C] data. */
export function padImage(image: Float32Array, shape: readonly [number, number, number], pad: Pad4, mode: PadMode = "mirror"): Float32Array {
  const [h, w, c] = shape;
  if (image.length !== h * w * c) {
    throw new Error(`padImage: image has ${image.length} values, expected ${h}·${w}·${c} = ${h * w * c} for shape [${h}, ${w}, ${c}]`);
  }
  const [top, bottom, left, right] = pad;
  const outW = w + left + right;
  const out = new Float32Array((h + top + bottom) * outW * c);
  // Source index per canvas coordinate, −1 where a zero goes.
  const source = (i: number, n: number): number => (i >= 0 && i < n ? i : mode === "mirror" ? reflectIndex(i, n) : -1);
  const sourceX = Array.from({ length: outW }, (_, x) => source(x - left, w));
  for (let y = 0; y < h + top + bottom; y++) {
    const sy = source(y - top, h);
    if (sy < 0) continue;
    for (let x = 0; x < outW; x++) {
      if (sourceX[x] < 0) continue;
      const src = (sy * w + sourceX[x]) * c;
      const dst = (y * outW + x) * c;
      for (let ch = 0; ch < c; ch++) out[dst + ch] = image[src + ch];
    }
  }
  return out;
}
