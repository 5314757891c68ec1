// The bundled segmentation dataset (`--data nuclei`): grey microscopy-like images of blurred,
// partly touching elliptical nuclei on a noisy, unevenly lit background, with binary masks.
// Generated procedurally from a seed — no download — and prefix-stable: the first k images of
// a larger set are the k images of a smaller one with the same seed.
import { Rng } from "../runtime/rng.ts";
import { drawNucleiImage } from "./nuclei/draw.ts";

export { centerCropTargets } from "./nuclei/center-crop.ts";

export interface NucleiOptions {
  readonly count: number;
  /** Images are size×size. */
  readonly size: number;
  readonly seed: number;
}

export interface NucleiData {
  /** [N, H, W, 1] in [0, 1]. */
  readonly images: Float32Array;
  /** [N, H, W, 1] in {0, 1}. */
  readonly masks: Float32Array;
  readonly shape: readonly [number, number, number, number];
}

/** The bundled dataset: 400 images of 96×96 from seed 0; the first 320 train, the last 80 validate. */
export const NUCLEI_DEFAULTS = { count: 400, size: 96, seed: 0, trainFraction: 0.8 } as const;

export function generateNuclei({ count, size, seed }: NucleiOptions): NucleiData {
  if (!Number.isInteger(count) || count < 1) throw new Error(`nuclei: count must be a positive integer, got ${count}`);
  if (!Number.isInteger(size) || size < 16)
    throw new Error(`nuclei: size must be an integer of at least 16 pixels, got ${size}`);
  const rng = new Rng(seed);
  const pixels = size * size;
  const images = new Float32Array(count * pixels);
  const masks = new Float32Array(count * pixels);
  for (let i = 0; i < count; i++) {
    drawNucleiImage(
      rng,
      size,
      images.subarray(i * pixels, (i + 1) * pixels),
      masks.subarray(i * pixels, (i + 1) * pixels),
    );
  }
  return { images, masks, shape: [count, size, size, 1] };
}

/** The fixed split: the first round(count · 0.8) images train, the rest validate. */
export function splitNuclei(data: NucleiData): { train: NucleiData; validation: NucleiData } {
  const [count, h, w, c] = data.shape;
  const trainCount = Math.round(count * NUCLEI_DEFAULTS.trainFraction);
  const part = (from: number, to: number): NucleiData => ({
    images: data.images.subarray(from * h * w * c, to * h * w * c),
    masks: data.masks.subarray(from * h * w * c, to * h * w * c),
    shape: [to - from, h, w, c],
  });
  return { train: part(0, trainCount), validation: part(trainCount, count) };
}

/** The bundled dataset, split: what `--data nuclei` trains and validates on. */
export function loadNuclei(options: Partial<NucleiOptions> = {}): { train: NucleiData; validation: NucleiData } {
  const { count, size, seed } = NUCLEI_DEFAULTS;
  return splitNuclei(generateNuclei({ count, size, seed, ...options }));
}
