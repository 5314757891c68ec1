// `augment: shift(n)`: every image moves by a whole offset in −n … n on each axis with a zero
// border, the offsets vary per sample and cover the whole range, and the checker refuses models
// the augmentation cannot apply to.
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { shiftImages } from "../../src/data/augment.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { parse } from "../../src/syntax/parse.ts";

const [H, W, C] = [5, 6, 2];
const per = H * W * C;

/** The image moved by (dy, dx): out[y][x] = in[y − dy][x − dx], zero where that is outside. */
function shifted(image: Float32Array, dy: number, dx: number): Float32Array {
  const out = new Float32Array(per);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      for (let c = 0; c < C; c++) {
        const sy = y - dy;
        const sx = x - dx;
        if (sy >= 0 && sy < H && sx >= 0 && sx < W) out[(y * W + x) * C + c] = image[(sy * W + sx) * C + c]!;
      }
  return out;
}

describe("shiftImages", () => {
  it("moves each image by one offset within range, filling with zeros, and uses every offset", () => {
    const count = 400;
    const original = Float32Array.from({ length: count * per }, (_, i) => 1 + (i % 97));
    const x = original.slice();
    shiftImages(x, count, [H, W, C], 2, new Rng(3));
    const seen = new Map<string, number>();
    for (let n = 0; n < count; n++) {
      const source = original.subarray(n * per, (n + 1) * per);
      const got = x.subarray(n * per, (n + 1) * per);
      const offsets: string[] = [];
      for (let dy = -2; dy <= 2; dy++)
        for (let dx = -2; dx <= 2; dx++) if (shifted(source, dy, dx).every((v, i) => v === got[i])) offsets.push(`${dy},${dx}`);
      // Pixel values are all non-zero, so exactly one offset explains the result.
      expect(offsets, `sample ${n}`).toHaveLength(1);
      seen.set(offsets[0]!, (seen.get(offsets[0]!) ?? 0) + 1);
    }
    expect(seen.size).toBe(25);
    // 400 draws over 25 offsets: 16 expected each; a uniform draw stays well within 4 … 32.
    expect(Math.min(...seen.values())).toBeGreaterThanOrEqual(4);
    expect(Math.max(...seen.values())).toBeLessThanOrEqual(32);
  });

  it("gives the same shifts for the same seed", () => {
    const a = Float32Array.from({ length: 10 * per }, (_, i) => i);
    const b = a.slice();
    shiftImages(a, 10, [H, W, C], 1, new Rng(9));
    shiftImages(b, 10, [H, W, C], 1, new Rng(9));
    expect(a).toEqual(b);
  });
});

describe("augment in a train section", () => {
  const errors = (input: string, augment: string) => {
    const parsed = parse(`model M {\n  input ${input}\n  flatten\n  dense(2)\n}\ntrain M {\n  loss: cross_entropy\n  optimizer: sgd(lr = 0.1)\n  augment: ${augment}\n}\n`);
    return check(parsed.program).diagnostics.filter((d) => d.severity === "error").map((d) => `${d.code} ${d.message}`);
  };

  it("accepts shift on an image model and none anywhere", () => {
    expect(errors("x: [8, 8, 1]", "shift(2)")).toEqual([]);
    expect(errors("x: [8, 3]", "none")).toEqual([]);
  });

  it("refuses non-images, shifts as large as the image, and bad arguments", () => {
    expect(errors("x: [8, 3]", "shift(1)")).toEqual([
      "NET4003 augment: shift moves images, so the model needs one float input [H, W, C]; 'x' is [8, 3]",
    ]);
    expect(errors("x: [4, 8, 1]", "shift(4)")).toEqual([
      "NET4003 augment: shift(4) would move a [4, 8, 1] image out of its frame; use fewer pixels than 4",
    ]);
    expect(errors("x: [8, 8, 1]", "shift(0)")[0]).toMatch(/^NET3003 .pixels. of shift must be/);
    expect(errors("x: [8, 8, 1]", "rotate(10)")[0]).toMatch(/^NET4003 .*shift/);
  });
});
