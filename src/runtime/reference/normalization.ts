// Per-sample normalisations with a learned scale (and shift) per channel, the last axis:
// layernorm and rmsnorm over each row's C features; groupnorm over every position and the
// channels of one group (instancenorm is groupnorm with one channel per group). Forward keeps
// each normalised set's mean and 1/σ for backward:
//   x̂ = (x − μ)·r, r = 1/√(σ² + ε), y = γ·x̂ + β
//   dx = r·(g − mean(g) − x̂·mean(g·x̂)) with g = γ·dy (rmsnorm: no μ, no mean(g) term).
import type { AttrsFor, Kernel, Shape } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

/** The tensor as sets normalised together: `sets` per sample of `positions` × `width`
 * channels, set s starting at channel s·width of each position (row stride `channels`). */
interface Sets {
  readonly count: number;
  readonly positions: number;
  readonly width: number;
  readonly channels: number;
}

function rowSets(shape: Shape, batch: number): Sets {
  const channels = shape[shape.length - 1];
  return { count: (batch * sizeOf(shape)) / channels, positions: 1, width: channels, channels };
}

function groupSets(shape: Shape, batch: number, groups: number): Sets {
  const channels = shape[shape.length - 1];
  return { count: batch * groups, positions: sizeOf(shape) / channels, width: channels / groups, channels };
}

/** First float of set s (its first position). */
function setBase({ positions, width, channels }: Sets, s: number): number {
  const groups = channels / width;
  return Math.floor(s / groups) * positions * channels + (s % groups) * width;
}

function normalizeForward(
  sets: Sets,
  centre: boolean,
  eps: number,
  x: Float32Array,
  gamma: Float32Array,
  beta: Float32Array | undefined,
  y: Float32Array,
  saved: Float32Array,
): void {
  const { count, positions, width, channels } = sets;
  const n = positions * width;
  for (let s = 0; s < count; s++) {
    const base = setBase(sets, s);
    const c0 = base % channels;
    let sum = 0;
    if (centre) {
      for (let p = 0; p < positions; p++) for (let j = 0, i = base + p * channels; j < width; j++) sum += x[i + j];
    }
    const mean = sum / n;
    let squares = 0;
    for (let p = 0; p < positions; p++) {
      for (let j = 0, i = base + p * channels; j < width; j++) {
        const d = x[i + j] - mean;
        squares += d * d;
      }
    }
    const r = 1 / Math.sqrt(squares / n + eps);
    if (saved.length) {
      saved[2 * s] = mean;
      saved[2 * s + 1] = r;
    }
    for (let p = 0; p < positions; p++) {
      for (let j = 0, i = base + p * channels; j < width; j++) {
        y[i + j] = (x[i + j] - mean) * r * gamma[c0 + j] + (beta ? beta[c0 + j] : 0);
      }
    }
  }
}

function normalizeBackward(
  sets: Sets,
  centre: boolean,
  x: Float32Array,
  gamma: Float32Array,
  saved: Float32Array,
  dy: Float32Array,
  dx: Float32Array | null,
  dGamma: Float32Array | null,
  dBeta: Float32Array | null,
): void {
  const { count, positions, width, channels } = sets;
  const n = positions * width;
  for (let s = 0; s < count; s++) {
    const base = setBase(sets, s);
    const c0 = base % channels;
    const mean = saved[2 * s];
    const r = saved[2 * s + 1];
    let sumG = 0;
    let sumGX = 0;
    for (let p = 0; p < positions; p++) {
      for (let j = 0, i = base + p * channels; j < width; j++) {
        const xhat = (x[i + j] - mean) * r;
        const g = dy[i + j] * gamma[c0 + j];
        sumG += g;
        sumGX += g * xhat;
        if (dGamma) dGamma[c0 + j] += dy[i + j] * xhat;
        if (dBeta) dBeta[c0 + j] += dy[i + j];
      }
    }
    if (!dx) continue;
    const meanG = centre ? sumG / n : 0;
    const meanGX = sumGX / n;
    for (let p = 0; p < positions; p++) {
      for (let j = 0, i = base + p * channels; j < width; j++) {
        const xhat = (x[i + j] - mean) * r;
        dx[i + j] += r * (dy[i + j] * gamma[c0 + j] - meanG - xhat * meanGX);
      }
    }
  }
}

type NormOp = "layernorm" | "rmsnorm" | "groupnorm" | "instancenorm";

function makeNormKernel<K extends NormOp>(
  centre: boolean,
  shift: boolean,
  setsOf: (attrs: AttrsFor<NormOp>, shape: Shape, batch: number) => Sets,
): Kernel<K> {
  const sets = (attrs: AttrsFor<K>, shape: Shape, batch: number) => setsOf(attrs as AttrsFor<NormOp>, shape, batch);
  return {
    backwardReads: { inputs: true, output: false },
    params(_attrs, [inShape]) {
      const c = inShape[inShape.length - 1];
      const specs = [{ name: "gamma", shape: [c], trainable: true }];
      if (shift) specs.push({ name: "beta", shape: [c], trainable: true });
      return specs;
    },
    savedSize: ({ attrs, inShapes, maxBatch, training }) =>
      training ? 2 * sets(attrs, inShapes[0], maxBatch).count : 0,
    forward({ attrs, batch, inShapes, inputs, output, params, saved }) {
      const eps = (attrs as AttrsFor<NormOp>).eps;
      normalizeForward(sets(attrs, inShapes[0], batch), centre, eps, inputs[0], params[0], params[1], output, saved);
    },
    backward({ attrs, batch, inShapes, inputs, params, saved, outGrad, inGrads, paramGrads }) {
      normalizeBackward(
        sets(attrs, inShapes[0], batch),
        centre,
        inputs[0],
        params[0],
        saved,
        outGrad,
        inGrads[0],
        paramGrads[0],
        paramGrads[1] ?? null,
      );
    },
  };
}

export const layernormKernel = makeNormKernel<"layernorm">(true, true, (_a, shape, batch) => rowSets(shape, batch));
export const rmsnormKernel = makeNormKernel<"rmsnorm">(false, false, (_a, shape, batch) => rowSets(shape, batch));
export const groupnormKernel = makeNormKernel<"groupnorm">(true, true, (a, shape, batch) =>
  groupSets(shape, batch, a.op === "groupnorm" ? a.groups : 1),
);
export const instancenormKernel = makeNormKernel<"instancenorm">(true, true, (_a, shape, batch) =>
  groupSets(shape, batch, shape[shape.length - 1]),
);
