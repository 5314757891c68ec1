// Training-time augmentation (`augment: shift(n)` in a train section): each image of a batch is
// moved by a random whole number of pixels, −n … n on each axis, independently per sample, and
// the uncovered border is filled with zeros (the background of MNIST-style data). Random shifts
// teach a model the translation invariance a convolution has built in — a Vision Transformer,
// which has no notion of locality, learns it from them.
import { Rng } from "../runtime/rng.ts";
import type { TrainConfig } from "../ir/graph.ts";
import { randomBelow } from "./shuffle.ts";

/** Shifts each of the `count` images `[H, W, C]` in `x` in place. */
export function shiftImages(x: Float32Array, count: number, shape: readonly number[], pixels: number, rng: Rng): void {
  const [h, w, c] = shape as [number, number, number];
  const per = h * w * c;
  const moved = new Float32Array(per);
  for (let n = 0; n < count; n++) {
    const dy = randomBelow(rng, 2 * pixels + 1) - pixels;
    const dx = randomBelow(rng, 2 * pixels + 1) - pixels;
    if (dy === 0 && dx === 0) continue;
    const image = x.subarray(n * per, (n + 1) * per);
    moved.fill(0);
    // Output row y reads input row y − dy; columns x0 … x1 of it have a source inside the image.
    const x0 = Math.max(0, dx);
    const x1 = Math.min(w, w + dx);
    for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
      const from = ((y - dy) * w + (x0 - dx)) * c;
      moved.set(image.subarray(from, from + (x1 - x0) * c), (y * w + x0) * c);
    }
    image.set(moved);
  }
}

/** Applies the train section's augmentation to one training batch. The random draws depend on
 * the seed and the step only, so a resumed run augments exactly as an uninterrupted one. */
export function augmentBatch(
  config: TrainConfig,
  step: number,
  x: Float32Array,
  count: number,
  inputShape: readonly number[],
): void {
  if (config.augment.kind === "none") return;
  const rng = new Rng((Math.imul(config.seed + 1, 0x9e3779b1) ^ Math.imul(step + 1, 0x85ebca6b)) >>> 0);
  shiftImages(x, count, inputShape, config.augment.pixels, rng);
}
