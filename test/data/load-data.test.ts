import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadData } from "../../src/data/load-data.ts";
import { loadMnist } from "../../src/data/mnist.ts";
import { validateData } from "../../src/data/validate-data.ts";
import { writeNpy } from "../../src/io/npy.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("loadData (--data)", () => {
  it("mnist keeps its own split whatever the validation fraction", () => {
    const split = loadData("mnist", [10], 0.5);
    expect(split).toBe(loadMnist());
    expect(() =>
      validateData({ inputName: "digit", inputShape: [28, 28, 1], outputShape: [10] }, "cross_entropy", split.train),
    ).not.toThrow();
  });
  it("x.npy,y.npy pairs", () => {
    const x = join(dir, "x.npy");
    const y = join(dir, "y.npy");
    writeNpy(x, { shape: [5, 2], data: new Float32Array(10) });
    writeNpy(y, { shape: [5], data: Int32Array.of(0, 1, 0, 1, 1) });
    const { train, validation } = loadData(`${x},${y}`, [2], 0.4);
    expect([train.count, validation!.count]).toEqual([3, 2]);
  });
  it("nuclei masks are centre-cropped to a smaller (valid-conv U-Net) output", () => {
    const full = loadData("nuclei", [96, 96, 1], 0);
    const cropped = loadData("nuclei", [92, 92, 1], 0);
    expect(full.train.sampleShape).toEqual([96, 96, 1]);
    expect(cropped.train.labels.shape).toEqual([92, 92, 1]);
    // Pixel (0, 0) of the cropped mask is pixel (2, 2) of the full one.
    expect(cropped.train.labels.data[0]).toBe(full.train.labels.data[2 * 96 + 2]);
    expect(cropped.train.labels.data[92 * 92 - 1]).toBe(full.train.labels.data[93 * 96 + 93]);
  });
  it("refuses anything else with the choices", () => {
    expect(() => loadData("cifar", [10], 0)).toThrow(
      "unknown --data 'cifar'; use mnist, nuclei, words, text:FILE or a pair of NumPy files x.npy,y.npy",
    );
  });
});
