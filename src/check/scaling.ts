// Compound scaling (spec section 7) and make_divisible, exactly as MobileNet/EfficientNet.

/** m = max(d, floor(v + d/2) rounded down to a multiple of d), plus d if m < 0.9·v. */
export function makeDivisible(v: number, d = 8): number {
  const m = Math.max(d, Math.floor((v + d / 2) / d) * d);
  return m < 0.9 * v ? m + d : m;
}

export interface Scaling {
  readonly depth: number;
  readonly width: number;
  readonly resolution: number;
}

export const noScaling: Scaling = { depth: 1, width: 1, resolution: 1 };

export function compoundScaling(phi: number, alpha: number, beta: number, gamma: number): Scaling {
  return { depth: alpha ** phi, width: beta ** phi, resolution: gamma ** phi };
}

/** depth(n) = ceil(n·d) */
export function scaleDepth(n: number, s: Scaling): number {
  return Math.ceil(snap(n * s.depth));
}

/** width(c) = make_divisible(c·w, 8) */
export function scaleWidth(c: number, s: Scaling): number {
  return makeDivisible(c * s.width, 8);
}

/** resolution(x) = round(x·r) */
export function scaleResolution(x: number, s: Scaling): number {
  return Math.round(x * s.resolution);
}

function snap(n: number): number {
  const r = Math.round(n);
  return Math.abs(n - r) <= 1e-9 ? r : n;
}
