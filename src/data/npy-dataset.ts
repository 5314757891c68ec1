// `--data x.npy,y.npy`: samples from x (shape [N, ...sample]) and labels from y, interpreted
// against the model's output shape O:
//   y [N, ...O]                         dense: one-hot/soft labels, masks [H, W, C], targets
//   y [N, ...O without its last axis]   class indices (whole numbers) per sample or per pixel;
//                                       for a 1-unit last axis (a sigmoid output) the values are
//                                       the targets themselves, read as dense
// The train section's `validation` fraction is held out from the END of the files, before any
// shuffling (splitHoldout).
import { npyToFloat32, npyToInt32, readNpy, type NpyArray } from "../io/npy.ts";
import { splitHoldout, type DataSplit, type Dataset, type Labels } from "./dataset.ts";
import { DataError } from "./data-error.ts";
import { formatShape } from "../io/safetensors.ts";

export function loadNpyDataset(
  xPath: string,
  yPath: string,
  outputShape: readonly number[],
  validation: number,
): DataSplit {
  const x = readNpy(xPath);
  const y = readNpy(yPath);
  if (x.shape.length < 1) throw new DataError(`${xPath}: expected an array of samples [N, ...], got a scalar`);
  if (y.shape.length < 1) throw new DataError(`${yPath}: expected an array of labels [N, ...], got a scalar`);
  if (x.shape[0] !== y.shape[0]) {
    throw new DataError(
      `${xPath} holds ${x.shape[0]} samples but ${yPath} holds ${y.shape[0]} labels; they must pair up one to one`,
    );
  }
  const dataset: Dataset = {
    name: xPath,
    count: x.shape[0],
    sampleShape: x.shape.slice(1),
    dtype: numpyName(x.dtype),
    x: npyToFloat32(x),
    labels: labelsFor(y, yPath, outputShape),
  };
  return splitHoldout(dataset, validation);
}

/** NumPy's name for a descr: '<i8' → int64, '|b1' → bool. */
function numpyName(descr: string): string {
  if (descr === "|b1") return "bool";
  const kind = { f: "float", i: "int", u: "uint" }[descr[1]] ?? descr;
  return `${kind}${Number(descr.slice(2)) * 8}`;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Interpret y against the model's output shape (see the file comment). */
export function labelsFor(y: NpyArray, yPath: string, outputShape: readonly number[]): Labels {
  const perSample = y.shape.slice(1);
  const withoutClassAxis = outputShape.slice(0, -1);
  const classes = outputShape[outputShape.length - 1];
  if (sameShape(perSample, outputShape)) return { kind: "dense", shape: outputShape, data: npyToFloat32(y) };
  if (sameShape(perSample, withoutClassAxis)) {
    if (classes === 1) return { kind: "dense", shape: outputShape, data: npyToFloat32(y) };
    const data = npyToInt32(y);
    if (data === undefined) {
      throw new DataError(
        `${yPath}: labels of shape ${formatShape(y.shape)} must be whole class indices 0..${classes - 1}, but some are fractional`,
      );
    }
    return { kind: "classes", shape: withoutClassAxis, data };
  }
  const n = y.shape[0];
  throw new DataError(
    `${yPath}: labels have shape ${formatShape(y.shape)}, but the model's output is ${formatShape(outputShape)}; ` +
      `expected class indices ${formatShape([n, ...withoutClassAxis])} or one-hot/dense labels ${formatShape([n, ...outputShape])}`,
  );
}
