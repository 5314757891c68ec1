// The `--data` option: a bundled dataset by name (`mnist`, `nuclei`) or a pair of NumPy files
// `x.npy,y.npy`. Bundled datasets keep their own split; npy files hold out the train section's
// `validation` fraction from their end.
import { sizeOf, type DataSplit, type Dataset } from "./dataset.ts";
import { DataError } from "./data-error.ts";
import { loadMnist } from "./mnist.ts";
import { centerCropTargets, loadNuclei, type NucleiData } from "./nuclei.ts";
import { loadNpyDataset } from "./npy-dataset.ts";

export const BUNDLED_DATASETS = ["mnist", "nuclei"] as const;

export function loadData(spec: string, outputShape: readonly number[], validation: number): DataSplit {
  if (spec === "mnist") return loadMnist();
  if (spec === "nuclei") return nucleiSplit(outputShape);
  const files = spec.split(",").map((f) => f.trim());
  if (files.length === 2 && files.every((f) => f !== ""))
    return loadNpyDataset(files[0], files[1], outputShape, validation);
  throw new DataError(
    `unknown --data '${spec}'; use ${BUNDLED_DATASETS.join(", ")} or a pair of NumPy files x.npy,y.npy`,
  );
}

/** The nuclei images with their masks centre-cropped to the model's output (a valid-conv U-Net predicts the centre). */
function nucleiSplit(outputShape: readonly number[]): DataSplit {
  const { train, validation } = loadNuclei();
  return {
    train: nucleiDataset(train, outputShape, "nuclei (train)"),
    validation: nucleiDataset(validation, outputShape, "nuclei (validation)"),
  };
}

function nucleiDataset(data: NucleiData, outputShape: readonly number[], name: string): Dataset {
  const [count, h, w, c] = data.shape;
  const [oh, ow] = outputShape;
  // Crop only when the output is a smaller single-channel mask; anything else is left for
  // validateData to report against the model's shapes.
  const crop = outputShape.length === 3 && outputShape[2] === 1 && oh <= h && ow <= w && (oh < h || ow < w);
  const masks = crop ? centerCropTargets(data.masks, [h, w], [oh, ow]) : data.masks;
  const labelShape = crop ? [oh, ow, 1] : [h, w, c];
  if (masks.length !== count * sizeOf(labelShape)) throw new DataError(`${name}: masks do not match ${count} samples`);
  return {
    name,
    count,
    sampleShape: [h, w, c],
    x: data.images,
    labels: { kind: "dense", shape: labelShape, data: masks },
  };
}
