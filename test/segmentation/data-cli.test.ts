import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { runData } from "../../src/cli/data.ts";
import { generateNuclei } from "../../src/data/nuclei.ts";
import { npyToFloat32, readNpy } from "../../src/io/npy.ts";
import { sameBits } from "./same-bits.ts";

describe("netc data nuclei", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    vi.restoreAllMocks();
  });

  it("writes images.npy, masks.npy and sample PNGs", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "netc-nuclei-")), "data");
    dirs.push(out);
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await runData("nuclei", { out, count: 5, seed: 3 })).toBe(0);
    expect(String(stdout.mock.calls[0][0])).toMatch(/wrote 5 nuclei images of 96×96 \(seed 3\).*first 4 are the training split, the last 1 validation/);

    const images = readNpy(join(out, "images.npy"));
    const masks = readNpy(join(out, "masks.npy"));
    expect(images.dtype).toBe("<f4");
    expect(images.shape).toEqual([5, 96, 96, 1]);
    expect(masks.shape).toEqual([5, 96, 96, 1]);
    const expected = generateNuclei({ count: 5, size: 96, seed: 3 });
    expect(sameBits(npyToFloat32(images), expected.images)).toBe(true);
    expect(sameBits(npyToFloat32(masks), expected.masks)).toBe(true);
    for (const name of ["image-0.png", "mask-2.png", "overlay-1.png"]) {
      expect(readFileSync(join(out, name)).subarray(1, 4).toString()).toBe("PNG");
    }
  });

  it("rejects an unknown dataset and a bad count as usage errors (exit code 2)", async () => {
    await expect(runData("cells", { out: "unused" })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/unknown dataset 'cells'; available: mnist, nuclei/),
    });
    await expect(runData("nuclei", { out: "unused", count: 0 })).rejects.toMatchObject({
      exitCode: 2,
      message: expect.stringMatching(/count must be a positive integer, got 0/),
    });
  });
});
