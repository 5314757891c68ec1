import { describe, expect, it } from "vitest";
import { centerCropTargets, generateNuclei, loadNuclei } from "../../src/data/nuclei.ts";
import { sameBits } from "./same-bits.ts";

describe("nuclei dataset", () => {
  const data = generateNuclei({ count: 40, size: 96, seed: 0 });

  it("is deterministic per seed and prefix-stable", () => {
    const again = generateNuclei({ count: 10, size: 96, seed: 0 });
    expect(sameBits(again.images, data.images.subarray(0, 10 * 96 * 96))).toBe(true);
    expect(sameBits(again.masks, data.masks.subarray(0, 10 * 96 * 96))).toBe(true);
    const other = generateNuclei({ count: 10, size: 96, seed: 1 });
    expect(sameBits(other.images, again.images)).toBe(false);
  });

  it("has images in [0, 1], binary masks, and nuclei brighter than their background", () => {
    expect(data.shape).toEqual([40, 96, 96, 1]);
    let fg = 0;
    let fgSum = 0;
    let bgSum = 0;
    expect(data.images.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(data.masks.every((v) => v === 0 || v === 1)).toBe(true);
    for (let i = 0; i < data.images.length; i++) {
      if (data.masks[i]) {
        fg++;
        fgSum += data.images[i];
      } else bgSum += data.images[i];
    }
    const fraction = fg / data.masks.length;
    expect(fraction).toBeGreaterThan(0.05);
    expect(fraction).toBeLessThan(0.35);
    expect(fgSum / fg - bgSum / (data.masks.length - fg)).toBeGreaterThan(0.2);
  });

  it("has touching nuclei: some connected mask regions are larger than any one ellipse", () => {
    // The largest single ellipse covers at most π·10·10 ≈ 314 pixels.
    const sizes = componentSizes(data.masks, 40, 96);
    expect(sizes.some((s) => s > 330)).toBe(true);
    expect(sizes.length).toBeGreaterThan(40 * 3);
  });

  it("splits 400 images into 320 train and 80 validation, fast", () => {
    const start = performance.now();
    const { train, validation } = loadNuclei();
    const elapsed = performance.now() - start;
    expect(elapsed).toBeLessThan(2000);
    expect(train.shape).toEqual([320, 96, 96, 1]);
    expect(validation.shape).toEqual([80, 96, 96, 1]);
    expect(sameBits(train.images.subarray(0, 40 * 96 * 96), data.images)).toBe(true);
  });
});

describe("centerCropTargets", () => {
  it("crops the centre of each mask, at floor((H − h) / 2)", () => {
    // Two 4×5 masks numbered 0..39; crop to 2×2: rows 1–2, columns 1–2.
    const masks = Float32Array.from({ length: 40 }, (_, i) => i);
    expect(Array.from(centerCropTargets(masks, [4, 5], [2, 2]))).toEqual([6, 7, 11, 12, 26, 27, 31, 32]);
    expect(() => centerCropTargets(masks, [4, 5], [6, 2])).toThrow(/cannot crop \[4, 5\] masks to \[6, 2\]/);
    expect(() => centerCropTargets(masks.subarray(1), [4, 5], [2, 2])).toThrow(/not a whole number/);
  });
});

/** Sizes of the 4-connected foreground regions of each size×size mask. */
function componentSizes(masks: Float32Array, count: number, size: number): number[] {
  const seen = new Uint8Array(masks.length);
  const sizes: number[] = [];
  for (let start = 0; start < masks.length; start++) {
    if (!masks[start] || seen[start]) continue;
    const image = Math.floor(start / (size * size));
    let area = 0;
    const stack = [start];
    seen[start] = 1;
    while (stack.length) {
      const p = stack.pop()!;
      area++;
      const y = Math.floor((p % (size * size)) / size);
      const x = p % size;
      for (const [dy, dx] of [[1, 0], [-1, 0], [0, 1], [0, -1]]) {
        const ny = y + dy;
        const nx = x + dx;
        if (ny < 0 || ny >= size || nx < 0 || nx >= size) continue;
        const q = image * size * size + ny * size + nx;
        if (masks[q] && !seen[q]) {
          seen[q] = 1;
          stack.push(q);
        }
      }
    }
    sizes.push(area);
  }
  expect(count).toBeGreaterThan(0);
  return sizes;
}
