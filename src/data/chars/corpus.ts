// A character corpus: a text as token ids, split into a training and a held-out part, and the
// windows a model trains on. A model with input `[T] int` and output `[T, V]` learns from windows
// of T characters whose targets are the same characters shifted by one; a model with output
// `[V]` predicts the one character after its window. Windows do not overlap (stride T), so an
// epoch visits every character of the training text once.
import { DataError } from "../data-error.ts";
import type { DataSplit, Dataset } from "../dataset.ts";
import type { CharVocabulary } from "./vocabulary.ts";

export interface CharCorpus {
  /** For messages: `words`, `notes.txt`. */
  readonly name: string;
  readonly vocabulary: CharVocabulary;
  readonly train: Int32Array;
  readonly validation: Int32Array;
}

/** What the model reads and predicts: input `[T] int`, output `[T, V]` (every next character) or `[V]`. */
export interface CharModelShapes {
  readonly inputName: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
}

export type WindowTargets = "sequence" | "next";

/** How the model uses the corpus; a DataError names what does not fit and how to fix it. */
export function windowTargets(corpus: CharCorpus, model: CharModelShapes): WindowTargets {
  const { inputShape: input, outputShape: output } = model;
  const v = corpus.vocabulary.chars.length;
  const shape = (s: readonly number[]) => `[${s.join(", ")}]`;
  if (input.length !== 1)
    throw new DataError(
      `--data ${corpus.vocabulary.corpus} trains character models: the input '${model.inputName}' must be token ids [T] int, not ${shape(input)}`,
    );
  const t = input[0];
  const sequence = output.length === 2 && output[0] === t;
  if (!sequence && output.length !== 1)
    throw new DataError(
      `--data ${corpus.vocabulary.corpus}: the model's output ${shape(output)} is neither [${t}, V] (the next character at every position) nor [V] (the character after the window)`,
    );
  const classes = output[output.length - 1];
  if (classes !== v)
    throw new DataError(
      `vocabulary mismatch: ${corpus.name} has ${v} distinct characters but the model's output has ${classes} classes; ` +
        `give the last layer ${v} units (and the embedding a vocabulary of ${v})`,
    );
  return sequence ? "sequence" : "next";
}

/** Non-overlapping windows of `length` tokens with their shifted targets. */
export function charWindows(ids: Int32Array, length: number, targets: WindowTargets, name: string): Dataset {
  const count = Math.max(0, Math.floor((ids.length - 1) / length));
  const x = new Float32Array(count * length);
  const per = targets === "sequence" ? length : 1;
  const y = new Int32Array(count * per);
  for (let w = 0; w < count; w++) {
    const start = w * length;
    for (let i = 0; i < length; i++) x[w * length + i] = ids[start + i];
    if (targets === "sequence") y.set(ids.subarray(start + 1, start + length + 1), w * length);
    else y[w] = ids[start + length];
  }
  return {
    name,
    count,
    sampleShape: [length],
    dtype: "int32",
    x,
    labels: { kind: "classes", shape: targets === "sequence" ? [length] : [], data: y },
  };
}

/** The corpus as training and validation windows for the model. */
export function charSplit(corpus: CharCorpus, model: CharModelShapes): DataSplit {
  const targets = windowTargets(corpus, model);
  const t = model.inputShape[0];
  const windows = (ids: Int32Array, part: string) => {
    const ds = charWindows(ids, t, targets, `${corpus.name} (${part})`);
    if (ds.count === 0)
      throw new DataError(
        `${corpus.name}: the ${part} text has ${ids.length} characters, too few for one window of ${t} plus its target; ` +
          `use a longer text or a shorter input`,
      );
    return ds;
  };
  return {
    train: windows(corpus.train, "train"),
    validation: windows(corpus.validation, "validation"),
    vocabulary: corpus.vocabulary,
  };
}
