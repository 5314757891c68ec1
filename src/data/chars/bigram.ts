// The bigram baseline: the next character predicted from the current one alone, with counts
// from the training windows (add-one smoothing) scored on the validation windows with the same
// loss a character model reports — the mean cross-entropy in nats over every target position.
// A sequence model that does not beat it has learned nothing beyond character pairs.
import type { Dataset } from "../dataset.ts";

export interface Baseline {
  /** Mean validation cross-entropy, nats per predicted character. */
  readonly loss: number;
  readonly perplexity: number;
}

/** (current, next) token pairs of a window dataset: every position of `[T]` targets, the last one of `[]` targets. */
function* pairs(ds: Dataset): Generator<[number, number]> {
  const t = ds.sampleShape[0];
  const perSample = ds.labels.shape.length === 0 ? 1 : t;
  for (let w = 0; w < ds.count; w++)
    for (let i = t - perSample; i < t; i++)
      yield [ds.x[w * t + i], ds.labels.data[w * perSample + i - (t - perSample)]];
}

export function bigramBaseline(train: Dataset, validation: Dataset, vocabulary: number): Baseline {
  const counts = new Float64Array(vocabulary * vocabulary).fill(1);
  for (const [a, b] of pairs(train)) counts[a * vocabulary + b] += 1;
  const logProb = new Float64Array(vocabulary * vocabulary);
  for (let a = 0; a < vocabulary; a++) {
    let row = 0;
    for (let b = 0; b < vocabulary; b++) row += counts[a * vocabulary + b];
    for (let b = 0; b < vocabulary; b++) logProb[a * vocabulary + b] = Math.log(counts[a * vocabulary + b] / row);
  }
  let total = 0;
  let n = 0;
  for (const [a, b] of pairs(validation)) {
    total -= logProb[a * vocabulary + b];
    n++;
  }
  const loss = total / Math.max(n, 1);
  return { loss, perplexity: Math.exp(loss) };
}
