// Batch normalisation over the last (channel) axis, PyTorch semantics. Training normalises with
// the batch mean and biased variance and updates the running stats with
// running = (1 − momentum)·running + momentum·batch_stat, using the unbiased variance;
// inference uses the running stats. Params: gamma, beta (trainable), mean, var (running).
// Loops run pixel by pixel with per-channel sums in float64, so memory is read in order.
import type { Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

/** Per-channel float64 accumulators, reused across calls (kernels run one at a time). */
let sums = new Float64Array(0);

function channelSums(c: number): Float64Array {
  if (sums.length < 2 * c) sums = new Float64Array(2 * c);
  sums.fill(0, 0, 2 * c);
  return sums;
}

function dims(inShape: readonly number[], batch: number): { count: number; c: number } {
  const c = inShape[inShape.length - 1];
  return { count: (batch * sizeOf(inShape)) / c, c };
}

/** Writes the batch mean and biased variance of x per channel. */
function batchStatistics(x: Float32Array, count: number, c: number, mean: Float32Array, variance: Float32Array): void {
  const acc = channelSums(c);
  for (let i = 0; i < count * c; i += c) {
    for (let ch = 0; ch < c; ch++) acc[ch] += x[i + ch];
  }
  for (let ch = 0; ch < c; ch++) acc[ch] /= count;
  for (let i = 0; i < count * c; i += c) {
    for (let ch = 0; ch < c; ch++) {
      const d = x[i + ch] - acc[ch];
      acc[c + ch] += d * d;
    }
  }
  for (let ch = 0; ch < c; ch++) {
    mean[ch] = acc[ch];
    variance[ch] = acc[c + ch] / count;
  }
}

export const batchnormKernel: Kernel<"batchnorm"> = {
  params(_a, [inShape]) {
    const shape = [inShape[inShape.length - 1]];
    return [
      { name: "gamma", shape, trainable: true },
      { name: "beta", shape, trainable: true },
      { name: "mean", shape, trainable: false },
      { name: "var", shape, trainable: false },
    ];
  },
  backwardReads: { inputs: true, output: false },
  fusesActivation: true,

  /** Mean, 1/std and variance per channel; backward reuses the first two. */
  savedSize: ({ inShapes }) => 3 * inShapes[0][inShapes[0].length - 1],

  forward({ attrs, batch, inShapes, inputs, output, params, saved, training, activation }) {
    const x = inputs[0];
    const [gamma, beta, runningMean, runningVar] = params;
    const { count, c } = dims(inShapes[0], batch);
    if (training && count < 2) {
      throw new Error(
        `batchnorm needs more than one value per channel in training, got ${count} ` +
          `(batch ${batch} × shape [${inShapes[0].join(", ")}]); use a larger batch`,
      );
    }
    const mean = saved.subarray(0, c);
    const invStd = saved.subarray(c, 2 * c);
    const variance = saved.subarray(2 * c, 3 * c);
    if (training) {
      batchStatistics(x, count, c, mean, variance);
      const m = attrs.momentum;
      for (let ch = 0; ch < c; ch++) {
        runningMean[ch] = (1 - m) * runningMean[ch] + m * mean[ch];
        runningVar[ch] = (1 - m) * runningVar[ch] + (m * variance[ch] * count) / (count - 1);
      }
    } else {
      mean.set(runningMean);
      variance.set(runningVar);
    }
    // y = x·scale + shift per channel, with scale and shift computed once in float64.
    const acc = channelSums(c);
    for (let ch = 0; ch < c; ch++) {
      const inv = 1 / Math.sqrt(variance[ch] + attrs.eps);
      invStd[ch] = inv;
      acc[ch] = inv * gamma[ch];
      acc[c + ch] = beta[ch] - mean[ch] * inv * gamma[ch];
    }
    for (let i = 0; i < count * c; i += c) {
      for (let ch = 0; ch < c; ch++) output[i + ch] = x[i + ch] * acc[ch] + acc[c + ch];
    }
    if (activation) {
      // A relu or relu6 fused into this layer (inference).
      const ceiling = activation === "relu6" ? 6 : Infinity;
      for (let i = 0; i < count * c; i++) output[i] = Math.min(Math.max(output[i], 0), ceiling);
    }
  },

  backward({ batch, inShapes, inputs, params, saved, training, outGrad, inGrads, paramGrads }) {
    const x = inputs[0];
    const gamma = params[0];
    const [dx] = inGrads;
    const [dGamma, dBeta] = paramGrads;
    const { count, c } = dims(inShapes[0], batch);
    const mean = saved.subarray(0, c);
    const invStd = saved.subarray(c, 2 * c);
    // acc[ch] = Σ dy, acc[c + ch] = Σ dy·x̂.
    const acc = channelSums(c);
    for (let i = 0; i < count * c; i += c) {
      for (let ch = 0; ch < c; ch++) {
        const g = outGrad[i + ch];
        acc[ch] += g;
        acc[c + ch] += g * (x[i + ch] - mean[ch]) * invStd[ch];
      }
    }
    for (let ch = 0; ch < c; ch++) {
      if (dGamma) dGamma[ch] += acc[c + ch];
      if (dBeta) dBeta[ch] += acc[ch];
    }
    if (!dx) return;
    if (!training) {
      for (let i = 0; i < count * c; i += c) {
        for (let ch = 0; ch < c; ch++) dx[i + ch] += outGrad[i + ch] * gamma[ch] * invStd[ch];
      }
      return;
    }
    // d/dx of the batch-statistics normalisation (mean and variance depend on x too):
    // dx = γ·σ⁻¹·(dy − mean(dy) − x̂·mean(dy·x̂)).
    for (let ch = 0; ch < c; ch++) {
      acc[ch] /= count;
      acc[c + ch] /= count;
    }
    for (let i = 0; i < count * c; i += c) {
      for (let ch = 0; ch < c; ch++) {
        const xhat = (x[i + ch] - mean[ch]) * invStd[ch];
        dx[i + ch] += gamma[ch] * invStd[ch] * (outGrad[i + ch] - acc[ch] - xhat * acc[c + ch]);
      }
    }
  },
};
