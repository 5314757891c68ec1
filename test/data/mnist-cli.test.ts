// `netc data mnist`: the exact split `--data mnist` trains on, as .npy files another framework
// (or `--data x.npy,y.npy`) can read.
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { runData } from "../../src/cli/data.ts";
import { loadMnist } from "../../src/data/mnist.ts";
import { npyToFloat32, npyToInt32, readNpy } from "../../src/io/npy.ts";
import { sameBits } from "../segmentation/same-bits.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-mnist-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("netc data mnist", () => {
  it("writes the training and validation splits bit for bit, labels as int32, and sample PNGs", async () => {
    const stdout = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    expect(await runData("mnist", { out: dir })).toBe(0);
    expect(String(stdout.mock.calls[0][0])).toContain("train-x.npy [8000, 28, 28, 1] float32");
    stdout.mockRestore();

    const { train, validation } = loadMnist();
    for (const [prefix, split] of [["train", train], ["val", validation!]] as const) {
      const x = readNpy(join(dir, `${prefix}-x.npy`));
      const y = readNpy(join(dir, `${prefix}-y.npy`));
      expect(x.dtype).toBe("<f4");
      expect(x.shape).toEqual([split.count, 28, 28, 1]);
      expect(sameBits(npyToFloat32(x), split.x)).toBe(true);
      expect(y.dtype).toBe("<i4");
      expect(y.shape).toEqual([split.count]);
      expect([...npyToInt32(y)!]).toEqual([...split.labels.data]);
    }
    const pngs = readdirSync(dir).filter((f) => f.endsWith(".png"));
    expect(pngs).toEqual([0, 1, 2].map((i) => `digit-${i}-label-${train.labels.data[i]}.png`));
  });
});
