// Checks, before any training, that a dataset fits the model: sample shape vs the model's input,
// labels vs the output (shape, class range, value range for the loss), and finite values.
// Every problem is reported at once, with expected vs got and a hint.
import { formatShape } from "../io/safetensors.ts";
import type { Program } from "../runtime/ops.ts";
import type { LossConfig } from "../runtime/train/losses.ts";
import { isIntegerDtype, sizeOf, type Dataset } from "./dataset.ts";
import { DataError } from "./data-error.ts";

export interface ModelShapes {
  /** Name of the model's input (`digit`). */
  readonly inputName: string;
  readonly inputShape: readonly number[];
  readonly outputShape: readonly number[];
  /** `int` for token ids (`input ids: [64] int`); absent for floats. */
  readonly inputDtype?: "int";
  /** The vocabulary of the embedding that reads the token ids, to check them against. */
  readonly vocab?: number;
}

/** The shapes, input dtype and token vocabulary of a program with one input and one output. */
export function modelShapes(program: Program): ModelShapes {
  const input = program.nodes[program.inputs[0]];
  const attrs = input.attrs.op === "input" ? input.attrs : undefined;
  const embedding = program.nodes.find((n) => n.attrs.op === "embedding" && n.inputs.includes(input.id));
  return {
    inputName: attrs?.name ?? input.name,
    inputShape: input.shape,
    outputShape: program.nodes[program.outputs[0]].shape,
    ...(attrs?.dtype === "int" ? { inputDtype: "int" as const } : {}),
    ...(embedding?.attrs.op === "embedding" ? { vocab: embedding.attrs.vocab } : {}),
  };
}

/** Throws a DataError listing every problem; returns normally when the data fits. */
export function validateData(model: ModelShapes, loss: LossConfig["kind"], ds: Dataset): void {
  const problems = [...checkSamples(model, ds), ...checkLabels(model, loss, ds)];
  if (problems.length > 0) throw new DataError(`${ds.name} does not fit the model:\n  ${problems.join("\n  ")}`);
}

function checkSamples(model: ModelShapes, ds: Dataset): string[] {
  if (ds.count === 0) return ["it holds no samples"];
  const got = ds.sampleShape;
  const want = model.inputShape;
  if (got.length !== want.length || got.some((d, i) => d !== want[i])) {
    return [
      `samples have shape ${formatShape(got)}, but the model's input '${model.inputName}' is ${formatShape(want)}; ${shapeHint(got, want)}`,
    ];
  }
  const dtype = ds.dtype ?? "float32";
  if (model.inputDtype === "int" && !isIntegerDtype(dtype))
    return [
      `samples are ${dtype}, but the model's input '${model.inputName}' takes token ids (expected int32 or int64, found ${dtype}); save x.astype(np.int64)`,
    ];
  if (model.inputDtype !== "int" && isIntegerDtype(dtype))
    return [
      `samples are ${dtype}, but the model's input '${model.inputName}' is float (expected float32, found ${dtype}); ` +
        `save x.astype(np.float32) (scaled to [0, 1] for 8-bit pixels), or declare the input \`${model.inputName}: [..] int\` for token ids`,
    ];
  const bad = ds.x.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0)
    return [
      `sample ${Math.floor(bad / sizeOf(got))} holds ${ds.x[bad]}; clean the data (e.g. np.nan_to_num) before training`,
    ];
  if (model.inputDtype === "int") return checkTokenIds(ds, model.vocab);
  return [];
}

/** Token ids must be whole numbers inside the embedding's vocabulary; the first bad one is named by sample and position. */
function checkTokenIds(ds: Dataset, vocab: number | undefined): string[] {
  const limit = vocab ?? Infinity;
  const bad = ds.x.findIndex((v) => !Number.isInteger(v) || v < 0 || v >= limit);
  if (bad < 0) return [];
  const per = sizeOf(ds.sampleShape);
  const range = vocab === undefined ? "non-negative whole numbers" : `0..${vocab - 1}, the embedding's vocabulary`;
  return [
    `token id ${ds.x[bad]} at sample ${Math.floor(bad / per)}, position ${bad % per} is outside the vocabulary (expected ${range})`,
  ];
}

function shapeHint(got: readonly number[], want: readonly number[]): string {
  const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
  if (got.length === 3 && same([got[1], got[2], got[0]], want)) {
    return "the data looks channels-first (NCHW) but netc uses NHWC: save x.transpose(0, 2, 3, 1)";
  }
  if (same([...got, 1], want)) return "add the channel axis: save x[..., None]";
  if (sizeOf(got) === sizeOf(want)) return `reshape it: save x.reshape(-1, ${want.join(", ")})`;
  return "resize the data or change the model's input shape";
}

function checkLabels(model: ModelShapes, loss: LossConfig["kind"], ds: Dataset): string[] {
  const out = model.outputShape;
  const classes = out[out.length - 1];
  const labels = ds.labels;
  if (ds.count === 0) return [];
  const perSample = sizeOf(labels.shape);
  if (labels.data.length !== ds.count * perSample) {
    return [
      `${labels.data.length / Math.max(perSample, 1)} labels for ${ds.count} samples; they must pair up one to one`,
    ];
  }
  if (labels.kind === "classes") {
    const want = out.slice(0, -1);
    if (formatShape(labels.shape) !== formatShape(want) || classes < 2) {
      return [
        `class labels of per-sample shape ${formatShape(labels.shape)} do not fit the output ${formatShape(out)}`,
      ];
    }
    const bad = labels.data.findIndex((c) => c < 0 || c >= classes);
    if (bad < 0) return [];
    const outside = labels.data.filter((c) => c < 0 || c >= classes).length;
    const min = labels.data.reduce((a, b) => Math.min(a, b));
    const max = labels.data.reduce((a, b) => Math.max(a, b));
    const hint =
      min < 0
        ? "class labels must not be negative"
        : min === 1 && max === classes
          ? "the labels seem to start at 1: subtract 1"
          : `the labels go up to ${max}: give the last layer ${max + 1} units or fix the labels`;
    return [
      `label ${labels.data[bad]} of sample ${Math.floor(bad / Math.max(perSample, 1))} is out of range for the model's ${classes} outputs (expected 0..${classes - 1}; ${outside} labels outside); ${hint}`,
    ];
  }
  if (formatShape(labels.shape) !== formatShape(out)) {
    return [`labels have per-sample shape ${formatShape(labels.shape)}, but the model's output is ${formatShape(out)}`];
  }
  const bad = labels.data.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) return [`label value ${labels.data[bad]} at sample ${Math.floor(bad / perSample)}; clean the labels`];
  const range = valueRange(loss);
  if (range !== undefined) {
    const outside = labels.data.findIndex((v) => v < range[0] || v > range[1]);
    if (outside >= 0) {
      return [
        `${loss} needs label values in [${range[0]}, ${range[1] === Infinity ? "∞" : range[1]}], but sample ${Math.floor(outside / perSample)} has ${labels.data[outside]}`,
      ];
    }
  }
  return [];
}

/** The values a dense label may take for each loss (probabilities, masks). */
function valueRange(loss: LossConfig["kind"]): readonly [number, number] | undefined {
  switch (loss) {
    case "cross_entropy":
    case "kl_divergence":
      return [0, Infinity];
    case "binary_cross_entropy":
    case "dice":
      return [0, 1];
    case "mse":
      return undefined;
  }
}
