// Training checkpoints: one safetensors file (written atomically) holding
//   - the weights under their own keys (`conv_0.kernel`, ...), as in a weights file, so a
//     checkpoint can also be used as `--init` or `--weights`;
//   - the optimizer buffers under `optimizer/<param>/<slot>`, flat [n];
//   - in __metadata__["netc.checkpoint"], JSON: format version, epoch and global step completed
//     (which fix the schedule position: t = epoch or step per decay_per), the optimizer kind and
//     step count, the RNG state, and free-form info (model name, last lr, ...).
import type { OptimizerState } from "../runtime/train/optimizers.ts";
import type { RngState } from "../runtime/rng.ts";
import { readSafetensors, WeightsFileError, writeSafetensors, type TensorData } from "./safetensors.ts";

export interface Checkpoint {
  readonly weights: ReadonlyMap<string, TensorData>;
  readonly optimizer: OptimizerState;
  /** Epochs completed. */
  readonly epoch: number;
  /** Optimizer steps completed over the whole run. */
  readonly step: number;
  readonly rng: RngState;
  readonly info: Readonly<Record<string, string | number | boolean>>;
}

const META_KEY = "netc.checkpoint";
const OPTIMIZER_PREFIX = "optimizer/";
const FORMAT_VERSION = 1;

export function writeCheckpoint(path: string, checkpoint: Checkpoint): void {
  const tensors = new Map<string, TensorData>(checkpoint.weights);
  for (const [key, data] of checkpoint.optimizer.slots)
    tensors.set(OPTIMIZER_PREFIX + key, { shape: [data.length], data });
  const meta = {
    version: FORMAT_VERSION,
    epoch: checkpoint.epoch,
    step: checkpoint.step,
    optimizer: { kind: checkpoint.optimizer.kind, step: checkpoint.optimizer.step },
    rng: checkpoint.rng.map((w) => w >>> 0), // the generator may hold words as signed int32
    info: checkpoint.info,
  };
  writeSafetensors(path, tensors, { [META_KEY]: JSON.stringify(meta) });
}

export function readCheckpoint(path: string): Checkpoint {
  const { tensors, metadata } = readSafetensors(path);
  const fail = (message: string): never => {
    throw new WeightsFileError(`${path}: ${message}`);
  };
  const raw = metadata[META_KEY];
  if (raw === undefined)
    fail(`not a netc checkpoint (no "${META_KEY}" metadata); to start from plain weights use --init`);
  let meta: Record<string, unknown>;
  try {
    meta = JSON.parse(raw!) as Record<string, unknown>;
  } catch (error) {
    return fail(`checkpoint metadata is not valid JSON: ${(error as Error).message}`);
  }
  if (meta.version !== FORMAT_VERSION)
    fail(`checkpoint format version ${JSON.stringify(meta.version)} is not supported (expected ${FORMAT_VERSION})`);
  const count = (name: string, value: unknown): number =>
    Number.isInteger(value) && (value as number) >= 0
      ? (value as number)
      : fail(`checkpoint ${name} must be a non-negative integer, got ${JSON.stringify(value)}`);
  const optimizer = meta.optimizer as { kind?: unknown; step?: unknown } | undefined;
  const kinds = ["sgd", "rmsprop", "adam", "adamw"];
  if (typeof optimizer?.kind !== "string" || !kinds.includes(optimizer.kind))
    fail(`checkpoint optimizer kind ${JSON.stringify(optimizer?.kind)} is unknown`);
  const rng = meta.rng;
  if (!Array.isArray(rng) || rng.length !== 4 || !rng.every((w) => Number.isInteger(w) && w >= 0 && w <= 0xffffffff)) {
    fail(`checkpoint rng state must be four uint32 words, got ${JSON.stringify(rng)}`);
  }
  const weights = new Map<string, TensorData>();
  const slots = new Map<string, Float32Array>();
  for (const [key, tensor] of tensors) {
    if (key.startsWith(OPTIMIZER_PREFIX)) slots.set(key.slice(OPTIMIZER_PREFIX.length), tensor.data);
    else weights.set(key, tensor);
  }
  return {
    weights,
    optimizer: {
      kind: optimizer!.kind as OptimizerState["kind"],
      step: count("optimizer step", optimizer!.step),
      slots,
    },
    epoch: count("epoch", meta.epoch),
    step: count("step", meta.step),
    rng: rng as unknown as RngState,
    info: (meta.info ?? {}) as Record<string, string | number | boolean>,
  };
}
