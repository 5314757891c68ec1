// Overlap-tile prediction with a runtime executor: the glue between a checked model and the pure
// tiling function. The tile geometry comes from the program's input and output shapes.
import type { Executor } from "../../runtime/exec/executor.ts";
import { overlapTile } from "./overlap-tile.ts";
import type { PadMode } from "./pad-image.ts";
import { tileGeometry } from "./plan.ts";

export interface TiledPredictOptions {
  /** The predict section's `overlap(tile = ...)`; must equal the model's input size. */
  readonly tile?: number;
  /** Output pixels discarded at each tile border (default 0). */
  readonly margin?: number;
  /** Image extension past its borders (default mirror). */
  readonly pad?: PadMode;
  /** Tiles per forward call (default and at most the executor's maxBatch). */
  readonly batch?: number;
}

/** Predicts images [N, H, W, C] of any size with a one-input, one-output image model. */
export function predictTiled(
  executor: Executor,
  images: Float32Array,
  shape: readonly [number, number, number, number],
  options: TiledPredictOptions = {},
): { data: Float32Array; shape: [number, number, number, number] } {
  const { program } = executor;
  if (program.inputs.length !== 1 || program.outputs.length !== 1) {
    throw new Error(`overlap-tile: the model must have one input and one output, it has ${program.inputs.length} and ${program.outputs.length}`);
  }
  const input = program.nodes[program.inputs[0]].shape;
  const output = program.nodes[program.outputs[0]].shape;
  const geometry = tileGeometry(input, output, options.margin ?? 0);
  if (options.tile !== undefined && (options.tile !== input[0] || options.tile !== input[1])) {
    throw new Error(
      `overlap-tile: tiles: overlap(tile = ${options.tile}) but the model's input is [${input.join(", ")}]; ` +
        `the tile must be the model's input size (change the tile or the model's input)`,
    );
  }
  const batch = Math.min(options.batch ?? executor.maxBatch, executor.maxBatch);
  const wasTraining = executor.training;
  executor.training = false; // inference: running batchnorm statistics, no dropout
  try {
    return overlapTile(images, shape, geometry, (tiles, n) => executor.forward([tiles], n)[0], { batch, pad: options.pad });
  } finally {
    executor.training = wasTraining;
  }
}
