// Runs a single kernel outside the executor (sized exactly as the executor would size it) and
// checks its backward against central finite differences.
import type { Kernel, KernelTable, Shape } from "../../src/runtime/kernel.ts";
import { sizeOf } from "../../src/runtime/kernel.ts";
import { jsGemm } from "../../src/runtime/gemm.ts";
import { referenceKernels } from "../../src/runtime/reference/registry.ts";
import type { OpAttrs, OpName } from "../../src/runtime/ops.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { randomArray } from "../support/arrays.ts";

export interface KernelCase {
  readonly attrs: OpAttrs;
  readonly inShapes: readonly Shape[];
  readonly outShape: Shape;
  readonly batch: number;
  readonly training?: boolean;
  /** Dropout seed; reset before every forward so the mask is fixed. */
  readonly seed?: number;
}

export function kernelFor(op: OpName): Kernel<OpName> {
  return (referenceKernels as KernelTable)[op] as Kernel<OpName>;
}

export function runForward(c: KernelCase, inputs: Float32Array[], params: Float32Array[]) {
  const kernel = kernelFor(c.attrs.op);
  const training = c.training ?? false;
  // Sized for backward, as a training executor would (also when running in eval mode).
  const query = { attrs: c.attrs, inShapes: c.inShapes, outShape: c.outShape, maxBatch: c.batch, training: true };
  const call = {
    attrs: c.attrs,
    batch: c.batch,
    inShapes: c.inShapes,
    outShape: c.outShape,
    inputs,
    output: new Float32Array(c.batch * sizeOf(c.outShape)),
    params,
    saved: new Float32Array(kernel.savedSize?.(query) ?? 0),
    scratch: new Float32Array(kernel.scratchSize?.(query) ?? 0),
    training,
    rng: new Rng(c.seed ?? 1),
    gemm: jsGemm,
    activation: null,
  };
  kernel.forward(call);
  return call;
}

export interface Gradients {
  readonly inGrads: Float32Array[];
  readonly paramGrads: (Float32Array | null)[];
}

/** Forward then backward with the given output gradient; gradients start at zero. */
export function runBackward(
  c: KernelCase,
  inputs: Float32Array[],
  params: Float32Array[],
  outGrad: Float32Array,
  trainable: boolean[] = params.map(() => true),
): Gradients & { output: Float32Array } {
  const call = runForward(c, inputs, params);
  const inGrads = inputs.map((x) => new Float32Array(x.length));
  const paramGrads = params.map((p, i) => (trainable[i] ? new Float32Array(p.length) : null));
  kernelFor(c.attrs.op).backward({ ...call, outGrad, inGrads, paramGrads });
  return { output: call.output, inGrads, paramGrads };
}

/** Values spaced at least `gap` apart in random order: no ties or kinks within a probe step. */
export function distinctArray(rng: Rng, n: number, gap = 0.1): Float32Array {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return Float32Array.from(order, (k) => (k - n / 2) * gap + 0.013);
}

/** One finite-difference case of gradients.test.ts / sequence-gradients.test.ts. */
export interface GradCase {
  readonly name: string;
  readonly attrs: OpAttrs;
  readonly inShapes: Shape[];
  readonly outShape: Shape;
  readonly batch?: number;
  readonly training?: boolean;
  /** Spread-out, tie-free inputs for max-like and piecewise ops. */
  readonly distinct?: boolean;
  /** Inputs drawn from (lo, hi) instead of (−2, 2) (log, sqrt, div's divisors). */
  readonly range?: readonly [number, number];
  /** Integer token ids below this for input 0 (not probed: ids have no gradient). */
  readonly tokens?: number;
  readonly options?: GradCheckOptions;
}

/** Runs one op forward and backward: its reference kernel, or a backend's executor (see
 * wasm-runner.ts), so the same gradient checks cover every backend. */
export interface OpRunner {
  forward(inputs: Float32Array[], params: Float32Array[]): Float32Array;
  /** Forward then backward; the output of that forward and the gradients. */
  backward(inputs: Float32Array[], params: Float32Array[], outGrad: Float32Array, trainable: boolean[]): Gradients & { output: Float32Array };
}

export const referenceRunner = (c: KernelCase): OpRunner => ({
  forward: (inputs, params) => runForward(c, inputs, params).output,
  backward: (inputs, params, outGrad, trainable) => runBackward(c, inputs, params, outGrad, trainable),
});

export interface GradCheckOptions {
  readonly step?: number;
  readonly tolerance?: number;
  /** Which params get gradients (default all). */
  readonly trainable?: boolean[];
  /** Probe only the params (inputs such as token ids have no gradient). */
  readonly skipInputs?: boolean;
}

/**
 * Compares the kernel's gradients of L = Σ output·R (R random) with central differences of L
 * in float32. Returns the worst error relative to max(1, |numeric|) over all inputs and
 * trainable params; tolerance is on that.
 */
export function worstGradError(
  c: KernelCase,
  inputs: Float32Array[],
  params: Float32Array[],
  options: GradCheckOptions = {},
  runner: OpRunner = referenceRunner(c),
): number {
  const h = options.step ?? 1e-2;
  const rng = new Rng(99);
  const weights = randomArray(rng, c.batch * sizeOf(c.outShape));
  const trainable = options.trainable ?? params.map(() => true);
  const { inGrads, paramGrads } = runner.backward(
    inputs,
    params.map((p) => p.slice()),
    weights,
    trainable,
  );
  const loss = () => {
    const out = runner.forward(
      inputs,
      params.map((p) => p.slice()),
    );
    let sum = 0;
    for (let i = 0; i < out.length; i++) sum += out[i] * weights[i];
    return sum;
  };
  let worst = 0;
  const probe = (target: Float32Array, analytic: Float32Array) => {
    for (let i = 0; i < target.length; i++) {
      const original = target[i];
      target[i] = original + h;
      const plus = loss();
      target[i] = original - h;
      const minus = loss();
      target[i] = original;
      const numeric = (plus - minus) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]) / Math.max(1, Math.abs(numeric)));
    }
  };
  if (!options.skipInputs) inputs.forEach((x, k) => probe(x, inGrads[k]));
  params.forEach((p, k) => {
    const g = paramGrads[k];
    if (g) probe(p, g);
  });
  return worst;
}

/** A gradient case's kernel case, random inputs and params (drawn in that order from `seed`):
 * inputs in (−2, 2), spread out for `distinct`, in `range`, or token ids below `tokens` for
 * input 0; running variances positive. */
export function gradCaseData(c: GradCase, seed: number): { kc: KernelCase; inputs: Float32Array[]; params: Float32Array[] } {
  const rng = new Rng(seed);
  const batch = c.batch ?? 2;
  const kc: KernelCase = { attrs: c.attrs, inShapes: c.inShapes, outShape: c.outShape, batch, training: c.training };
  const inputs = c.inShapes.map((s, k) => {
    const n = batch * sizeOf(s);
    if (k === 0 && c.tokens) return Float32Array.from({ length: n }, () => Math.floor(rng.uniform() * c.tokens!));
    if (c.distinct) return distinctArray(rng, n, 0.2);
    if (c.range) {
      const [lo, hi] = c.range;
      return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
    }
    return randomArray(rng, n, 2);
  });
  const params = kernelFor(c.attrs.op)
    .params(c.attrs, c.inShapes)
    .map((spec) => {
      const values = randomArray(rng, sizeOf(spec.shape));
      if (spec.name === "var") values.forEach((v, i) => (values[i] = 0.5 + Math.abs(v)));
      return values;
    });
  return { kc, inputs, params };
}
