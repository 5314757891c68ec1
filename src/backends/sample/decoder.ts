// Generating text: tokens are fed to a decoder one at a time and each answer (the scores of the
// next token) is sampled. A decoder with a key/value cache makes a token cost O(context)
// attention rows instead of re-running the whole window.
import type { Rng } from "../../runtime/rng.ts";
import { sampleToken, type SamplingOptions } from "./sampler.ts";

export interface TokenDecoder {
  /** Feeds one token; returns the logits (V) of the token that follows everything fed so far. */
  push(token: number): Float32Array;
}

/** Logits from the model's final scores: log p after a softmax, unchanged otherwise. */
export function scoresAsLogits(scores: Float32Array, finalOp: "softmax" | "log_softmax" | undefined): Float32Array {
  return finalOp === "softmax" ? scores.map((p) => Math.log(p)) : scores;
}

/** Feeds `prompt` (at least one token), then draws `length` tokens. */
export function generate(
  decoder: TokenDecoder,
  prompt: ArrayLike<number>,
  length: number,
  options: SamplingOptions,
  rng: Rng,
): Int32Array {
  if (prompt.length === 0) throw new RangeError("generate: the prompt needs at least one token");
  let logits!: Float32Array;
  for (let i = 0; i < prompt.length; i++) logits = decoder.push(prompt[i]);
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = sampleToken(logits, options, rng);
    if (i + 1 < length) logits = decoder.push(out[i]);
  }
  return out;
}
