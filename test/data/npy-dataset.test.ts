import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { batchCount, batches } from "../../src/data/batches.ts";
import { splitHoldout, type Dataset } from "../../src/data/dataset.ts";
import { loadNpyDataset } from "../../src/data/npy-dataset.ts";
import { epochOrder, randomBelow, shuffledOrder } from "../../src/data/shuffle.ts";
import { validateData } from "../../src/data/validate-data.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { Rng } from "../../src/runtime/rng.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-data-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 10 samples [2, 2, 1] whose pixels are all the sample index, labels i % 3. */
function writeTen(labels: Int32Array | Float32Array | BigInt64Array, shape: number[]): [string, string] {
  const x = join(dir, "x.npy");
  const y = join(dir, "y.npy");
  writeNpy(x, { shape: [10, 2, 2, 1], data: Float32Array.from({ length: 40 }, (_, i) => Math.floor(i / 4)) });
  writeNpy(y, { shape, data: labels });
  return [x, y];
}

describe("--data x.npy,y.npy", () => {
  it("class indices [N] (int64 as NumPy saves them), last 20% held out in file order", () => {
    const [x, y] = writeTen(
      BigInt64Array.from({ length: 10 }, (_, i) => BigInt(i % 3)),
      [10],
    );
    const { train, validation } = loadNpyDataset(x, y, [3], 0.2);
    expect(train.count).toBe(8);
    expect(validation!.count).toBe(2);
    expect(train.sampleShape).toEqual([2, 2, 1]);
    expect(Array.from(validation!.x)).toEqual([8, 8, 8, 8, 9, 9, 9, 9]);
    expect(validation!.labels).toEqual({ kind: "classes", shape: [], data: Int32Array.of(2, 0) });
  });
  it("validation 0 holds nothing out; Keras-style rounding keeps floor(N·(1−v)) for training", () => {
    const [x, y] = writeTen(
      Int32Array.from({ length: 10 }, (_, i) => i % 3),
      [10],
    );
    expect(loadNpyDataset(x, y, [3], 0).validation).toBeUndefined();
    expect(loadNpyDataset(x, y, [3], 0.3).train.count).toBe(7);
    expect(loadNpyDataset(x, y, [3], 0.25).train.count).toBe(7);
  });
  it("one-hot labels [N, C] and masks are dense; a 1-unit output reads [N] as targets", () => {
    const onehot = Float32Array.from({ length: 30 }, (_, i) => Number(i % 3 === Math.floor(i / 3) % 3));
    const [x, y] = writeTen(onehot, [10, 3]);
    expect(loadNpyDataset(x, y, [3], 0).train.labels).toMatchObject({ kind: "dense", shape: [3] });
    const [x2, y2] = writeTen(
      Float32Array.from({ length: 10 }, (_, i) => i % 2),
      [10],
    );
    expect(loadNpyDataset(x2, y2, [1], 0).train.labels).toMatchObject({ kind: "dense", shape: [1] });
  });
  it("refuses labels that fit neither form, fractional class labels, and unequal counts", () => {
    const [x, y] = writeTen(new Float32Array(20), [10, 2]);
    expect(() => loadNpyDataset(x, y, [3], 0)).toThrow(
      "labels have shape [10, 2], but the model's output is [3]; expected class indices [10] or one-hot/dense labels [10, 3]",
    );
    const [x2, y2] = writeTen(
      Float32Array.from({ length: 10 }, () => 0.5),
      [10],
    );
    expect(() => loadNpyDataset(x2, y2, [3], 0)).toThrow("must be whole class indices 0..2");
    writeNpy(y2, { shape: [9], data: new Int32Array(9) });
    expect(() => loadNpyDataset(x2, y2, [3], 0)).toThrow("holds 10 samples but");
  });
});

const tiny = (labels: Dataset["labels"], sampleShape = [2, 2, 1], count = 3): Dataset => ({
  name: "d.npy",
  count,
  sampleShape,
  x: Float32Array.from({ length: count * sampleShape.reduce((a, b) => a * b, 1) }, (_, i) => i),
  labels,
});
const model = { inputName: "digit", inputShape: [2, 2, 1], outputShape: [3] };

describe("validateData", () => {
  it("accepts fitting data", () => {
    expect(() =>
      validateData(model, "cross_entropy", tiny({ kind: "classes", shape: [], data: Int32Array.of(0, 1, 2) })),
    ).not.toThrow();
  });
  it("names the input and gives a fix for wrong sample shapes", () => {
    const labels = { kind: "classes", shape: [], data: Int32Array.of(0, 1, 2) } as const;
    expect(() => validateData(model, "cross_entropy", tiny(labels, [2, 2]))).toThrow(
      "samples have shape [2, 2], but the model's input 'digit' is [2, 2, 1]; add the channel axis: save x[..., None]",
    );
    expect(() => validateData({ ...model, inputShape: [4, 5, 3] }, "cross_entropy", tiny(labels, [3, 4, 5]))).toThrow(
      "channels-first (NCHW)",
    );
    expect(() => validateData(model, "cross_entropy", tiny(labels, [4]))).toThrow(
      "reshape it: save x.reshape(-1, 2, 2, 1)",
    );
  });
  it("refuses labels out of range with a hint", () => {
    expect(() =>
      validateData(model, "cross_entropy", tiny({ kind: "classes", shape: [], data: Int32Array.of(1, 2, 3) })),
    ).toThrow(
      "label 3 of sample 2 is out of range for the model's 3 outputs (expected 0..2; 1 labels outside); the labels seem to start at 1: subtract 1",
    );
    expect(() =>
      validateData(model, "cross_entropy", tiny({ kind: "classes", shape: [], data: Int32Array.of(0, 9, 2) })),
    ).toThrow("give the last layer 10 units");
  });
  it("checks dense label shapes and value ranges per loss, and NaN samples", () => {
    const dense = (values: number[]) => ({ kind: "dense", shape: [3], data: Float32Array.from(values) }) as const;
    expect(() => validateData(model, "binary_cross_entropy", tiny(dense([0, 1, 0, 1, 1, 0, 0, 2, 0])))).toThrow(
      "binary_cross_entropy needs label values in [0, 1], but sample 2 has 2",
    );
    expect(() => validateData(model, "mse", tiny(dense([0, 1, 0, 1, 1, 0, 0, 2, 0])))).not.toThrow();
    expect(() => validateData(model, "mse", tiny({ kind: "dense", shape: [2], data: new Float32Array(6) }))).toThrow(
      "labels have per-sample shape [2], but the model's output is [3]",
    );
    const withNaN = tiny(dense(new Array(9).fill(0)));
    withNaN.x[5] = NaN;
    expect(() => validateData(model, "mse", withNaN)).toThrow("sample 1 holds NaN");
  });
});

describe("shuffling and batching", () => {
  it("Fisher–Yates gives a permutation, reproducible from the seed and from a saved rng state", () => {
    const rng = new Rng(0);
    const saved = rng.state;
    const order = shuffledOrder(100, rng);
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(order).not.toEqual(Int32Array.from({ length: 100 }, (_, i) => i));
    const restored = new Rng(7);
    restored.state = saved;
    expect(shuffledOrder(100, restored)).toEqual(order);
    expect(shuffledOrder(100, new Rng(1))).not.toEqual(order);
    expect(epochOrder(4, false, rng)).toEqual(Int32Array.of(0, 1, 2, 3));
  });
  it("every position is equally likely (3 elements, 6 permutations)", () => {
    const rng = new Rng(9);
    const seen = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = shuffledOrder(3, rng).join("");
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    for (const n of seen.values()) expect(Math.abs(n - 1000)).toBeLessThan(120);
  });
  it("randomBelow stays in range and is roughly uniform", () => {
    const rng = new Rng(1);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[randomBelow(rng, 6)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(400);
  });
  it("batches copy samples contiguously in the given order, last batch smaller", () => {
    const ds = tiny({ kind: "classes", shape: [], data: Int32Array.of(7, 8, 9) });
    const all = [...batches(ds, 2, Int32Array.of(2, 0, 1))];
    expect(all.map((b) => b.size)).toEqual([2, 1]);
    expect(batchCount(3, 2)).toBe(2);
    expect(Array.from(all[0].x)).toEqual([8, 9, 10, 11, 0, 1, 2, 3]);
    expect(all[0].target).toEqual({ kind: "classes", data: Int32Array.of(9, 7) });
    expect(Array.from(all[1].indices)).toEqual([1]);
    const dense = tiny({ kind: "dense", shape: [2], data: Float32Array.of(1, 2, 3, 4, 5, 6) });
    expect([...batches(dense, 3)][0].target).toEqual({ kind: "dense", data: Float32Array.of(1, 2, 3, 4, 5, 6) });
  });
  it("splitHoldout refuses fractions outside [0, 1)", () => {
    expect(() => splitHoldout(tiny({ kind: "classes", shape: [], data: Int32Array.of(0, 1, 2) }), 1)).toThrow(
      "validation must be a fraction in [0, 1)",
    );
  });
});
