// Mini-batches: the samples of each batch copied into one contiguous Float32Array (batch first),
// with their labels as a target. The last batch may be smaller (torch's drop_last = False).
import type { Target } from "../runtime/train/target.ts";
import { sizeOf, type Dataset } from "./dataset.ts";

export interface Batch {
  readonly size: number;
  /** size × prod(sampleShape) values. */
  readonly x: Float32Array;
  readonly target: Target;
  /** Which samples of the dataset, in batch order. */
  readonly indices: Int32Array;
}

/** Batches of `batchSize` samples visiting the dataset in `order` (default: file order). */
export function* batches(ds: Dataset, batchSize: number, order?: Int32Array): Generator<Batch> {
  if (!Number.isInteger(batchSize) || batchSize < 1)
    throw new RangeError(`batch size must be a positive integer, got ${batchSize}`);
  const visit = order ?? Int32Array.from({ length: ds.count }, (_, i) => i);
  const xPer = sizeOf(ds.sampleShape);
  const yPer = sizeOf(ds.labels.shape);
  for (let start = 0; start < visit.length; start += batchSize) {
    const indices = visit.slice(start, Math.min(start + batchSize, visit.length));
    const x = new Float32Array(indices.length * xPer);
    const y =
      ds.labels.kind === "classes" ? new Int32Array(indices.length * yPer) : new Float32Array(indices.length * yPer);
    indices.forEach((sample, k) => {
      x.set(ds.x.subarray(sample * xPer, (sample + 1) * xPer), k * xPer);
      y.set(ds.labels.data.subarray(sample * yPer, (sample + 1) * yPer), k * yPer);
    });
    const target: Target = y instanceof Int32Array ? { kind: "classes", data: y } : { kind: "dense", data: y };
    yield { size: indices.length, x, target, indices };
  }
}

/** Number of batches an epoch of `count` samples makes. */
export function batchCount(count: number, batchSize: number): number {
  return Math.ceil(count / batchSize);
}
