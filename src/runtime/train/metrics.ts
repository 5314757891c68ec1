// Streaming metrics: `update` once per batch with the model's output and the target, `result`
// at the end of the epoch. Rows are entries along the last (class) axis, so a segmentation
// output [H, W, C] is scored per pixel. A 1-channel output is a binary (sigmoid) output: the
// prediction is p ≥ 0.5 and the truth y ≥ 0.5, giving two classes {0, 1}.
//
//   accuracy   fraction of rows whose predicted class (first maximum) equals the truth
//   macro_f1   as sklearn f1_score(average='macro', zero_division=0): the mean of per-class
//              F1 = 2tp / (2tp + fp + fn) over the classes that occur in the truth or in the
//              predictions (classes absent from both are left out, as sklearn's label set)
//   top_k      fraction of rows whose true class is among the k highest scores; ties are broken
//              by class index (a stable descending sort), so the answer is deterministic
//   dice       hard Dice 2|A∩B| / (|A| + |B|) per sample: 1 channel → the thresholded mask;
//              C channels → argmax per pixel, Dice per class averaged over the C classes; a class
//              absent from both masks scores 1 (nothing to find, nothing found). The result is
//              the mean over samples.
//   perplexity e^loss, the loss being the mean cross-entropy in nats per row (per predicted
//              token of a sequence model); read from the evaluation's loss, not streamed
import { checkClass, rowsOf, type Target } from "./target.ts";

/** The metrics computed from the outputs, batch by batch. */
export type StreamedMetricConfig =
  | { readonly kind: "accuracy" }
  | { readonly kind: "macro_f1" }
  | { readonly kind: "dice" }
  | { readonly kind: "top_k"; readonly k: number };

/** Structurally one entry of the train section's `metrics`; perplexity is computed from the loss. */
export type MetricConfig = StreamedMetricConfig | { readonly kind: "perplexity" };

export const isStreamed = (m: MetricConfig): m is StreamedMetricConfig => m.kind !== "perplexity";

/** The name a metric is reported under: `accuracy`, `top_5`, `perplexity`. */
export const metricName = (m: MetricConfig): string => (m.kind === "top_k" ? `top_${m.k}` : m.kind);

export interface Metric {
  /** `accuracy`, `macro_f1`, `dice`, `top_5`. */
  readonly name: string;
  update(output: Float32Array, target: Target, batch: number): void;
  result(): number;
  reset(): void;
}

/** Perplexity of a cross-entropy model whose mean loss (nats per row) is `loss`. */
export const perplexity = (loss: number): number => Math.exp(loss);

/** `classes` is the size of the output's last axis. */
export function createMetric(config: StreamedMetricConfig, classes: number): Metric {
  switch (config.kind) {
    case "accuracy":
      return confusionMetric("accuracy", classes, (m) => m.accuracy());
    case "macro_f1":
      return confusionMetric("macro_f1", classes, (m) => m.macroF1());
    case "top_k":
      return topKMetric(config.k, classes);
    case "dice":
      return diceMetric(classes);
  }
}

/** Counts[truth][predicted] over `classes` classes (2 for a 1-channel binary output). */
export class ConfusionMatrix {
  readonly counts: Float64Array;
  constructor(readonly classes: number) {
    this.counts = new Float64Array(classes * classes);
  }
  add(truth: number, predicted: number): void {
    this.counts[truth * this.classes + predicted] += 1;
  }
  /** Count every row of a batch; `outputClasses` is the output's last axis (1 for a sigmoid mask). */
  addBatch(output: Float32Array, target: Target, outputClasses: number): void {
    const { predicted, truth } = rowClasses(output, target, outputClasses);
    for (let r = 0; r < truth.length; r++) this.add(truth[r], predicted[r]);
  }
  private truthTotal(c: number): number {
    let n = 0;
    for (let p = 0; p < this.classes; p++) n += this.counts[c * this.classes + p];
    return n;
  }
  private predictedTotal(c: number): number {
    let n = 0;
    for (let t = 0; t < this.classes; t++) n += this.counts[t * this.classes + c];
    return n;
  }
  total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }
  accuracy(): number {
    let hits = 0;
    for (let c = 0; c < this.classes; c++) hits += this.counts[c * this.classes + c];
    const total = this.total();
    return total === 0 ? 0 : hits / total;
  }
  /** tp / (tp + fp); 0 when the class was never predicted (zero_division = 0). */
  precision(c: number): number {
    const predicted = this.predictedTotal(c);
    return predicted === 0 ? 0 : this.counts[c * this.classes + c] / predicted;
  }
  /** tp / (tp + fn); 0 when the class never occurs in the truth. */
  recall(c: number): number {
    const actual = this.truthTotal(c);
    return actual === 0 ? 0 : this.counts[c * this.classes + c] / actual;
  }
  f1(c: number): number {
    const tp = this.counts[c * this.classes + c];
    const denominator = this.truthTotal(c) + this.predictedTotal(c);
    return denominator === 0 ? 0 : (2 * tp) / denominator;
  }
  macroF1(): number {
    let sum = 0;
    let present = 0;
    for (let c = 0; c < this.classes; c++) {
      if (this.truthTotal(c) + this.predictedTotal(c) === 0) continue;
      sum += this.f1(c);
      present += 1;
    }
    return present === 0 ? 0 : sum / present;
  }
}

/** Predicted and true class of every row (binary for a 1-channel output). */
export function rowClasses(
  output: Float32Array,
  target: Target,
  classes: number,
): { predicted: Int32Array; truth: Int32Array } {
  const rows = rowsOf(output.length, classes, target);
  const predicted = new Int32Array(rows);
  const truth = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    predicted[r] = classes === 1 ? Number(output[r] >= 0.5) : argmax(output, r * classes, classes);
    if (target.kind === "classes") {
      truth[r] = target.data[r];
      checkClass(truth[r], Math.max(classes, 2), r);
    } else {
      truth[r] = classes === 1 ? Number(target.data[r] >= 0.5) : argmax(target.data, r * classes, classes);
    }
  }
  return { predicted, truth };
}

function argmax(values: Float32Array, start: number, n: number): number {
  let best = 0;
  for (let c = 1; c < n; c++) if (values[start + c] > values[start + best]) best = c;
  return best;
}

function confusionMetric(name: string, classes: number, read: (m: ConfusionMatrix) => number): Metric {
  let matrix = new ConfusionMatrix(Math.max(classes, 2));
  return {
    name,
    update(output, target) {
      matrix.addBatch(output, target, classes);
    },
    result: () => read(matrix),
    reset() {
      matrix = new ConfusionMatrix(Math.max(classes, 2));
    },
  };
}

function topKMetric(k: number, classes: number): Metric {
  if (!Number.isInteger(k) || k < 1 || k > classes) {
    throw new RangeError(`top_k(${k}) needs 1 <= k <= ${classes} (the number of classes)`);
  }
  let hits = 0;
  let rows = 0;
  return {
    name: `top_${k}`,
    update(output, target) {
      const { truth } = rowClasses(output, target, classes);
      for (let r = 0; r < truth.length; r++) {
        const start = r * classes;
        const score = output[start + truth[r]];
        // Rank of the true class in a stable descending sort.
        let rank = 0;
        for (let c = 0; c < classes; c++) {
          const v = output[start + c];
          if (v > score || (v === score && c < truth[r])) rank++;
        }
        if (rank < k) hits++;
      }
      rows += truth.length;
    },
    result: () => (rows === 0 ? 0 : hits / rows),
    reset() {
      hits = 0;
      rows = 0;
    },
  };
}

function diceMetric(classes: number): Metric {
  let sum = 0;
  let samples = 0;
  const scored = classes === 1 ? [1] : Array.from({ length: classes }, (_, c) => c);
  return {
    name: "dice",
    update(output, target, batch) {
      const { predicted, truth } = rowClasses(output, target, classes);
      if (truth.length % batch !== 0)
        throw new RangeError(`dice: ${truth.length} pixels cannot be split into ${batch} samples`);
      const perSample = truth.length / batch;
      for (let s = 0; s < batch; s++) {
        let sampleScore = 0;
        for (const c of scored) {
          let both = 0;
          let sizes = 0;
          for (let r = s * perSample; r < (s + 1) * perSample; r++) {
            const inPred = predicted[r] === c;
            const inTruth = truth[r] === c;
            if (inPred && inTruth) both++;
            sizes += Number(inPred) + Number(inTruth);
          }
          sampleScore += sizes === 0 ? 1 : (2 * both) / sizes;
        }
        sum += sampleScore / scored.length;
      }
      samples += batch;
    },
    result: () => (samples === 0 ? 0 : sum / samples),
    reset() {
      sum = 0;
      samples = 0;
    },
  };
}
