// `netc predict FILE --weights W --input x.npy --output y.npy [--tiles] [--png] [--batch n]`:
// inference in batches, optionally overlap-tiled for images larger than the model's input.
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { ParamValue } from "../check/index.ts";
import { predictTiled } from "../backends/tiling/predict-tiled.ts";
import { centerCropTargets } from "../data/nuclei.ts";
import { NpyFileError, npyToFloat32, readNpy, writeNpy } from "../io/npy.ts";
import { encodePng, greyPicture, overlay } from "../io/png.ts";
import { formatShape, WeightsFileError } from "../io/safetensors.ts";
import { loadWeights } from "../io/weights.ts";
import type { Graph } from "../ir/graph.ts";
import { createWasmExecutor, type Executor } from "../runtime/index.ts";
import { collectParam } from "./check.ts";
import { InputError, loadGraph } from "./load-graph.ts";

export interface PredictCommandOptions {
  readonly model?: string;
  readonly params: Record<string, ParamValue>;
  readonly weights: string;
  readonly input: string;
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
  throw new InputError(
    `error: ${what} has shape ${formatShape(got)}; expected [N, ${sample.join(", ")}] (NHWC, batch first)`,
  );
}

function predictBatches(executor: Executor, x: Float32Array, count: number, graph: Graph): Float32Array {
  const inPer = graph.nodes[graph.inputs[0]].shape.reduce((a, b) => a * b, 1);
  const outPer = graph.nodes[graph.outputs[0]].shape.reduce((a, b) => a * b, 1);
  const result = new Float32Array(count * outPer);
  for (let start = 0; start < count; start += executor.maxBatch) {
    const n = Math.min(executor.maxBatch, count - start);
    const out = executor.forward([x.subarray(start * inPer, (start + n) * inPer)], n)[0];
    result.set(out.subarray(0, n * outPer), start * outPer);
  }
  return result;
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
      writeFileSync(path, encodePng(picture));
      written.push(path);
    }
  }
  return written;
}

export async function runPredict(file: string, opts: PredictCommandOptions): Promise<number> {
  const { graph } = loadGraph(file, opts);
  const inputShape = graph.nodes[graph.inputs[0]].shape;
  let weights;
  let array;
  try {
    weights = new Map([...loadWeights(opts.weights, graph)].map(([key, t]) => [key, t.data]));
    array = readNpy(opts.input);
  } catch (error) {
    if (error instanceof WeightsFileError || error instanceof NpyFileError) throw new InputError(`error: ${error.message}`);
    throw error;
  }
  const x = npyToFloat32(array);
  const spatial = opts.tiles && inputShape.length === 3;
  const xShape = batchShape(array.shape, spatial ? [-1, -1, inputShape[2]] : inputShape, opts.input);
  const expected = spatial ? [inputShape[2]] : inputShape;
  const got = spatial ? [xShape[3]] : xShape.slice(1);
  if (got.some((d, i) => d !== expected[i]))
    throw new InputError(
      `error: ${opts.input} has samples of shape ${formatShape(xShape.slice(1))}, but the model's input is ` +
        `${formatShape(inputShape)}` + (opts.tiles ? "" : "; for larger images use --tiles"),
    );

  const { executor, dispose } = await createWasmExecutor(graph, { maxBatch: Math.max(1, Math.min(opts.batch, spatial ? opts.batch : xShape[0])), training: false });
  try {
    executor.setParams(weights);
    const tiles = graph.predict?.tiles;
    const result = spatial
      ? predictTiled(executor, x, xShape as [number, number, number, number], {
          ...(tiles ? { tile: tiles.tile, margin: tiles.margin, pad: tiles.pad } : {}),
          batch: opts.batch,
        })
      : { data: predictBatches(executor, x, xShape[0], graph), shape: [xShape[0], ...graph.nodes[graph.outputs[0]].shape] };
    writeNpy(opts.output, { shape: result.shape, data: result.data });
    process.stdout.write(`wrote ${opts.output} ${formatShape(result.shape)}\n`);
    if (opts.png) {
      if (result.shape.length !== 4 || xShape.length !== 4)
        throw new InputError("error: --png needs an image model ([H, W, C] input and output)");
      for (const path of writePictures(opts.output, x, xShape, result.data, [...result.shape]))
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
    .requiredOption("--input <x.npy>", "inputs, NHWC, batch first")
    .requiredOption("--output <y.npy>", "where to write the outputs")
    .option("--tiles", "overlap-tile images of any size (U-Net strategy, mirror padding)", false)
    .option("--png", "also write masks and overlays as PNG", false)
    .option("--batch <n>", "samples (or tiles) per forward pass", (v) => Math.max(1, Number.parseInt(v, 10) || 1), 16)
    .action(async (file: string, opts: PredictCommandOptions & { param: Record<string, ParamValue> }) => {
      process.exitCode = await runPredict(file, { ...opts, params: opts.param });
    });
}
