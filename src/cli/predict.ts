// `netc predict FILE --weights W --input x.npy --output y.npy [--tiles] [--png] [--batch n]`:
// inference in batches, optionally overlap-tiled for images larger than the model's input.
import { basename, dirname, join } from "node:path";
import type { Command } from "commander";
import type { ParamValue } from "../check/index.ts";
import { predictTiled } from "../backends/tiling/predict-tiled.ts";
import { centerCropTargets } from "../data/nuclei.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import { npyToFloat32, readNpy, writeNpy, type NpyArray } from "../io/npy.ts";
import { encodePng, greyPicture, overlay } from "../io/png.ts";
import { formatShape } from "../io/safetensors.ts";
import { loadWeights } from "../io/weights.ts";
import type { Graph } from "../ir/graph.ts";
import { createWasmExecutor, type Executor } from "../runtime/index.ts";
import { collectParam } from "./check.ts";
import { InputError, UsageError } from "./errors.ts";
import { loadGraph } from "./load-graph.ts";
import { integerOption, MAX_BATCH, prepareOutputFile } from "./options.ts";

export interface PredictCommandOptions {
  readonly model?: string;
  readonly params: Record<string, ParamValue>;
  readonly weights: string;
  /** One file, or `name=file` per input of a model with several. */
  readonly input: readonly string[];
  readonly output: string;
  readonly tiles: boolean;
  readonly png: boolean;
  readonly batch: number;
}

const PNG_IMAGES = 4;

/** [N, ...sample] from an array that holds a batch or a single sample. */
function batchShape(got: readonly number[], sample: readonly number[], what: string): number[] {
  if (got.length === sample.length + 1) return [...got];
  if (got.length === sample.length) return [1, ...got];
  throw new InputError(`${what} has shape ${formatShape(got)}; expected [N, ${sample.join(", ")}] (NHWC, batch first)`);
}

/** Runs the inputs in chunks of maxBatch; one [count × per-sample] array per output. */
function predictBatches(executor: Executor, xs: readonly Float32Array[], count: number, graph: Graph): Float32Array[] {
  const size = (id: number) => graph.nodes[id].shape.reduce((a, b) => a * b, 1);
  const inPer = graph.inputs.map(size);
  const outPer = graph.outputs.map(size);
  const results = outPer.map((n) => new Float32Array(count * n));
  for (let start = 0; start < count; start += executor.maxBatch) {
    const n = Math.min(executor.maxBatch, count - start);
    const outs = executor.forward(xs.map((x, i) => x.subarray(start * inPer[i], (start + n) * inPer[i])), n);
    outs.forEach((out, o) => results[o].set(out.subarray(0, n * outPer[o]), start * outPer[o]));
  }
  return results;
}

/** One channel per pixel for pictures: the value itself, or the argmax class scaled to [0, 1]. */
function maskOf(values: Float32Array, pixels: number, channels: number): Float32Array {
  if (channels === 1) return values;
  const mask = new Float32Array(pixels);
  for (let p = 0; p < pixels; p++) {
    let best = 0;
    for (let c = 1; c < channels; c++) if (values[p * channels + c] > values[p * channels + best]) best = c;
    mask[p] = best / (channels - 1);
  }
  return mask;
}

function writePictures(output: string, x: Float32Array, xShape: number[], y: Float32Array, yShape: number[]): string[] {
  const [count, h, w, c] = xShape;
  const [, oh, ow, k] = yShape;
  const written: string[] = [];
  const stem = output.replace(/\.npy$/, "");
  for (let i = 0; i < Math.min(count, PNG_IMAGES); i++) {
    const grey = new Float32Array(h * w);
    for (let p = 0; p < h * w; p++) grey[p] = x[(i * h * w + p) * c];
    const image = oh === h && ow === w ? grey : centerCropTargets(grey, [h, w], [oh, ow]);
    const mask = maskOf(y.subarray(i * oh * ow * k, (i + 1) * oh * ow * k), oh * ow, k);
    for (const [suffix, picture] of [
      ["mask", greyPicture(mask, oh, ow)],
      ["overlay", overlay(image, mask, oh, ow)],
    ] as const) {
      const path = `${stem}-${i}-${suffix}.png`;
      writeFileAtomic(path, [encodePng(picture)]);
      written.push(path);
    }
  }
  return written;
}

/** Which file feeds which input: `--input x.npy` for a one-input model, else `name=file` each. */
export function assignInputs(graph: Graph, given: readonly string[]): string[] {
  const names = graph.inputs.map((id) => graph.nodes[id].name);
  const usage = names.map((n) => `--input ${n}=FILE`).join(" ");
  if (names.length === 1 && given.length === 1 && !given[0].startsWith(`${names[0]}=`)) return [given[0]];
  const byName = new Map<string, string>();
  for (const entry of given) {
    const eq = entry.indexOf("=");
    const name = eq > 0 ? entry.slice(0, eq) : "";
    if (!names.includes(name))
      throw new UsageError(
        names.length === 1
          ? `--input ${entry}: give one file (--input FILE or --input ${names[0]}=FILE)`
          : `--input ${entry}: the model has ${names.length} inputs (${names.join(", ")}); give ${usage}`,
      );
    if (byName.has(name)) throw new UsageError(`--input ${name}= is given twice`);
    byName.set(name, entry.slice(eq + 1));
  }
  const missing = names.filter((n) => !byName.has(n));
  if (missing.length > 0) throw new UsageError(`--input: no file for ${missing.join(", ")}; give ${usage}`);
  return names.map((n) => byName.get(n)!);
}

/** One output: the file as given; several: `<stem>-<label or layer name>.npy` next to it. */
export function outputPaths(graph: Graph, output: string): string[] {
  if (graph.outputs.length === 1) return [output];
  const stem = basename(output).replace(/\.npy$/, "");
  return graph.outputs.map((id) => join(dirname(output), `${stem}-${graph.nodes[id].label ?? graph.nodes[id].name}.npy`));
}

export async function runPredict(file: string, opts: PredictCommandOptions): Promise<number> {
  const { graph } = loadGraph(file, opts);
  const inputFiles = assignInputs(graph, opts.input);
  const outputs = outputPaths(graph, opts.output);
  const inputShape = graph.nodes[graph.inputs[0]].shape;
  const imageModel = graph.inputs.length === 1 && graph.outputs.length === 1 && inputShape.length === 3;
  if (opts.tiles && !imageModel)
    throw new UsageError(
      `--tiles needs an image model (one [H, W, C] input and one output); ${graph.model}'s input is ${formatShape(inputShape)}`,
    );
  if (opts.png && !(imageModel && graph.nodes[graph.outputs[0]].shape.length === 3))
    throw new UsageError(`--png needs an image model ([H, W, C] input and output); ${graph.model} is not one`);
  for (const path of outputs) prepareOutputFile(path, "--output");

  const weights = new Map([...loadWeights(opts.weights, graph)].map(([key, t]) => [key, t.data]));
  const arrays: NpyArray[] = inputFiles.map((path) => readNpy(path));
  const xs = arrays.map(npyToFloat32);
  const spatial = opts.tiles;
  const shapes = arrays.map((array, i) => {
    const shape = graph.nodes[graph.inputs[i]].shape;
    const path = inputFiles[i];
    const xShape = batchShape(array.shape, spatial ? [-1, -1, shape[2]] : shape, path);
    const expected = spatial ? [shape[2]] : shape;
    const got = spatial ? [xShape[3]] : xShape.slice(1);
    if (got.some((d, k) => d !== expected[k]))
      throw new InputError(
        `${path} has samples of shape ${formatShape(xShape.slice(1))}, but ` +
          (graph.inputs.length === 1 ? "the model's input" : `input ${graph.nodes[graph.inputs[i]].name}`) +
          ` is ${formatShape(shape)}` + (opts.tiles || shape.length !== 3 ? "" : "; for larger images use --tiles"),
      );
    return xShape;
  });
  const count = shapes[0][0];
  shapes.forEach((shape, i) => {
    if (shape[0] !== count)
      throw new InputError(`${inputFiles[i]} has ${shape[0]} samples but ${inputFiles[0]} has ${count}; give as many of each`);
  });

  const maxBatch = Math.max(1, Math.min(opts.batch, spatial ? opts.batch : count));
  const { executor, dispose } = await createWasmExecutor(graph, { maxBatch, training: false });
  try {
    executor.setParams(weights);
    const tiles = graph.predict?.tiles;
    const results = spatial
      ? [
          predictTiled(executor, xs[0], shapes[0] as [number, number, number, number], {
            ...(tiles ? { tile: tiles.tile, margin: tiles.margin, pad: tiles.pad } : {}),
            batch: opts.batch,
          }),
        ]
      : predictBatches(executor, xs, count, graph).map((data, o) => ({
          data,
          shape: [count, ...graph.nodes[graph.outputs[o]].shape],
        }));
    results.forEach((result, o) => {
      writeNpy(outputs[o], { shape: result.shape, data: result.data });
      process.stdout.write(`wrote ${outputs[o]} ${formatShape(result.shape)}\n`);
    });
    if (opts.png) {
      const [result] = results;
      for (const path of writePictures(opts.output, xs[0], shapes[0], result.data, [...result.shape]))
        process.stdout.write(`wrote ${path}\n`);
    }
    return 0;
  } finally {
    await dispose();
  }
}

export function registerPredict(program: Command): void {
  program
    .command("predict")
    .description("run inference on a .npy array")
    .argument("<file>", ".net file")
    .option("--model <name>", "the model (default: the file's only model)")
    .option("--param <name=value>", "set a model parameter (repeatable)", collectParam, {})
    .requiredOption("--weights <weights>", "trained weights (safetensors)")
    .requiredOption(
      "--input <x.npy>",
      "inputs, NHWC, batch first; for several inputs one --input name=x.npy each",
      (value: string, previous: string[] | undefined) => [...(previous ?? []), value],
    )
    .requiredOption("--output <y.npy>", "where to write the outputs (several outputs: y-<name>.npy each)")
    .option("--tiles", "overlap-tile images of any size (U-Net strategy, mirror padding)", false)
    .option("--png", "also write masks and overlays as PNG", false)
    .option("--batch <n>", "samples (or tiles) per forward pass", integerOption("--batch", 1, MAX_BATCH), 16)
    .action(async (file: string, opts: PredictCommandOptions & { param: Record<string, ParamValue> }) => {
      process.exitCode = await runPredict(file, { ...opts, params: opts.param });
    });
}
