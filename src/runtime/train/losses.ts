// Losses: the batch value with torch's default 'mean' reduction and the gradient of that value
// with respect to what the loss consumed. Rows are entries along the last (class) axis, so a
// `[H, W, C]` output is N·H·W rows, as torch's losses over an [N, C, H, W] input.
//
//   cross_entropy   −Σ_c y'_c log q_c averaged over rows, y' = (1 − ε)·y + ε/C (torch's
//                   label_smoothing, for class indices and soft labels alike)
//   binary_cross_entropy  −[y log p + (1−y) log(1−p)], logs clamped at −100, mean over elements
//   kl_divergence   torch KLDivLoss(reduction='batchmean'): Σ y (log y − log q) / N, with
//                   0·log 0 = 0; N is the batch size. The model's distribution q comes from
//                   logits (fused log-softmax), log-probabilities (a log_softmax output) or
//                   probabilities. 'batchmean' is the reduction torch documents as the true KL.
//   mse             mean over elements of (x − y)²
//   dice            1 − (2Σpy + s) / (Σp + Σy + s), sums over each sample, mean over the batch
import { denseTarget, rowsOf, type Target } from "./target.ts";

export interface LossResult {
  readonly loss: number;
  /** Gradient of `loss` w.r.t. the consumed values, same layout. */
  readonly grad: Float32Array;
}

/** The train section's `loss` (src/ir/graph.ts TrainConfig["loss"] is this type). */
export type LossConfig =
  | { readonly kind: "cross_entropy"; readonly labelSmoothing: number }
  | { readonly kind: "binary_cross_entropy" }
  | { readonly kind: "kl_divergence" }
  | { readonly kind: "mse" }
  | { readonly kind: "dice"; readonly smooth: number };

/** How the consumed values are to be read. */
export type LossInput = "logits" | "log_probabilities" | "probabilities" | "values";

/**
 * Which tensor a loss consumes: the model's output, or — to fuse a final softmax (or a final
 * sigmoid for binary cross-entropy) into a numerically stable log-softmax — the INPUT of that
 * last op, whose gradient then skips the op's backward. Fusion assumes the op acts on the last
 * axis (the class axis in NHWC).
 */
export interface LossPlan {
  readonly consumes: "output" | "last_op_input";
  readonly input: LossInput;
}

export function planLoss(loss: LossConfig["kind"], lastOp: string): LossPlan {
  switch (loss) {
    case "cross_entropy":
    case "kl_divergence":
      // Any other output is read as logits (spec section 5).
      if (lastOp === "softmax") return { consumes: "last_op_input", input: "logits" };
      if (lastOp === "log_softmax") return { consumes: "output", input: "log_probabilities" };
      return { consumes: "output", input: "logits" };
    case "binary_cross_entropy":
      if (lastOp === "sigmoid") return { consumes: "last_op_input", input: "logits" };
      return { consumes: "output", input: "probabilities" };
    case "mse":
      return { consumes: "output", input: "values" };
    case "dice":
      return { consumes: "output", input: "probabilities" };
  }
}

export interface LossShape {
  /** Samples in the batch. */
  readonly batch: number;
  /** Size of the output's last axis. */
  readonly classes: number;
}

/** Evaluate `config` on values read as `input` (from `planLoss`). */
export function computeLoss(
  config: LossConfig,
  input: LossInput,
  values: Float32Array,
  target: Target,
  shape: LossShape,
): LossResult {
  const { batch, classes } = shape;
  const needs = (...allowed: LossInput[]): void => {
    if (!allowed.includes(input))
      throw new Error(`${config.kind} loss cannot consume ${input} (expects ${allowed.join(" or ")})`);
  };
  switch (config.kind) {
    case "cross_entropy":
      needs("logits", "log_probabilities", "probabilities");
      if (input === "logits") return crossEntropyFromLogits(values, target, classes, config.labelSmoothing);
      if (input === "log_probabilities")
        return crossEntropyFromLogProbs(values, target, classes, config.labelSmoothing);
      return crossEntropyFromProbs(values, target, classes, config.labelSmoothing);
    case "kl_divergence":
      needs("logits", "log_probabilities", "probabilities");
      if (input === "logits") return klDivergenceFromLogits(values, target, classes, batch);
      if (input === "log_probabilities") return klDivergenceFromLogProbs(values, target, classes, batch);
      return klDivergenceFromProbs(values, target, classes, batch);
    case "binary_cross_entropy":
      needs("logits", "probabilities");
      return input === "logits"
        ? binaryCrossEntropyFromLogits(values, denseTarget(target, classes))
        : binaryCrossEntropy(values, denseTarget(target, classes));
    case "mse":
      return meanSquaredError(values, denseTarget(target, classes));
    case "dice":
      needs("probabilities");
      return diceLoss(values, denseTarget(target, classes), batch, config.smooth);
  }
}

/** Softmax over rows of `classes` entries (max-subtracted, so large logits do not overflow). */
export function softmax(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += classes) {
    const { max, sumExp } = rowStats(logits, r, classes);
    for (let c = 0; c < classes; c++) out[r + c] = Math.exp(logits[r + c] - max) / sumExp;
  }
  return out;
}

/** Log-softmax over rows, computed as z − max − log Σ exp(z − max). */
export function logSoftmax(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let r = 0; r < logits.length; r += classes) {
    const { max, sumExp } = rowStats(logits, r, classes);
    const logSum = Math.log(sumExp);
    for (let c = 0; c < classes; c++) out[r + c] = logits[r + c] - max - logSum;
  }
  return out;
}

function rowStats(z: Float32Array, start: number, n: number): { max: number; sumExp: number } {
  let max = -Infinity;
  for (let c = 0; c < n; c++) max = Math.max(max, z[start + c]);
  let sumExp = 0;
  for (let c = 0; c < n; c++) sumExp += Math.exp(z[start + c] - max);
  return { max, sumExp };
}

/** Smoothed target row values y' = (1 − ε)·y + ε/C, as dense rows. */
function smoothedTarget(target: Target, classes: number, smoothing: number): Float32Array {
  const y = denseTarget(target, classes);
  if (smoothing === 0) return y;
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = (1 - smoothing) * y[i] + smoothing / classes;
  return out;
}

/** Cross-entropy on logits through a fused log-softmax; gradient (softmax − y') / rows. */
export function crossEntropyFromLogits(
  logits: Float32Array,
  target: Target,
  classes: number,
  labelSmoothing = 0,
): LossResult {
  const rows = rowsOf(logits.length, classes, target);
  const y = smoothedTarget(target, classes, labelSmoothing);
  const logq = logSoftmax(logits, classes);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total -= y[i] * logq[i];
  return { loss: total / rows, grad: logitsGradient(logq, y, classes, rows) };
}

/**
 * d/dz of −Σ y·log_softmax(z), divided by `divisor`: (Σy)·softmax(z) − y per row, which is the
 * familiar p − y when the target row sums to 1 (soft labels need not).
 */
function logitsGradient(logq: Float32Array, y: Float32Array, classes: number, divisor: number): Float32Array {
  const grad = new Float32Array(logq.length);
  for (let r = 0; r < y.length; r += classes) {
    let mass = 0;
    for (let c = 0; c < classes; c++) mass += y[r + c];
    for (let c = 0; c < classes; c++) grad[r + c] = (mass * Math.exp(logq[r + c]) - y[r + c]) / divisor;
  }
  return grad;
}

/** Cross-entropy on log-probabilities (torch's NLLLoss with smoothing); gradient −y'/rows. */
export function crossEntropyFromLogProbs(
  logProbs: Float32Array,
  target: Target,
  classes: number,
  labelSmoothing = 0,
): LossResult {
  const rows = rowsOf(logProbs.length, classes, target);
  const y = smoothedTarget(target, classes, labelSmoothing);
  const grad = new Float32Array(logProbs.length);
  let total = 0;
  for (let i = 0; i < logProbs.length; i++) {
    total -= y[i] * logProbs[i];
    grad[i] = -y[i] / rows;
  }
  return { loss: total / rows, grad };
}

/** Cross-entropy on probabilities: log p clamped at −100 as torch's BCE; gradient −y'/(p·rows), p ≥ 1e-12. */
export function crossEntropyFromProbs(
  probs: Float32Array,
  target: Target,
  classes: number,
  labelSmoothing = 0,
): LossResult {
  const rows = rowsOf(probs.length, classes, target);
  const y = smoothedTarget(target, classes, labelSmoothing);
  const grad = new Float32Array(probs.length);
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    if (y[i] === 0) continue;
    total -= y[i] * clampedLog(probs[i]);
    grad[i] = -y[i] / Math.max(probs[i], 1e-12) / rows;
  }
  return { loss: total / rows, grad };
}

const clampedLog = (x: number): number => Math.max(Math.log(x), -100);

/** y·log y with 0·log 0 = 0 (torch's xlogy). */
const yLogY = (y: number): number => (y === 0 ? 0 : y * Math.log(y));

/** KL(y ‖ softmax(logits)) per torch 'batchmean'; gradient (Σy·softmax − y) / N. */
export function klDivergenceFromLogits(
  logits: Float32Array,
  target: Target,
  classes: number,
  batch: number,
): LossResult {
  rowsOf(logits.length, classes, target);
  const y = denseTarget(target, classes);
  const logq = logSoftmax(logits, classes);
  let total = 0;
  for (let i = 0; i < logits.length; i++) total += yLogY(y[i]) - y[i] * logq[i];
  return { loss: total / batch, grad: logitsGradient(logq, y, classes, batch) };
}

/** torch.nn.KLDivLoss(reduction='batchmean') exactly: input log q, target y; gradient −y/N. */
export function klDivergenceFromLogProbs(
  logProbs: Float32Array,
  target: Target,
  classes: number,
  batch: number,
): LossResult {
  rowsOf(logProbs.length, classes, target);
  const y = denseTarget(target, classes);
  const grad = new Float32Array(logProbs.length);
  let total = 0;
  for (let i = 0; i < logProbs.length; i++) {
    total += yLogY(y[i]) - y[i] * logProbs[i];
    grad[i] = -y[i] / batch;
  }
  return { loss: total / batch, grad };
}

/** KL(y ‖ p) from probabilities (log p clamped at −100); gradient −y/(p·N), p ≥ 1e-12. */
export function klDivergenceFromProbs(probs: Float32Array, target: Target, classes: number, batch: number): LossResult {
  rowsOf(probs.length, classes, target);
  const y = denseTarget(target, classes);
  const grad = new Float32Array(probs.length);
  let total = 0;
  for (let i = 0; i < probs.length; i++) {
    if (y[i] === 0) continue;
    total += yLogY(y[i]) - y[i] * clampedLog(probs[i]);
    grad[i] = -y[i] / Math.max(probs[i], 1e-12) / batch;
  }
  return { loss: total / batch, grad };
}

function checkSameLength(what: string, values: Float32Array, target: Float32Array): void {
  if (values.length !== target.length)
    throw new RangeError(`${what}: output has ${values.length} values but the target has ${target.length}`);
}

/** torch.nn.BCELoss: logs clamped at −100; gradient (p − y) / max(p(1 − p), 1e-12) / n as torch's backward. */
export function binaryCrossEntropy(probs: Float32Array, target: Float32Array): LossResult {
  checkSameLength("binary_cross_entropy", probs, target);
  const n = probs.length;
  const grad = new Float32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const p = probs[i];
    const y = target[i];
    total -= y * clampedLog(p) + (1 - y) * clampedLog(1 - p);
    grad[i] = (p - y) / Math.max((1 - p) * p, 1e-12) / n;
  }
  return { loss: total / n, grad };
}

/** torch.nn.BCEWithLogitsLoss (a final sigmoid fused): max(z,0) − z·y + log(1 + e^−|z|); gradient (σ(z) − y)/n. */
export function binaryCrossEntropyFromLogits(logits: Float32Array, target: Float32Array): LossResult {
  checkSameLength("binary_cross_entropy", logits, target);
  const n = logits.length;
  const grad = new Float32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const z = logits[i];
    total += Math.max(z, 0) - z * target[i] + Math.log1p(Math.exp(-Math.abs(z)));
    grad[i] = (1 / (1 + Math.exp(-z)) - target[i]) / n;
  }
  return { loss: total / n, grad };
}

/** torch.nn.MSELoss: mean (x − y)²; gradient 2(x − y)/n. */
export function meanSquaredError(values: Float32Array, target: Float32Array): LossResult {
  checkSameLength("mse", values, target);
  const n = values.length;
  const grad = new Float32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const d = values[i] - target[i];
    total += d * d;
    grad[i] = (2 * d) / n;
  }
  return { loss: total / n, grad };
}

/** Soft Dice loss per sample, averaged over the batch. */
export function diceLoss(probs: Float32Array, target: Float32Array, batch: number, smooth = 1): LossResult {
  checkSameLength("dice", probs, target);
  if (!Number.isInteger(batch) || batch < 1 || probs.length % batch !== 0) {
    throw new RangeError(`dice: ${probs.length} values cannot be split into ${batch} samples`);
  }
  const per = probs.length / batch;
  const grad = new Float32Array(probs.length);
  let total = 0;
  for (let s = 0; s < probs.length; s += per) {
    let inter = 0;
    let sum = 0;
    for (let i = s; i < s + per; i++) {
      inter += probs[i] * target[i];
      sum += probs[i] + target[i];
    }
    const num = 2 * inter + smooth;
    const den = sum + smooth;
    total += 1 - num / den;
    // d/dp_i of −num/den = −(2·y_i·den − num) / den²
    for (let i = s; i < s + per; i++) grad[i] = -(2 * target[i] * den - num) / (den * den) / batch;
  }
  return { loss: total / batch, grad };
}
