// Drawing the next token from a model's scores: temperature (0 = always the most likely token),
// top-k truncation, and a seeded generator so a run is reproducible.
import type { Rng } from "../../runtime/rng.ts";

export interface SamplingOptions {
  /** Logits are divided by it; 0 picks the arg max. */
  readonly temperature: number;
  /** Keep only the k highest-scoring tokens (ties broken by lower id); undefined keeps all. */
  readonly topK?: number;
}

/** A token id drawn from softmax(logits / temperature) restricted to the top k. */
export function sampleToken(logits: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  const n = logits.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => logits[b] - logits[a] || a - b);
  if (options.temperature === 0) return order[0];
  const kept = order.slice(0, Math.min(options.topK ?? n, n));
  const max = logits[kept[0]];
  const weights = kept.map((i) => Math.exp((logits[i] - max) / options.temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  // Two draws give 48 random bits, finer than any probability float32 logits can express.
  const u = (rng.uniform() + rng.uniform() / 16777216) * total;
  let sum = 0;
  for (let j = 0; j < kept.length; j++) {
    sum += weights[j];
    if (u < sum) return kept[j];
  }
  return kept[kept.length - 1];
}
