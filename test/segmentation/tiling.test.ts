import fc from "fast-check";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { drawTilePlan, padImage, overlapTile, planTiles, reflectIndex, tileGeometry } from "../../src/backends/tiling/index.ts";
import type { Pad4 } from "../../src/runtime/ops.ts";
import { fakeModel, fakePredictBatch, runFake } from "./fake-conv.ts";

interface ReflectCase {
  shape: [number, number, number];
  pad: [number, number, number, number];
  input: number[];
  outShape: number[];
  output: number[];
}
const reflectFixture = JSON.parse(readFileSync(new URL("./fixtures/reflect-pad.json", import.meta.url), "utf8")) as { cases: ReflectCase[] };

function randomImages(count: number, h: number, w: number, c: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return Float32Array.from({ length: count * h * w * c }, () => {
    s = (Math.imul(s, 22695477) + 1) >>> 0;
    return s / 2 ** 32;
  });
}

describe("padImage", () => {
  it.each(reflectFixture.cases.map((c, i) => [i, c] as const))("matches np.pad reflect (case %i)", (_, c) => {
    const out = padImage(Float32Array.from(c.input), c.shape, c.pad as Pad4);
    expect(Array.from(out)).toEqual(c.output);
  });

  it("reflects without repeating the edge, periodically beyond the image", () => {
    expect([-4, -3, -2, -1, 0, 1, 2, 3, 4, 5, 6].map((i) => reflectIndex(i, 3))).toEqual([0, 1, 2, 1, 0, 1, 2, 1, 0, 1, 2]);
    expect([-2, 0, 5].map((i) => reflectIndex(i, 1))).toEqual([0, 0, 0]);
  });
});

describe("planTiles", () => {
  it("covers the original U-Net's 572 → 388 tiles over a 512×512 image", () => {
    const plan = planTiles(tileGeometry([572, 572, 1], [388, 388, 2]), 512, 512);
    // 92 pixels of context on each side; two tiles per axis; the canvas is 388 + 572 = 960.
    expect(plan).toEqual({ pad: [92, 356, 92, 356], rows: 2, cols: 2, step: [388, 388] });
  });

  it("keeps T − 2·margin pixels per tile of a same-padded model", () => {
    const plan = planTiles(tileGeometry([64, 48, 3], [64, 48, 1], 8), 100, 30);
    expect(plan).toEqual({ pad: [8, 8 + 48 * 3 - 100, 8, 8 + 32 - 30], rows: 3, cols: 1, step: [48, 32] });
  });

  it("rejects models that cannot be tiled, saying why", () => {
    expect(() => tileGeometry([28, 28, 1], [10], 0)).toThrow(/\[H, W, C\]/);
    expect(() => tileGeometry([28, 28, 1], [27, 27, 1], 0)).toThrow(/must be centred/);
    expect(() => tileGeometry([16, 16, 1], [16, 16, 1], 8)).toThrow(/margin 8 discards the whole 16-pixel output/);
  });
});

describe("overlapTile", () => {
  it("equals a valid-convolution model run on the whole padded image, for any image size", () => {
    fc.assert(
      fc.property(
        fc.record({
          count: fc.integer({ min: 1, max: 2 }),
          h: fc.integer({ min: 1, max: 40 }),
          w: fc.integer({ min: 1, max: 40 }),
          cin: fc.integer({ min: 1, max: 2 }),
          cout: fc.integer({ min: 1, max: 2 }),
          depth: fc.integer({ min: 1, max: 3 }),
          extraTile: fc.integer({ min: 1, max: 12 }),
          batch: fc.integer({ min: 1, max: 5 }),
          pad: fc.constantFrom("mirror" as const, "zero" as const),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        ({ count, h, w, cin, cout, depth, extraTile, batch, pad, seed }) => {
          const model = fakeModel(seed, depth, cin, cout, 0);
          const tile = 2 * depth + extraTile; // output tiles of extraTile pixels
          const images = randomImages(count, h, w, cin, seed);
          const calls: number[] = [];
          const geometry = tileGeometry([tile, tile, cin], [extraTile, extraTile, cout]);
          const stitched = overlapTile(images, [count, h, w, cin], geometry, fakePredictBatch(model, tile, tile, calls), { batch, pad });

          expect(stitched.shape).toEqual([count, h, w, cout]);
          for (let i = 0; i < count; i++) {
            const image = images.subarray(i * h * w * cin, (i + 1) * h * w * cin);
            const whole = runFake(model, padImage(image, [h, w, cin], [depth, depth, depth, depth], pad), h + 2 * depth, w + 2 * depth);
            expect(stitched.data.subarray(i * h * w * cout, (i + 1) * h * w * cout)).toEqual(whole.data);
          }
          const tiles = count * Math.ceil(h / extraTile) * Math.ceil(w / extraTile);
          expect(calls.length).toBe(Math.ceil(tiles / batch));
          expect(calls.reduce((a, b) => a + b, 0)).toBe(tiles);
          expect(Math.max(...calls)).toBeLessThanOrEqual(batch);
        },
      ),
      { numRuns: 150 },
    );
  });

  it("with margin ≥ the receptive field, a same-padded model's zero borders never reach the result", () => {
    fc.assert(
      fc.property(
        fc.record({
          h: fc.integer({ min: 1, max: 40 }),
          w: fc.integer({ min: 1, max: 40 }),
          depth: fc.integer({ min: 1, max: 3 }),
          extraMargin: fc.integer({ min: 0, max: 2 }),
          kept: fc.integer({ min: 1, max: 10 }),
          batch: fc.integer({ min: 1, max: 4 }),
          seed: fc.integer({ min: 1, max: 1e6 }),
        }),
        ({ h, w, depth, extraMargin, kept, batch, seed }) => {
          const model = fakeModel(seed, depth, 1, 2, 1);
          const margin = depth + extraMargin;
          const tile = kept + 2 * margin;
          const image = randomImages(1, h, w, 1, seed);
          const geometry = tileGeometry([tile, tile, 1], [tile, tile, 2], margin);
          const stitched = overlapTile(image, [1, h, w, 1], geometry, fakePredictBatch(model, tile, tile), { batch });
          const validModel = { ...model, pad: 0 as const };
          const whole = runFake(validModel, padImage(image, [h, w, 1], [depth, depth, depth, depth]), h + 2 * depth, w + 2 * depth);
          expect(stitched.data).toEqual(whole.data);
        },
      ),
      { numRuns: 100 },
    );
  });

  it("without enough margin, a same-padded model's tile seams show", () => {
    const model = fakeModel(3, 2, 1, 1, 1);
    const image = randomImages(1, 20, 20, 1, 3);
    const tiled = overlapTile(image, [1, 20, 20, 1], tileGeometry([10, 10, 1], [10, 10, 1], 1), fakePredictBatch(model, 10, 10), { batch: 4 });
    const whole = runFake({ ...model, pad: 0 }, padImage(image, [20, 20, 1], [2, 2, 2, 2]), 24, 24);
    // Pixel (0, 0) is 1 pixel from its tile's border but sees 2 layers of context.
    expect(tiled.data[0]).not.toBeCloseTo(whole.data[0], 3);
  });

  it("reports a model that returns too little, and wrong channel counts", () => {
    const geometry = tileGeometry([5, 5, 1], [3, 3, 1]);
    expect(() => overlapTile(new Float32Array(16), [1, 4, 4, 1], geometry, () => new Float32Array(5), { batch: 2 })).toThrow(
      /returned 5 values for 2 tiles, expected 2·3·3·1 = 18/,
    );
    expect(() => overlapTile(new Float32Array(32), [1, 4, 4, 2], geometry, () => new Float32Array(99), { batch: 2 })).toThrow(
      /images have 2 channels, the model expects 1/,
    );
    expect(() => overlapTile(new Float32Array(0), [1, 0, 4, 1], geometry, () => new Float32Array(99), { batch: 2 })).toThrow(/at least 1×1, got 0×4/);
  });
});

describe("drawTilePlan", () => {
  it("draws the canvas with the mirrored border tinted, kept regions and one input window outlined", () => {
    const image = new Float32Array(100).fill(0.5);
    // 6×6 tiles predict 4×4: 3 tiles per axis over 10 pixels; canvas 2·4 + 6 = 14 pixels.
    const picture = drawTilePlan(image, 10, 10, tileGeometry([6, 6, 1], [4, 4, 1]), [0, 0], 2);
    expect([picture.width, picture.height, picture.channels]).toEqual([28, 28, 3]);
    const at = (y: number, x: number) => Array.from(picture.data.subarray((y * 28 + x) * 3, (y * 28 + x) * 3 + 3));
    expect(at(0, 0)).toEqual([255, 220, 0]); // tile (0, 0)'s input window starts at the canvas corner
    expect(at(11, 0)).toEqual([255, 220, 0]); // ... and is 6 canvas pixels = 12 picture pixels tall
    expect(at(12, 1)).toEqual([77, 77, 147]); // mirrored border: grey 127.5 dimmed, tinted blue
    expect(at(3, 3)).toEqual([230, 60, 60]); // kept region of tile (0, 0) starts at canvas (1, 1), inset 1
    expect(at(5, 5)).toEqual([128, 128, 128]); // inside the image
  });
});
