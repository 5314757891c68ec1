// Draws one synthetic microscopy image: an unevenly lit background, elliptical nuclei (some
// touching or overlapping), a Gaussian blur as from optics, and sensor noise. The mask is the
// sharp union of the ellipses, drawn before the blur — what an annotator would outline.
import type { Rng } from "../../runtime/rng.ts";

interface Nucleus {
  readonly cy: number;
  readonly cx: number;
  /** Semi-axes in pixels, a ≥ b. */
  readonly a: number;
  readonly b: number;
  readonly angle: number;
  /** Intensity above the background. */
  readonly brightness: number;
}

const BLUR_SIGMA = 1.2;
const BLUR_KERNEL = gaussianKernel(BLUR_SIGMA, 3);

/** Writes one size×size image and its mask (values in [0, 1] and {0, 1}) into the given views. */
export function drawNucleiImage(rng: Rng, size: number, image: Float32Array, mask: Float32Array): void {
  const between = (lo: number, hi: number): number => lo + (hi - lo) * rng.uniform();
  const nuclei = placeNuclei(rng, size, between);

  // Background: a base level, a linear illumination gradient and one broad soft bump.
  const base = between(0.08, 0.22);
  const gy = between(-0.12, 0.12) / size;
  const gx = between(-0.12, 0.12) / size;
  const bumpY = between(0, size);
  const bumpX = between(0, size);
  const bumpAmp = between(-0.08, 0.1);
  const bumpWidth = 2 * (size / 2) ** 2;
  // The Gaussian bump is separable: exp(−(dy² + dx²)/w) = exp(−dy²/w)·exp(−dx²/w).
  const bumpRow = Float32Array.from({ length: size }, (_, y) => bumpAmp * Math.exp(-((y - bumpY) ** 2) / bumpWidth));
  const bumpCol = Float32Array.from({ length: size }, (_, x) => Math.exp(-((x - bumpX) ** 2) / bumpWidth));
  const sharp = new Float32Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      sharp[y * size + x] = base + gy * (y - size / 2) + gx * (x - size / 2) + bumpRow[y] * bumpCol[x];
    }
  }
  const nucleusLevel = new Float32Array(size * size); // brightest nucleus covering each pixel
  mask.fill(0);
  for (const nucleus of nuclei) rasterize(nucleus, size, nucleusLevel, mask);
  for (let i = 0; i < sharp.length; i++) sharp[i] += nucleusLevel[i];

  const blurred = blurSeparable(sharp, size, BLUR_KERNEL);
  const noise = between(0.015, 0.05);
  addGaussianNoise(rng, blurred, noise);
  for (let i = 0; i < blurred.length; i++) image[i] = Math.min(1, Math.max(0, blurred[i]));
}

/** Adds N(0, sigma²) noise; Box–Muller gives two normals per pair of uniforms. */
function addGaussianNoise(rng: Rng, values: Float32Array, sigma: number): void {
  for (let i = 0; i < values.length; i += 2) {
    const radius = sigma * Math.sqrt(-2 * Math.log(1 - rng.uniform()));
    const theta = 2 * Math.PI * rng.uniform();
    values[i] += radius * Math.cos(theta);
    if (i + 1 < values.length) values[i + 1] += radius * Math.sin(theta);
  }
}

function placeNuclei(rng: Rng, size: number, between: (lo: number, hi: number) => number): Nucleus[] {
  const count = Math.max(1, Math.round(between(5, 14) * (size / 96) ** 2));
  const nuclei: Nucleus[] = [];
  for (let i = 0; i < count; i++) {
    const a = between(4, 10);
    const b = a * between(0.55, 1);
    let cy: number;
    let cx: number;
    if (nuclei.length > 0 && rng.uniform() < 0.35) {
      // Touching: sit next to an earlier nucleus, slightly overlapping it.
      const other = nuclei[Math.floor(rng.uniform() * nuclei.length)];
      const direction = between(0, 2 * Math.PI);
      const distance = ((other.a + other.b) / 2 + (a + b) / 2) * between(0.75, 0.95);
      cy = other.cy + distance * Math.sin(direction);
      cx = other.cx + distance * Math.cos(direction);
    } else {
      cy = between(0, size);
      cx = between(0, size);
    }
    nuclei.push({ cy, cx, a, b, angle: between(0, Math.PI), brightness: between(0.3, 0.7) });
  }
  return nuclei;
}

/** Marks the ellipse in the mask and raises the level to its domed intensity profile. */
function rasterize(
  { cy, cx, a, b, angle, brightness }: Nucleus,
  size: number,
  level: Float32Array,
  mask: Float32Array,
): void {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const y0 = Math.max(0, Math.floor(cy - a));
  const y1 = Math.min(size - 1, Math.ceil(cy + a));
  const x0 = Math.max(0, Math.floor(cx - a));
  const x1 = Math.min(size - 1, Math.ceil(cx + a));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      // Pixel centre in the ellipse's own axes.
      const dy = y + 0.5 - cy;
      const dx = x + 0.5 - cx;
      const u = (dx * cos + dy * sin) / a;
      const v = (-dx * sin + dy * cos) / b;
      const r2 = u * u + v * v;
      if (r2 > 1) continue;
      const i = y * size + x;
      mask[i] = 1;
      level[i] = Math.max(level[i], brightness * (0.8 + 0.2 * (1 - r2)));
    }
  }
}

function gaussianKernel(sigma: number, radius: number): Float32Array {
  const k = Float32Array.from({ length: 2 * radius + 1 }, (_, i) =>
    Math.exp(-((i - radius) ** 2) / (2 * sigma * sigma)),
  );
  const sum = k.reduce((s, v) => s + v, 0);
  return k.map((v) => v / sum);
}

/** Blurs a size×size image along rows then columns, clamping at the edges. */
function blurSeparable(src: Float32Array, size: number, kernel: Float32Array): Float32Array {
  const radius = (kernel.length - 1) / 2;
  const clamp = (i: number): number => (i < 0 ? 0 : i >= size ? size - 1 : i);
  const rows = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * src[y * size + clamp(x + k)];
      rows[y * size + x] = sum;
    }
  }
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += kernel[k + radius] * rows[clamp(y + k) * size + x];
      out[y * size + x] = sum;
    }
  }
  return out;
}
