// The decoder `netc sample` uses for a character model with these weights.
import { createWasmExecutor } from "../../runtime/index.ts";
import type { Program } from "../../runtime/ops.ts";
import type { CharModel } from "./char-model.ts";
import type { TokenDecoder } from "./decoder.ts";
import { fullForwardDecoder } from "./full-forward-decoder.ts";

export async function createCharDecoder(
  program: Program,
  model: CharModel,
  weights: ReadonlyMap<string, Float32Array>,
  pad: number,
): Promise<{ decoder: TokenDecoder; dispose: () => Promise<void> }> {
  const { executor, dispose } = await createWasmExecutor(program, { maxBatch: 1, training: false });
  executor.setParams(new Map(weights));
  return { decoder: fullForwardDecoder(executor, model, pad), dispose };
}
