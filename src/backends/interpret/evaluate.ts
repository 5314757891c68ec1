// Inference over a dataset in batches: the loss, the train section's metrics, and a confusion
// matrix with per-class precision and recall (used per epoch and by `netc evaluate`).
import type { TrainConfig } from "../../ir/graph.ts";
import { batches } from "../../data/batches.ts";
import type { Dataset } from "../../data/dataset.ts";
import type { Executor } from "../../runtime/index.ts";
import { computeLoss, softmax, type LossPlan } from "../../runtime/train/losses.ts";
import { ConfusionMatrix, createMetric, isStreamed, metricName, perplexity } from "../../runtime/train/metrics.ts";

export interface Evaluation {
  readonly loss: number;
  /** By metric name as in the train section (`accuracy`, `macro_f1`, `dice`, `top_5`). */
  readonly metrics: Readonly<Record<string, number>>;
  readonly precision: readonly number[];
  readonly recall: readonly number[];
  /** counts[truth][predicted]. */
  readonly confusion: readonly (readonly number[])[];
}

export interface EvaluationContext {
  readonly config: TrainConfig;
  readonly plan: LossPlan;
  /** The final op fused into the loss (the executor stops before it); applied here for metrics. */
  readonly fusedOp?: string;
  readonly classes: number;
  readonly outPer: number;
}

export function evaluate(executor: Executor, data: Dataset, ctx: EvaluationContext): Evaluation {
  const wasTraining = executor.training;
  executor.training = false;
  try {
    const metrics = ctx.config.metrics.filter(isStreamed).map((m) => createMetric(m, ctx.classes));
    const matrix = new ConfusionMatrix(Math.max(ctx.classes, 2));
    let lossSum = 0;
    for (const batch of batches(data, executor.maxBatch)) {
      const out = executor.forward([batch.x], batch.size)[0].subarray(0, batch.size * ctx.outPer);
      lossSum += computeLoss(ctx.config.loss, ctx.plan.input, out, batch.target, { batch: batch.size, classes: ctx.classes }).loss * batch.size;
      const probabilities = finalOp(ctx.fusedOp, out, ctx.classes);
      for (const metric of metrics) metric.update(probabilities, batch.target, batch.size);
      matrix.addBatch(probabilities, batch.target, ctx.classes);
    }
    const classes = matrix.classes;
    const range = Array.from({ length: classes }, (_, c) => c);
    const loss = lossSum / data.count;
    const streamed = new Map(metrics.map((m) => [m.name, m.result()]));
    return {
      loss,
      // In the train section's order; perplexity comes from the loss.
      metrics: Object.fromEntries(
        ctx.config.metrics.map((m) => (m.kind === "perplexity" ? ["perplexity", perplexity(loss)] : [metricName(m), streamed.get(metricName(m))!])),
      ),
      precision: range.map((c) => matrix.precision(c)),
      recall: range.map((c) => matrix.recall(c)),
      confusion: range.map((t) => range.map((p) => matrix.counts[t * classes + p])),
    };
  } finally {
    executor.training = wasTraining;
  }
}

function finalOp(op: string | undefined, values: Float32Array, classes: number): Float32Array {
  if (op === "softmax") return softmax(values, classes);
  if (op === "sigmoid") return values.map((v) => 1 / (1 + Math.exp(-v)));
  return values;
}
