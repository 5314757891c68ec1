// An in-memory dataset: samples stored contiguously (NHWC, batch first) with their labels.
import type { CharVocabulary } from "./chars/vocabulary.ts";

/**
 * `classes`: an integer class per sample (`shape` []), or per pixel for segmentation masks
 * (`shape` [H, W]) — the model's output shape without its last (class) axis.
 * `dense`: values laid out as the model's output (`shape` = output shape): one-hot or soft
 * labels, masks [H, W, C], regression targets.
 * A Labels value is also a runtime `Target` (src/runtime/train/target.ts: same `kind` and `data`).
 */
export type Labels =
  | { readonly kind: "classes"; readonly shape: readonly number[]; readonly data: Int32Array }
  | { readonly kind: "dense"; readonly shape: readonly number[]; readonly data: Float32Array };

export interface Dataset {
  /** Where the data came from, for messages: "mnist (train)", "x.npy". */
  readonly name: string;
  readonly count: number;
  /** Per-sample shape, e.g. [28, 28, 1]. */
  readonly sampleShape: readonly number[];
  /** NumPy name of the values' type at the source (`float32`, `int64`, `uint8`, …); x holds them
   * as float32 either way (token ids exactly, as the executor takes them). Absent: float32. */
  readonly dtype?: string;
  /** count × prod(sampleShape) values. */
  readonly x: Float32Array;
  readonly labels: Labels;
}

export interface DataSplit {
  readonly train: Dataset;
  /** Absent when nothing is held out. */
  readonly validation?: Dataset;
  /** Character data (`words`, `text:FILE`): the tokens' characters, saved with the weights. */
  readonly vocabulary?: CharVocabulary;
}

/** Integer types (token ids); floats and booleans are not. */
export const isIntegerDtype = (dtype: string | undefined): boolean => dtype !== undefined && /^u?int\d+$/.test(dtype);

export const sizeOf = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** Samples [start, end) as a dataset sharing memory with `ds`. */
export function sliceDataset(ds: Dataset, start: number, end: number, name: string): Dataset {
  const xPer = sizeOf(ds.sampleShape);
  const yPer = sizeOf(ds.labels.shape);
  const labels: Labels =
    ds.labels.kind === "classes"
      ? { kind: "classes", shape: ds.labels.shape, data: ds.labels.data.subarray(start * yPer, end * yPer) }
      : { kind: "dense", shape: ds.labels.shape, data: ds.labels.data.subarray(start * yPer, end * yPer) };
  return { name, count: end - start, sampleShape: ds.sampleShape, ...(ds.dtype ? { dtype: ds.dtype } : {}), x: ds.x.subarray(start * xPer, end * xPer), labels };
}

/**
 * Hold out the LAST `fraction` of the samples, in file order, before any shuffling — as Keras's
 * `validation_split`: train = the first floor(N·(1 − fraction)) samples, validation = the rest.
 * A fraction of 0 holds out nothing.
 */
export function splitHoldout(ds: Dataset, fraction: number): DataSplit {
  if (!(fraction >= 0 && fraction < 1))
    throw new RangeError(`validation must be a fraction in [0, 1), got ${fraction}`);
  if (fraction === 0) return { train: ds };
  // The epsilon keeps 10·(1 − 0.3) from flooring to 6.
  const trainCount = Math.floor(ds.count * (1 - fraction) + 1e-9);
  return {
    train: sliceDataset(ds, 0, trainCount, `${ds.name} (train)`),
    validation: sliceDataset(ds, trainCount, ds.count, `${ds.name} (validation)`),
  };
}
