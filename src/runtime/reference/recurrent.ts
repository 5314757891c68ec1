// LSTM and GRU over per-sample sequences [T, C], Keras layouts (spec section 11) with PyTorch's
// numbers. The input projection X·W + b of every step is one matrix product; each step adds
// h_{t−1}·R (a batch-row product) and applies the gates. Backward is back-propagation through
// time; the weight gradients are again whole-sequence products.
//   LSTM (gates i, f, c, o): c_t = f·c_{t−1} + i·g, h_t = o·tanh(c_t)
//   GRU (gates z, r, h; reset after the recurrent product, = PyTorch nn.GRU):
//     n = tanh(x·W_h + b_h + r·(h_{t−1}·R_h + b'_h)), h_t = (1 − z)·n + z·h_{t−1}
import type { Gemm } from "../gemm.ts";
import type { ForwardCall, Kernel, SizeQuery } from "../kernel.ts";
import { addBiasGrad } from "./conv-geometry.ts";

type Op = "lstm" | "gru";

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

interface Layout {
  readonly t: number;
  readonly c: number;
  readonly u: number;
  /** Gate columns: 4u (lstm) or 3u (gru). */
  readonly g: number;
  /** Offsets of the activated gates [B, T, g], the per-step state [B, T, u] (lstm: cell;
   * gru: the recurrent product's candidate part h·R_h + b'_h) and the hidden states [B, T, u]. */
  readonly gates: number;
  readonly state: number;
  readonly hidden: number;
  readonly end: number;
}

function layoutOf(op: Op, inShape: readonly number[], units: number, batch: number): Layout {
  const [t, c] = inShape;
  const g = (op === "lstm" ? 4 : 3) * units;
  const gates = 0;
  const state = gates + batch * t * g;
  const hidden = state + batch * t * units;
  return { t, c, u: units, g, gates, state, hidden, end: hidden + batch * t * units };
}

function savedSize({ attrs, inShapes, maxBatch, training }: SizeQuery<Op>): number {
  return training ? layoutOf(attrs.op, inShapes[0], attrs.units, maxBatch).end : 0;
}

/** Inference keeps the forward's buffers in scratch; forward also needs one step's recurrent
 * product (gru); backward the gate gradients of all steps and one step's dh (and dc / dHp). */
function scratchSize({ attrs, inShapes, maxBatch, training }: SizeQuery<Op>): number {
  const l = layoutOf(attrs.op, inShapes[0], attrs.units, maxBatch);
  const step = maxBatch * l.g;
  return training ? maxBatch * l.t * l.g + step + 2 * maxBatch * l.u : l.end + step;
}

function recurrentParams(attrs: ForwardCall<Op>["attrs"], inShapes: readonly (readonly number[])[]) {
  const c = inShapes[0][1];
  const u = attrs.units;
  const g = (attrs.op === "lstm" ? 4 : 3) * u;
  return [
    { name: "kernel", shape: [c, g], trainable: true },
    { name: "recurrent_kernel", shape: [u, g], trainable: true },
    { name: "bias", shape: attrs.op === "lstm" ? [g] : [2, g], trainable: true },
  ];
}

/** Writes the output: every step's hidden state, or the last one's. */
function writeOutput(
  attrs: ForwardCall<Op>["attrs"],
  l: Layout,
  batch: number,
  buf: Float32Array,
  output: Float32Array,
) {
  const { t, u, hidden } = l;
  if (attrs.returnSequences) {
    output.set(buf.subarray(hidden, hidden + batch * t * u));
    return;
  }
  for (let n = 0; n < batch; n++) {
    const from = hidden + (n * t + t - 1) * u;
    output.set(buf.subarray(from, from + u), n * u);
  }
}

/** The output gradient of step `step` added to dh [B, u]. */
function addOutputGrad(
  attrs: ForwardCall<Op>["attrs"],
  l: Layout,
  batch: number,
  step: number,
  outGrad: Float32Array,
  scratch: Float32Array,
  dh: number,
) {
  const { t, u } = l;
  if (!attrs.returnSequences && step !== t - 1) return;
  for (let n = 0; n < batch; n++) {
    const from = attrs.returnSequences ? (n * t + step) * u : n * u;
    for (let j = 0; j < u; j++) scratch[dh + n * u + j] += outGrad[from + j];
  }
}

/** The input projection X·W + b of all steps, backward from its gradient (scratch's first
 * rows·g floats): dW += Xᵀ·dZ, db += Σ dZ, dX += dZ·Wᵀ. */
function inputProjectionBackward(
  gemm: Gemm,
  rows: number,
  c: number,
  g: number,
  x: Float32Array,
  w: Float32Array,
  dZ: Float32Array,
  dW: Float32Array | null,
  dBias: Float32Array | null,
  dX: Float32Array | null,
): void {
  if (dW) gemm.gemm(true, false, c, g, rows, x, 0, c, dZ, 0, g, dW, 0, g, true);
  if (dBias) addBiasGrad(dZ, rows, g, dBias);
  if (dX) gemm.gemm(false, true, rows, c, g, dZ, 0, g, w, 0, g, dX, 0, c, true);
}

export const lstmKernel: Kernel<"lstm"> = {
  backwardReads: { inputs: true, output: false },
  params: recurrentParams,
  savedSize,
  scratchSize,

  forward({ attrs, batch, inShapes, inputs, output, params, saved, scratch, gemm }) {
    const l = layoutOf("lstm", inShapes[0], attrs.units, batch);
    const { t, c, u, g } = l;
    const buf = saved.length > 0 ? saved : scratch;
    const [w, rec, bias] = params;
    gemm.gemm(false, false, batch * t, g, c, inputs[0], 0, c, w, 0, g, buf, l.gates, g, false, { bias });
    for (let step = 0; step < t; step++) {
      if (step > 0) {
        gemm.gemm(
          false,
          false,
          batch,
          g,
          u,
          buf,
          l.hidden + (step - 1) * u,
          t * u,
          rec,
          0,
          g,
          buf,
          l.gates + step * g,
          t * g,
          true,
        );
      }
      for (let n = 0; n < batch; n++) {
        const z = l.gates + (n * t + step) * g;
        const at = (n * t + step) * u;
        for (let j = 0; j < u; j++) {
          const i = sigmoid(buf[z + j]);
          const f = sigmoid(buf[z + u + j]);
          const cand = Math.tanh(buf[z + 2 * u + j]);
          const o = sigmoid(buf[z + 3 * u + j]);
          const cell = (step > 0 ? f * buf[l.state + at - u + j] : 0) + i * cand;
          buf[z + j] = i;
          buf[z + u + j] = f;
          buf[z + 2 * u + j] = cand;
          buf[z + 3 * u + j] = o;
          buf[l.state + at + j] = cell;
          buf[l.hidden + at + j] = o * Math.tanh(cell);
        }
      }
    }
    writeOutput(attrs, l, batch, buf, output);
  },

  backward({ attrs, batch, inShapes, inputs, params, saved, scratch, gemm, outGrad, inGrads, paramGrads }) {
    const l = layoutOf("lstm", inShapes[0], attrs.units, batch);
    const { t, c, u, g } = l;
    const [w, rec] = params;
    const [dW, dRec, dBias] = paramGrads;
    const dG = 0; // the gate gradients of all steps: scratch's first batch·t·g floats
    const dh = batch * t * g;
    const dc = dh + batch * u;
    scratch.fill(0, dh, dc + batch * u);
    for (let step = t - 1; step >= 0; step--) {
      addOutputGrad(attrs, l, batch, step, outGrad, scratch, dh);
      for (let n = 0; n < batch; n++) {
        const z = (n * t + step) * g;
        const at = (n * t + step) * u;
        for (let j = 0; j < u; j++) {
          const i = saved[l.gates + z + j];
          const f = saved[l.gates + z + u + j];
          const cand = saved[l.gates + z + 2 * u + j];
          const o = saved[l.gates + z + 3 * u + j];
          const tc = Math.tanh(saved[l.state + at + j]);
          const prev = step > 0 ? saved[l.state + at - u + j] : 0;
          const dhj = scratch[dh + n * u + j];
          const dCell = scratch[dc + n * u + j] + dhj * o * (1 - tc * tc);
          scratch[dG + z + j] = dCell * cand * i * (1 - i);
          scratch[dG + z + u + j] = dCell * prev * f * (1 - f);
          scratch[dG + z + 2 * u + j] = dCell * i * (1 - cand * cand);
          scratch[dG + z + 3 * u + j] = dhj * tc * o * (1 - o);
          scratch[dc + n * u + j] = dCell * f;
        }
      }
      if (step === 0) break;
      // dh_{t−1} = dG_t·Rᵀ; dR += h_{t−1}ᵀ·dG_t
      gemm.gemm(false, true, batch, u, g, scratch, dG + step * g, t * g, rec, 0, g, scratch, dh, u, false);
      if (dRec)
        gemm.gemm(
          true,
          false,
          u,
          g,
          batch,
          saved,
          l.hidden + (step - 1) * u,
          t * u,
          scratch,
          dG + step * g,
          t * g,
          dRec,
          0,
          g,
          true,
        );
    }
    inputProjectionBackward(gemm, batch * t, c, g, inputs[0], w, scratch, dW, dBias, inGrads[0]);
  },
};

export const gruKernel: Kernel<"gru"> = {
  backwardReads: { inputs: true, output: false },
  params: recurrentParams,
  savedSize,
  scratchSize,

  forward({ attrs, batch, inShapes, inputs, output, params, saved, scratch, gemm }) {
    const l = layoutOf("gru", inShapes[0], attrs.units, batch);
    const { t, c, u, g } = l;
    const keep = saved.length > 0;
    const buf = keep ? saved : scratch;
    const hp = keep ? 0 : l.end;
    const hpBuf = scratch;
    const [w, rec, bias] = params;
    const inBias = bias.subarray(0, g);
    const recBias = bias.subarray(g, 2 * g);
    gemm.gemm(false, false, batch * t, g, c, inputs[0], 0, c, w, 0, g, buf, l.gates, g, false, { bias: inBias });
    for (let step = 0; step < t; step++) {
      // hp = h_{t−1}·R + b' (h_{−1} = 0)
      for (let n = 0; n < batch; n++) hpBuf.set(recBias, hp + n * g);
      if (step > 0)
        gemm.gemm(false, false, batch, g, u, buf, l.hidden + (step - 1) * u, t * u, rec, 0, g, hpBuf, hp, g, true);
      for (let n = 0; n < batch; n++) {
        const z = l.gates + (n * t + step) * g;
        const at = (n * t + step) * u;
        const r0 = hp + n * g;
        for (let j = 0; j < u; j++) {
          const update = sigmoid(buf[z + j] + hpBuf[r0 + j]);
          const reset = sigmoid(buf[z + u + j] + hpBuf[r0 + u + j]);
          const recCand = hpBuf[r0 + 2 * u + j];
          const cand = Math.tanh(buf[z + 2 * u + j] + reset * recCand);
          const prev = step > 0 ? buf[l.hidden + at - u + j] : 0;
          buf[z + j] = update;
          buf[z + u + j] = reset;
          buf[z + 2 * u + j] = cand;
          buf[l.state + at + j] = recCand;
          buf[l.hidden + at + j] = (1 - update) * cand + update * prev;
        }
      }
    }
    writeOutput(attrs, l, batch, buf, output);
  },

  backward({ attrs, batch, inShapes, inputs, params, saved, scratch, gemm, outGrad, inGrads, paramGrads }) {
    const l = layoutOf("gru", inShapes[0], attrs.units, batch);
    const { t, c, u, g } = l;
    const [w, rec] = params;
    const [dW, dRec, dBias] = paramGrads;
    const dX = 0; // the input projection's gradient of all steps, as lstm's dG
    const dHp = batch * t * g;
    const dh = dHp + batch * g;
    scratch.fill(0, dh, dh + batch * u);
    for (let step = t - 1; step >= 0; step--) {
      addOutputGrad(attrs, l, batch, step, outGrad, scratch, dh);
      for (let n = 0; n < batch; n++) {
        const z = (n * t + step) * g;
        const at = (n * t + step) * u;
        for (let j = 0; j < u; j++) {
          const update = saved[l.gates + z + j];
          const reset = saved[l.gates + z + u + j];
          const cand = saved[l.gates + z + 2 * u + j];
          const recCand = saved[l.state + at + j];
          const prev = step > 0 ? saved[l.hidden + at - u + j] : 0;
          const dhj = scratch[dh + n * u + j];
          const dCand = dhj * (1 - update) * (1 - cand * cand);
          const dUpdate = dhj * (prev - cand) * update * (1 - update);
          const dReset = dCand * recCand * reset * (1 - reset);
          scratch[dX + z + j] = dUpdate;
          scratch[dX + z + u + j] = dReset;
          scratch[dX + z + 2 * u + j] = dCand;
          const hAt = dHp + n * g;
          scratch[hAt + j] = dUpdate;
          scratch[hAt + u + j] = dReset;
          scratch[hAt + 2 * u + j] = dCand * reset;
          // The direct path h_t = … + z·h_{t−1}; the product path is added below.
          scratch[dh + n * u + j] = dhj * update;
        }
      }
      if (dBias) addBiasGrad(scratch.subarray(dHp), batch, g, dBias.subarray(g, 2 * g));
      if (step === 0) break;
      gemm.gemm(false, true, batch, u, g, scratch, dHp, g, rec, 0, g, scratch, dh, u, true);
      if (dRec)
        gemm.gemm(true, false, u, g, batch, saved, l.hidden + (step - 1) * u, t * u, scratch, dHp, g, dRec, 0, g, true);
    }
    inputProjectionBackward(
      gemm,
      batch * t,
      c,
      g,
      inputs[0],
      w,
      scratch,
      dW,
      dBias?.subarray(0, g) ?? null,
      inGrads[0],
    );
  },
};
