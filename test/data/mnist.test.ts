import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadMnist, MNIST_SHAPE } from "../../src/data/mnist.ts";

describe("--data mnist", () => {
  const started = performance.now();
  const { train, validation } = loadMnist();
  const loadMs = performance.now() - started;

  it("splits the 10,000 digits into 8,000 train and 2,000 validation", () => {
    expect(train.count).toBe(8000);
    expect(validation!.count).toBe(2000);
    expect(train.sampleShape).toEqual([28, 28, 1]);
    expect(MNIST_SHAPE).toEqual([28, 28, 1]);
    expect(train.x.length).toBe(8000 * 784);
    expect(validation!.x.length).toBe(2000 * 784);
    expect(train.labels).toMatchObject({ kind: "classes", shape: [] });
  });
  it("loads in under a second and is cached", () => {
    expect(loadMs).toBeLessThan(1000);
    expect(loadMnist().train).toBe(train);
  });
  it("scales pixels to [0, 1] with real ink in every image", () => {
    let min = Infinity;
    let max = -Infinity;
    for (const v of train.x) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    expect([min, max]).toEqual([0, 1]);
    for (let s = 0; s < 8000; s += 97) {
      const image = train.x.subarray(s * 784, (s + 1) * 784);
      const ink = image.reduce((a, b) => a + b, 0);
      expect(ink).toBeGreaterThan(10); // a digit, not a blank
      expect(image[0]).toBe(0); // MNIST corners are background
    }
  });
  it("label histogram: the package's per-digit counts (MNIST test set), every class in both splits", () => {
    const counts = (labels: Int32Array) => labels.reduce((h, l) => (h[l]++, h), new Array(10).fill(0));
    const t = counts(train.labels.data as Int32Array);
    const v = counts(validation!.labels.data as Int32Array);
    // The MNIST test set's per-digit counts (LeCun's t10k: 980, 1135, 1032, 1010, 982, 892, 958,
    // 1028, 974, 1009) are not what this package holds; it ships these per-digit files:
    expect(t.map((n, d) => n + v[d])).toEqual([1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
    for (let d = 0; d < 10; d++) {
      expect(v[d]).toBeGreaterThan(150); // the fixed order mixes digits: ~20% of each is held out
      expect(v[d]).toBeLessThan(260);
    }
  });
  it("is deterministic: a fixed order (not Math.random), pinned here", () => {
    expect(Array.from(train.labels.data.subarray(0, 20))).toEqual([
      6, 5, 7, 1, 4, 8, 3, 5, 7, 4, 9, 9, 6, 6, 2, 7, 0, 0, 4, 2,
    ]);
  });
  it("every image carries the label of the package file it came from", () => {
    const dir = join(dirname(createRequire(import.meta.url).resolve("mnist/package.json")), "src", "digits");
    const files = Array.from(
      { length: 10 },
      (_, d) => (JSON.parse(readFileSync(join(dir, `${d}.json`), "utf8")) as { data: number[] }).data,
    );
    for (const s of [0, 1, 2, 1234, 7999]) {
      const image = Array.from(train.x.subarray(s * 784, (s + 1) * 784));
      const digit = train.labels.data[s];
      const source = files[digit];
      let found = false;
      for (let k = 0; k < source.length && !found; k += 784) {
        found = image.every((v, i) => v === Math.fround(source[k + i]));
      }
      expect(found, `train sample ${s} (label ${digit})`).toBe(true);
    }
  });
});
