// The decoder `netc sample` uses for a character model with these weights: the key/value-cached
// one when the model decodes position by position (a causal [T] int → [T, V] model), otherwise
// whole-window forwards on the WASM executor (e.g. a [V] output, which reads the whole window).
import { createDecoder, createWasmExecutor, decoderRefusal } from "../../runtime/index.ts";
import type { Program } from "../../runtime/ops.ts";
import { cachedDecoder } from "./cached-decoder.ts";
import type { CharModel } from "./char-model.ts";
import type { TokenDecoder } from "./decoder.ts";
import { fullForwardDecoder } from "./full-forward-decoder.ts";

export async function createCharDecoder(
  program: Program,
  model: CharModel,
  weights: ReadonlyMap<string, Float32Array>,
  pad: number,
): Promise<{ decoder: TokenDecoder; cached: boolean; dispose: () => Promise<void> }> {
  if (decoderRefusal(program) === null)
    return { decoder: cachedDecoder(createDecoder(program, weights), model), cached: true, dispose: async () => {} };
  const { executor, dispose } = await createWasmExecutor(program, { maxBatch: 1, training: false });
  executor.setParams(new Map(weights));
  return { decoder: fullForwardDecoder(executor, model, pad), cached: false, dispose };
}
