// The executor side of an emitted module (inlined verbatim by emitTs, like everything it calls):
// the runtime's own planned executor — memory plan, batchnorm folding, fused bias + activation,
// weights packed once — on the runtime's WebAssembly SIMD kernels when the engine has them
// (wasm-executor.ts: relaxed-SIMD FMA build, else plain SIMD), else on the TypeScript kernels.
// Buffers are sized once for `maxBatch`; a larger inference batch runs in chunks of `maxBatch`.
// It must stay free of imports other than runtime modules that are themselves import-free.
import type { Executor } from "../../../runtime/exec/executor.ts";
import { createExecutor } from "../../../runtime/exec/executor.ts";
import { sizeOf } from "../../../runtime/kernel.ts";
import type { Program } from "../../../runtime/ops.ts";
import { sliceProgram } from "../../../runtime/exec/slice-program.ts";
import { concatBytes, typedArrayAt } from "../../../io/bytes.ts";
import { parseSafetensors, serializeSafetensors } from "../../../io/safetensors.ts";
import { checkWeights } from "../../../io/weights.ts";
import type { KernelsInUse, WasmExecutorFactory } from "./wasm-executor.ts";

export interface CompiledModelOptions {
  readonly maxBatch: number;
  /** For trainStep: the node whose output the loss consumes (null: inference only). */
  readonly lossNode: number | null;
  readonly seed: number;
  /** Builds executors on the embedded WebAssembly kernels (wasm-executor.ts); null or a null
   * result: the TypeScript kernels. */
  readonly wasm: WasmExecutorFactory | null;
}

export class CompiledModel {
  readonly program: Program;
  readonly maxBatch: number;
  readonly kernels: KernelsInUse;
  /** Floats per sample of each input and each output. */
  private readonly inSizes: readonly number[];
  private readonly outSizes: readonly number[];
  private readonly inference: Executor;
  /** With trainStep: the training executor, which owns the weights (the inference executor
   * copies them in before its next forward once they changed). */
  private readonly trainer: Executor | null;
  private inferenceStale = false;

  // No parameter properties: the emitted module must stay erasable TypeScript (Node's type stripping).
  constructor(program: Program, options: CompiledModelOptions) {
    const { maxBatch, lossNode, seed } = options;
    if (!Number.isInteger(maxBatch) || maxBatch < 1)
      throw new Error(`maxBatch must be a positive integer, got ${maxBatch}`);
    this.program = program;
    this.maxBatch = maxBatch;
    this.inSizes = program.inputs.map((id) => sizeOf(program.nodes[id].shape));
    this.outSizes = program.outputs.map((id) =>
      sizeOf(program.nodes[id].shape),
    );
    const planned = (program: Program, training: boolean) => {
      const settings = { maxBatch, training, seed };
      return (
        options.wasm?.(program, settings) ?? {
          executor: createExecutor(program, settings),
          kernels: "js" as const,
        }
      );
    };
    const inference = planned(program, false);
    this.inference = inference.executor;
    this.kernels = inference.kernels;
    this.trainer =
      lossNode === null
        ? null
        : planned(
            program.outputs[0] === lossNode
              ? program
              : sliceProgram(program, [lossNode]),
            true,
          ).executor;
  }

  /** Every param tensor (live views), keyed `<layer>.<tensor>`. */
  get params(): ReadonlyMap<string, Float32Array> {
    return (this.trainer ?? this.inference).params;
  }

  /** Gradients of the trainable params after trainBackward. */
  get grads(): ReadonlyMap<string, Float32Array> {
    return this.trainer?.grads ?? new Map();
  }

  /** The params were written: rebuild what is derived from them (folded batchnorms, packed weights). */
  paramsChanged(): void {
    if (this.trainer) this.inferenceStale = true;
    else this.inference.paramsChanged();
  }

  /** Inference on `batch` samples per input (NHWC, batch first), in chunks of maxBatch.
   * Writes the outputs into `into` when given (no allocation), else into fresh arrays. */
  forward(
    inputs: readonly Float32Array[],
    batch: number,
    into?: readonly Float32Array[],
  ): Float32Array[] {
    const { program, inSizes, outSizes } = this;
    if (!Number.isInteger(batch) || batch < 1)
      throw new Error(
        `forward: batch must be a positive integer, got ${batch}`,
      );
    program.inputs.forEach((id, k) => {
      if (inputs[k].length !== batch * inSizes[k]) {
        throw new Error(
          `forward: the input ${JSON.stringify(program.nodes[id].name)} has ${inputs[k].length} floats, expected ` +
            `${batch * inSizes[k]} = batch ${batch} × [${program.nodes[id].shape.join(", ")}] (NHWC, batch first)`,
        );
      }
    });
    into?.forEach((out, k) => {
      if (out.length !== batch * outSizes[k])
        throw new Error(
          `forward: the output array has ${out.length} floats, expected ${batch * outSizes[k]} = batch ${batch} × ` +
            `[${program.nodes[program.outputs[k]].shape.join(", ")}]`,
        );
    });
    if (this.trainer && this.inferenceStale) {
      this.inference.setParams(this.trainer.params);
      this.inferenceStale = false;
    }
    if (batch <= this.maxBatch && !into)
      return this.inference.forward(inputs, batch).map((out) => out.slice());
    const results =
      into ?? outSizes.map((size) => new Float32Array(batch * size));
    for (let start = 0; start < batch; start += this.maxBatch) {
      const count = Math.min(this.maxBatch, batch - start);
      const chunk = inputs.map((x, k) =>
        x.subarray(start * inSizes[k], (start + count) * inSizes[k]),
      );
      this.inference
        .forward(chunk, count)
        .forEach((out, k) => results[k].set(out, start * outSizes[k]));
    }
    return [...results];
  }

  /** A training forward of one batch (at most maxBatch); returns the loss node's output. */
  trainForward(x: Float32Array, batch: number): Float32Array {
    const trainer = this.trainerOrThrow();
    if (!Number.isInteger(batch) || batch < 1 || batch > this.maxBatch) {
      throw new Error(
        `trainStep: batch must be an integer in 1..${this.maxBatch}, got ${batch}; ` +
          "recompile with a larger --max-batch to train on larger batches",
      );
    }
    return trainer.forward([x], batch)[0];
  }

  /** Sets the param gradients from the loss gradient of the last trainForward. */
  trainBackward(lossGrad: Float32Array): void {
    const trainer = this.trainerOrThrow();
    trainer.zeroGrads();
    trainer.backward([lossGrad]);
    this.inferenceStale = true;
  }

  private trainerOrThrow(): Executor {
    if (!this.trainer)
      throw new Error(
        "this module was compiled for inference; compile with --train",
      );
    return this.trainer;
  }
}

/** Copies the model's tensors out of a safetensors file's bytes (F32), with the checks and
 * messages of `netc predict --weights` (src/io/safetensors.ts, src/io/weights.ts); tensors the
 * model does not use (a checkpoint's optimizer state) are ignored. */
export function readSafetensorsInto(
  bytes: Uint8Array,
  params: ReadonlyMap<string, Float32Array>,
  shapes: Readonly<Record<string, readonly number[]>>,
): void {
  const { tensors } = parseSafetensors(bytes, "loadWeights");
  const expected = Object.entries(shapes).map(([key, shape]) => ({ key, shape }));
  checkWeights(tensors, expected, "loadWeights: the file", { allowExtra: true });
  for (const [key, target] of params) target.set(tensors.get(key)!.data);
}

/** Copies `floats` (every tensor of `shapes`, in its order, back to back) into the params. */
export function setParamsFromFlat(
  floats: Float32Array,
  params: ReadonlyMap<string, Float32Array>,
  shapes: Readonly<Record<string, readonly number[]>>,
): void {
  let offset = 0;
  for (const key of Object.keys(shapes)) {
    const target = params.get(key)!;
    target.set(floats.subarray(offset, offset + target.length));
    offset += target.length;
  }
}

const BASE64 =
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Decodes base64 (no padding needed) without atob/Buffer, so it runs everywhere. */
export function decodeBase64(text: string): Uint8Array {
  const lookup = new Uint8Array(128);
  for (let i = 0; i < BASE64.length; i++) lookup[BASE64.charCodeAt(i)] = i;
  const clean = text.replace(/=+$/, "");
  const bytes = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let out = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n =
      (lookup[clean.charCodeAt(i)] << 18) |
      (lookup[clean.charCodeAt(i + 1)] << 12) |
      (lookup[clean.charCodeAt(i + 2)] << 6) |
      lookup[clean.charCodeAt(i + 3)];
    if (out < bytes.length) bytes[out++] = n >> 16;
    if (out < bytes.length) bytes[out++] = (n >> 8) & 255;
    if (out < bytes.length) bytes[out++] = n & 255;
  }
  return bytes;
}

/** Decodes base64 little-endian float32s. */
export function decodeBase64Floats(text: string): Float32Array {
  const bytes = decodeBase64(text);
  return typedArrayAt(Float32Array, bytes, 0, bytes.length / 4);
}

/** The params as one safetensors file's bytes (F32 tensors, keys sorted), as src/io/safetensors.ts
 * writes them and `netc predict --weights` reads them. */
export function safetensorsBytes(
  params: ReadonlyMap<string, Float32Array>,
  shapes: Readonly<Record<string, readonly number[]>>,
  metadata: Readonly<Record<string, string>>,
): Uint8Array {
  const tensors = new Map([...params].map(([key, data]) => [key, { shape: shapes[key], data }]));
  return concatBytes(serializeSafetensors(tensors, metadata));
}
