// The `--data` option: a bundled dataset by name (`mnist`, `nuclei`, `words`), a text file
// `text:FILE`, or a pair of NumPy files `x.npy,y.npy`. Bundled datasets keep their own split, a
// text holds out its last 10%; npy files hold out the train section's `validation` fraction from
// their end.
import { sizeOf, type DataSplit, type Dataset } from "./dataset.ts";
import { DataError } from "./data-error.ts";
import { charSplit } from "./chars/corpus.ts";
import { loadTextCorpus } from "./chars/text.ts";
import { loadWords } from "./chars/words.ts";
import { loadMnist } from "./mnist.ts";
import { centerCropTargets, loadNuclei, type NucleiData } from "./nuclei.ts";
import { loadNpyDataset } from "./npy-dataset.ts";

export const BUNDLED_DATASETS = ["mnist", "nuclei", "words"] as const;
const TEXT_PREFIX = "text:";

/** `input` (the model's input name and shape) is needed by character data, whose windows are the input's length. */
export function loadData(
  spec: string,
  outputShape: readonly number[],
  validation: number,
  input: { readonly name: string; readonly shape: readonly number[] } = { name: "input", shape: [] },
): DataSplit {
  if (spec === "mnist") return loadMnist();
  if (spec === "nuclei") return nucleiSplit(outputShape);
  const model = { inputName: input.name, inputShape: input.shape, outputShape };
  if (spec === "words") return charSplit(loadWords(), model);
  if (spec.startsWith(TEXT_PREFIX)) {
    const file = spec.slice(TEXT_PREFIX.length);
    if (file === "") throw new DataError("--data text: needs a file name, e.g. --data text:notes.txt");
    return charSplit(loadTextCorpus(file), model);
  }
  const files = spec.split(",").map((f) => f.trim());
  if (files.length === 2 && files.every((f) => f !== ""))
    return loadNpyDataset(files[0], files[1], outputShape, validation);
  throw new DataError(
    `unknown --data '${spec}'; use ${BUNDLED_DATASETS.join(", ")}, text:FILE or a pair of NumPy files x.npy,y.npy`,
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
