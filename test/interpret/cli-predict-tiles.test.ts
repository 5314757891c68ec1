// `netc predict --tiles --png` on an image larger than (and not a multiple of) the U-Net's tile.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compile } from "../../src/index.ts";
import { generateNuclei } from "../../src/data/nuclei.ts";
import { readNpy, writeNpy } from "../../src/io/npy.ts";

describe("netc predict --tiles", () => {
  it("predicts a 130×110 image through 96×96 tiles and writes the mask and overlay PNGs", () => {
    const dir = mkdtempSync(join(tmpdir(), "netc-tiles-"));
    const model = compile(readFileSync("examples/unet_small.net", "utf8"));
    model.initialize(3);
    const weights = join(dir, "unet.safetensors");
    model.saveWeights(weights);
    const { images } = generateNuclei({ count: 1, size: 130, seed: 4 });
    const wide = new Float32Array(130 * 110);
    for (let r = 0; r < 130; r++) wide.set(images.subarray(r * 130, r * 130 + 110), r * 110);
    writeNpy(join(dir, "image.npy"), { shape: [130, 110, 1], data: wide });

    const out = join(dir, "mask.npy");
    const run = spawnSync(
      "node",
      ["bin/netc.js", "predict", "examples/unet_small.net", "--weights", weights, "--input", join(dir, "image.npy"), "--output", out, "--tiles", "--png", "--batch", "4"],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    const mask = readNpy(out);
    expect(mask.shape).toEqual([1, 130, 110, 1]);
    const values = mask.data as Float32Array;
    expect(values.every((v) => v > 0 && v < 1)).toBe(true); // sigmoid outputs everywhere: no unfilled tile
    for (const png of ["mask-0-mask.png", "mask-0-overlay.png"]) {
      const bytes = readFileSync(join(dir, png));
      expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    }
    expect(existsSync(join(dir, "mask-1-mask.png"))).toBe(false);
  });

  it("without --tiles refuses an image of the wrong size and says how to fix it", () => {
    const dir = mkdtempSync(join(tmpdir(), "netc-tiles-"));
    const model = compile(readFileSync("examples/unet_small.net", "utf8"));
    const weights = join(dir, "unet.safetensors");
    model.saveWeights(weights);
    writeNpy(join(dir, "image.npy"), { shape: [1, 50, 50, 1], data: new Float32Array(2500) });
    const run = spawnSync("node", ["bin/netc.js", "predict", "examples/unet_small.net", "--weights", weights, "--input", join(dir, "image.npy"), "--output", join(dir, "o.npy")], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("has samples of shape [50, 50, 1], but the model's input is [96, 96, 1]; for larger images use --tiles");
  });
});
