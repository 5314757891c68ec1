// Overlap-tile on the real runtime: a U-Net with pooling, tiled, equals the same network (same
// weights) run once on the whole mirror-padded image — the tile stride is a multiple of the
// pooling factor, so every tile pools on the whole image's grid.
import { describe, expect, it } from "vitest";
import { padImage, predictTiled } from "../../src/backends/tiling/index.ts";
import { generateNuclei } from "../../src/data/nuclei.ts";
import { createExecutor, initializeParams } from "../../src/runtime/index.ts";
import { MINI_UNET_CONTEXT, miniUnet } from "./mini-unet.ts";

describe("predictTiled with a U-Net on the executor", () => {
  it("stitches 16×16 tiles into exactly the whole-image prediction, for non-multiple image sizes", () => {
    const weights = initializeParams(miniUnet(16, 16), 11);
    const tiled = createExecutor(miniUnet(16, 16), { maxBatch: 3, training: false });
    tiled.setParams(weights);
    const c = MINI_UNET_CONTEXT;
    for (const [h, w] of [
      [24, 24],
      [14, 32],
      [30, 10],
    ] as const) {
      const nuclei = generateNuclei({ count: 2, size: 32, seed: h * w });
      // Crop the 32×32 nuclei images to h×w.
      const images = new Float32Array(2 * h * w);
      for (let n = 0; n < 2; n++) for (let y = 0; y < h; y++) images.set(nuclei.images.subarray((n * 32 + y) * 32, (n * 32 + y) * 32 + w), (n * h + y) * w);
      const result = predictTiled(tiled, images, [2, h, w, 1], { tile: 16 });
      expect(result.shape).toEqual([2, h, w, 1]);

      const whole = createExecutor(miniUnet(h + 2 * c, w + 2 * c), { maxBatch: 1, training: false });
      whole.setParams(weights);
      for (let n = 0; n < 2; n++) {
        const padded = padImage(images.subarray(n * h * w, (n + 1) * h * w), [h, w, 1], [c, c, c, c]);
        const expected = whole.forward([padded], 1)[0].subarray(0, h * w);
        const got = result.data.subarray(n * h * w, (n + 1) * h * w);
        let worst = 0;
        for (let i = 0; i < h * w; i++) worst = Math.max(worst, Math.abs(got[i] - expected[i]));
        expect(worst, `image ${n} of ${h}×${w}`).toBeLessThan(1e-6);
      }
    }
  });

  it("says when the predict section's tile is not the model's input", () => {
    const executor = createExecutor(miniUnet(16, 16), { maxBatch: 1, training: false });
    expect(() => predictTiled(executor, new Float32Array(100), [1, 10, 10, 1], { tile: 20 })).toThrow(
      /overlap\(tile = 20\) but the model's input is \[16, 16, 1\]/,
    );
  });
});
