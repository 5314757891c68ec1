// Multi-head scaled dot-product attention with PyTorch nn.MultiheadAttention's numbers, on
// per-sample sequences [T, C] (keys and values from the same sequence, or from a context
// [S, C_ctx]). Every matrix product — the projections, QKᵀ and PV per head — goes through
// `call.gemm`, so a SIMD backend runs them all; heads are column blocks of Q, K and V read in
// place (leading dimension C); the row softmax and its backward are the backend's where it has
// them (`gemm.softmaxRows`), and in inference a backend may run all of a sample's heads in one
// call (`gemm.attentionHeads`). Softmax is max-shifted; the causal mask leaves masked weights
// at exactly 0 (no −∞ arithmetic, no NaN).
//   Q = X·Wq + bq, K = Ctx·Wk + bk, V = Ctx·Wv + bv
//   P_h = softmax(Q_h·K_hᵀ/√d) (keys after t masked when causal), dropout(P_h) in training
//   A_h = P_h·V_h, Y = A·Wo + bo
import type { ForwardCall, Kernel, KernelParam, SizeQuery } from "../kernel.ts";
import type { Gemm, SoftmaxRows, SoftmaxRowsGrad } from "../gemm.ts";
import { addBiasGrad } from "./conv-geometry.ts";

type Call = ForwardCall<"attention">;

interface Dims {
  readonly t: number;
  readonly s: number;
  readonly c: number;
  readonly cCtx: number;
  readonly heads: number;
  readonly d: number;
}

function dimsOf(attrs: Call["attrs"], inShapes: Call["inShapes"]): Dims {
  const [t, c] = inShapes[0];
  const [s, cCtx] = attrs.context ? inShapes[1] : inShapes[0];
  return { t, s, c, cCtx, heads: attrs.heads, d: c / attrs.heads };
}

/** Float offsets of the forward's buffers in one region (saved in training, else scratch). */
function regions({ t, s, c, heads }: Dims, batch: number, training: boolean) {
  const q = 0;
  const k = q + batch * t * c;
  const v = k + batch * s * c;
  const a = v + batch * s * c;
  const p = a + batch * t * c;
  // Training keeps every head's weights (and dropout mask); inference one head's at a time.
  const weights = training ? batch * heads * t * s : t * s;
  const mask = p + weights;
  return { q, k, v, a, p, mask, end: mask + (training ? weights : 0) };
}

function savedFloats({ attrs, inShapes, maxBatch, training }: SizeQuery<"attention">): number {
  if (!training) return 0;
  const r = regions(dimsOf(attrs, inShapes), maxBatch, true);
  return attrs.dropout > 0 ? r.end : r.mask;
}

function scratchFloats({ attrs, inShapes, maxBatch, training }: SizeQuery<"attention">): number {
  const dims = dimsOf(attrs, inShapes);
  const { t, s, c } = dims;
  // Backward: dA, dQ, dK, dV, then one head's dP and dropped weights.
  return training ? maxBatch * (2 * t * c + 2 * s * c) + 2 * t * s : regions(dims, maxBatch, false).end;
}

/**
 * Softmax of `rows` rows of scores (row stride `len`) scaled by `scale`, in place; row i sees
 * keys 0 … i + offset when causal (offset: the position of the first query row).
 */
export const softmaxRows: SoftmaxRows = (scores, at, rows, len, scale, causal, offset) => {
  for (let i = 0; i < rows; i++) {
    const row = at + i * len;
    const visible = causal ? Math.min(len, i + offset + 1) : len;
    let max = -Infinity;
    for (let j = 0; j < visible; j++) max = Math.max(max, scores[row + j]);
    let sum = 0;
    for (let j = 0; j < visible; j++) {
      const e = Math.exp((scores[row + j] - max) * scale);
      scores[row + j] = e;
      sum += e;
    }
    const inv = 1 / sum;
    for (let j = 0; j < visible; j++) scores[row + j] *= inv;
    scores.fill(0, row + visible, row + len);
  }
};

/** dx (+)= scale·y·(dy − Σ_j dy·y) for `rows` rows of len floats at the given offsets: the
 * softmax backward (dx may be dy when not accumulating). */
export const softmaxRowsGrad: SoftmaxRowsGrad = (y, yAt, dy, dyAt, dx, dxAt, rows, len, scale, accumulate) => {
  for (let i = 0; i < rows; i++) {
    const [yr, dyr, dxr] = [yAt + i * len, dyAt + i * len, dxAt + i * len];
    let dot = 0;
    for (let j = 0; j < len; j++) dot += dy[dyr + j] * y[yr + j];
    for (let j = 0; j < len; j++) {
      const g = y[yr + j] * (dy[dyr + j] - dot) * scale;
      dx[dxr + j] = accumulate ? dx[dxr + j] + g : g;
    }
  }
};

/** The four projections' params: kernels, then biases (spec section 11 names). */
export function attentionParams(attrs: Call["attrs"], inShapes: Call["inShapes"]): KernelParam[] {
  const { c, cCtx } = dimsOf(attrs, inShapes);
  const specs: KernelParam[] = [
    { name: "query_kernel", shape: [c, c], trainable: true },
    { name: "key_kernel", shape: [cCtx, c], trainable: true },
    { name: "value_kernel", shape: [cCtx, c], trainable: true },
    { name: "output_kernel", shape: [c, c], trainable: true },
  ];
  if (attrs.bias) {
    for (const name of ["query_bias", "key_bias", "value_bias", "output_bias"]) {
      specs.push({ name, shape: [c], trainable: true });
    }
  }
  return specs;
}

function project(
  gemm: Gemm,
  rows: number,
  inF: number,
  outF: number,
  x: Float32Array,
  w: Float32Array,
  b: Float32Array | undefined,
  y: Float32Array,
  yOff: number,
) {
  gemm.gemm(false, false, rows, outF, inF, x, 0, inF, w, 0, outF, y, yOff, outF, false, b ? { bias: b } : undefined);
}

export const attentionKernel: Kernel<"attention"> = {
  backwardReads: { inputs: true, output: false },
  params: attentionParams,
  savedSize: savedFloats,
  scratchSize: scratchFloats,

  forward({ attrs, batch, inShapes, inputs, output, params, saved, scratch, training, rng, gemm }) {
    const dims = dimsOf(attrs, inShapes);
    const { t, s, c, cCtx, heads, d } = dims;
    const keep = saved.length > 0;
    const buf = keep ? saved : scratch;
    const r = regions(dims, batch, keep);
    const x = inputs[0];
    const ctx = attrs.context ? inputs[1] : x;
    const [wq, wk, wv, wo, bq, bk, bv, bo] = params;
    project(gemm, batch * t, c, c, x, wq, bq, buf, r.q);
    project(gemm, batch * s, cCtx, c, ctx, wk, bk, buf, r.k);
    project(gemm, batch * s, cCtx, c, ctx, wv, bv, buf, r.v);
    const scale = 1 / Math.sqrt(d);
    const softmax = gemm.softmaxRows ?? softmaxRows;
    const drop = training && attrs.dropout > 0;
    const keepScale = 1 / (1 - attrs.dropout);
    for (let n = 0; n < batch; n++) {
      // Inference: the backend's one call for every head of the sample, where it has one.
      const sample = { q: r.q + n * t * c, k: r.k + n * s * c, v: r.v + n * s * c, a: r.a + n * t * c };
      if (!keep && gemm.attentionHeads?.(buf, sample, t, s, c, d, heads, scale, attrs.causal)) continue;
      for (let h = 0; h < heads; h++) {
        const qAt = r.q + n * t * c + h * d;
        const kvAt = n * s * c + h * d;
        const p = r.p + (keep ? (n * heads + h) * t * s : 0);
        gemm.gemm(false, true, t, s, d, buf, qAt, c, buf, r.k + kvAt, c, buf, p, s, false);
        softmax(buf, p, t, s, scale, attrs.causal, 0);
        if (keep && attrs.dropout > 0) {
          // The mask (0 or 1/(1 − rate)) is kept; the dropped weights go through scratch.
          const m = r.mask + (n * heads + h) * t * s;
          for (let i = 0; i < t * s; i++) buf[m + i] = drop ? (rng.uniform() >= attrs.dropout ? keepScale : 0) : 1;
          for (let i = 0; i < t * s; i++) scratch[i] = buf[p + i] * buf[m + i];
          gemm.gemm(false, false, t, d, s, scratch, 0, s, buf, r.v + kvAt, c, buf, r.a + n * t * c + h * d, c, false);
          continue;
        }
        gemm.gemm(false, false, t, d, s, buf, p, s, buf, r.v + kvAt, c, buf, r.a + n * t * c + h * d, c, false);
      }
    }
    const a = buf.subarray(r.a, r.a + batch * t * c);
    project(gemm, batch * t, c, c, a, wo, bo, output, 0);
  },

  backward({ attrs, batch, inShapes, inputs, params, saved, scratch, gemm, outGrad, inGrads, paramGrads }) {
    const dims = dimsOf(attrs, inShapes);
    const { t, s, c, cCtx, heads, d } = dims;
    const r = regions(dims, batch, true);
    const x = inputs[0];
    const ctx = attrs.context ? inputs[1] : x;
    const [wq, wk, wv, wo] = params;
    const [dWq, dWk, dWv, dWo, dBq, dBk, dBv, dBo] = paramGrads;
    const dx = inGrads[0];
    const dCtx = attrs.context ? inGrads[1] : dx;
    const dA = 0;
    const dQ = dA + batch * t * c;
    const dK = dQ + batch * t * c;
    const dV = dK + batch * s * c;
    const dP = dV + batch * s * c;
    const dropped = dP + t * s;
    const scale = 1 / Math.sqrt(d);
    const softmaxGrad = gemm.softmaxRowsGrad ?? softmaxRowsGrad;
    const masked = attrs.dropout > 0;

    // Y = A·Wo + bo
    if (dWo) gemm.gemm(true, false, c, c, batch * t, saved, r.a, c, outGrad, 0, c, dWo, 0, c, true);
    if (dBo) addBiasGrad(outGrad, batch * t, c, dBo);
    gemm.gemm(false, true, batch * t, c, c, outGrad, 0, c, wo, 0, c, scratch, dA, c, false);

    for (let n = 0; n < batch; n++) {
      for (let h = 0; h < heads; h++) {
        const qAt = n * t * c + h * d;
        const kvAt = n * s * c + h * d;
        const p = r.p + (n * heads + h) * t * s;
        const m = r.mask + (n * heads + h) * t * s;
        let weights: Float32Array = saved;
        let wAt = p;
        if (masked) {
          for (let i = 0; i < t * s; i++) scratch[dropped + i] = saved[p + i] * saved[m + i];
          weights = scratch;
          wAt = dropped;
        }
        // dV_h = P̃ᵀ·dA_h; dP̃ = dA_h·V_hᵀ
        gemm.gemm(true, false, s, d, t, weights, wAt, s, scratch, dA + qAt, c, scratch, dV + kvAt, c, false);
        gemm.gemm(false, true, t, s, d, scratch, dA + qAt, c, saved, r.v + kvAt, c, scratch, dP, s, false);
        // Through dropout and softmax: dS = P·(dP − Σ_j dP·P)·scale
        if (masked) for (let i = 0; i < t * s; i++) scratch[dP + i] *= saved[m + i];
        softmaxGrad(saved, p, scratch, dP, scratch, dP, t, s, scale, false);
        // dQ_h = dS·K_h; dK_h = dSᵀ·Q_h
        gemm.gemm(false, false, t, d, s, scratch, dP, s, saved, r.k + kvAt, c, scratch, dQ + qAt, c, false);
        gemm.gemm(true, false, s, d, t, scratch, dP, s, saved, r.q + qAt, c, scratch, dK + kvAt, c, false);
      }
    }

    // The projections: dW += inᵀ·dOut, db += Σ dOut, dIn += dOut·Wᵀ.
    const back = (
      rows: number,
      inF: number,
      input: Float32Array,
      w: Float32Array,
      at: number,
      dW: Float32Array | null,
      dB: Float32Array | null | undefined,
      dIn: Float32Array | null,
    ) => {
      if (dW) gemm.gemm(true, false, inF, c, rows, input, 0, inF, scratch, at, c, dW, 0, c, true);
      if (dB) addBiasGrad(scratch.subarray(at), rows, c, dB);
      if (dIn) gemm.gemm(false, true, rows, inF, c, scratch, at, c, w, 0, c, dIn, 0, inF, true);
    };
    back(batch * t, c, x, wq, dQ, dWq, dBq, dx);
    back(batch * s, cCtx, ctx, wk, dK, dWk, dBk, dCtx);
    back(batch * s, cCtx, ctx, wv, dV, dWv, dBv, dCtx);
  },
};
