// Elementwise activations. Each is a value function and a derivative written in terms of the
// input or of the output (relu, relu6, sigmoid and tanh need only their output, so training
// can release their input early); backward multiplies it into the gradient.
import type { ActivationName } from "../ops.ts";
import type { AttrsFor, Kernel } from "../kernel.ts";
import { sizeOf } from "../kernel.ts";

interface Elementwise {
  readonly value: (x: number, alpha: number) => number;
  /** What `derivative` takes: the op's input x or its output y. */
  readonly of: "input" | "output";
  readonly derivative: (v: number, alpha: number) => number;
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/** Numerical Recipes' Chebyshev fit: erfc(z) = t·exp(−z² + P(t)), t = 1/(1 + z/2), z ≥ 0. */
const ERFC_COEFFICIENTS = [
  -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223,
  0.17087277,
];

/** erfc(|x|), relative error below 1.2e-7. */
function erfcOfAbs(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  let poly = 0;
  for (let i = ERFC_COEFFICIENTS.length - 1; i >= 0; i--) poly = poly * t + ERFC_COEFFICIENTS[i];
  return t * Math.exp(-z * z + poly);
}

/** erf with error below 1.2e-7 (under float32's resolution). */
export function erf(x: number): number {
  const erfc = erfcOfAbs(x);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

/** 1 + erf(x), without the cancellation of 1 + (erfc − 1) where x is very negative (GELU's
 * tail: e.g. 1 + erf(−6) ≈ 2e-17 exactly, not 0). */
export function onePlusErf(x: number): number {
  const erfc = erfcOfAbs(x);
  return x >= 0 ? 2 - erfc : erfc;
}

const INV_SQRT2 = Math.SQRT1_2;
/** PyTorch's SELU constants (Klambauer et al.). */
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const ELEMENTWISE: Record<ActivationName, Elementwise> = {
  relu: { value: (x) => (x > 0 ? x : 0), of: "output", derivative: (y) => (y > 0 ? 1 : 0) },
  relu6: { value: (x) => Math.min(Math.max(x, 0), 6), of: "output", derivative: (y) => (y > 0 && y < 6 ? 1 : 0) },
  sigmoid: { value: sigmoid, of: "output", derivative: (y) => y * (1 - y) },
  tanh: { value: Math.tanh, of: "output", derivative: (y) => 1 - y * y },
  swish: {
    value: (x) => x * sigmoid(x),
    of: "input",
    derivative: (x) => {
      const s = sigmoid(x);
      return s + x * s * (1 - s);
    },
  },
  // x·relu6(x + 3)/6; PyTorch's derivative: 0 below −3, x/3 + 1/2 up to 3, then 1.
  hard_swish: {
    value: (x) => (x * Math.min(Math.max(x + 3, 0), 6)) / 6,
    of: "input",
    derivative: (x) => (x < -3 ? 0 : x <= 3 ? x / 3 + 0.5 : 1),
  },
  gelu: {
    value: (x) => 0.5 * x * onePlusErf(x * INV_SQRT2),
    of: "input",
    derivative: (x) => 0.5 * onePlusErf(x * INV_SQRT2) + x * INV_SQRT_2PI * Math.exp(-0.5 * x * x),
  },
  // PyTorch's softplus (beta 1, threshold 20): linear above 20 to avoid overflow.
  softplus: {
    value: (x) => (x > 20 ? x : Math.log1p(Math.exp(x))),
    of: "input",
    derivative: (x) => (x > 20 ? 1 : sigmoid(x)),
  },
  identity: { value: (x) => x, of: "input", derivative: () => 1 },
  leaky_relu: { value: (x, a) => (x > 0 ? x : a * x), of: "input", derivative: (x, a) => (x > 0 ? 1 : a) },
  elu: {
    value: (x, a) => (x > 0 ? x : a * Math.expm1(x)),
    of: "input",
    derivative: (x, a) => (x > 0 ? 1 : a * Math.exp(x)),
  },
  exp: { value: Math.exp, of: "output", derivative: (y) => y },
  // Outside their domains log and sqrt give −inf/NaN, as PyTorch's.
  log: { value: Math.log, of: "input", derivative: (x) => 1 / x },
  sqrt: { value: Math.sqrt, of: "output", derivative: (y) => 0.5 / y },
  // PyTorch's sign(0) = 0: no gradient at the kink.
  abs: { value: Math.abs, of: "input", derivative: (x) => Math.sign(x) },
  neg: { value: (x) => -x, of: "input", derivative: () => -1 },
  selu: {
    value: (x) => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * Math.expm1(x)),
    of: "input",
    derivative: (x) => SELU_SCALE * (x > 0 ? 1 : SELU_ALPHA * Math.exp(x)),
  },
  // relu6(x + 3)/6; PyTorch's derivative is 1/6 strictly inside (−3, 3).
  hard_sigmoid: {
    value: (x) => Math.min(Math.max(x + 3, 0), 6) / 6,
    of: "input",
    derivative: (x) => (x > -3 && x < 3 ? 1 / 6 : 0),
  },
};

function alphaOf(attrs: { readonly op: ActivationName; readonly alpha?: number }): number {
  return attrs.alpha ?? 0;
}

function activationKernel<K extends ActivationName>(name: K): Kernel<K> {
  const { value, of, derivative } = ELEMENTWISE[name];
  return {
    params: () => [],
    backwardReads: { inputs: of === "input" && name !== "identity" && name !== "neg", output: of === "output" },
    forward({ attrs, batch, outShape, inputs, output }) {
      const x = inputs[0];
      const alpha = alphaOf(attrs as AttrsFor<ActivationName>);
      const n = batch * sizeOf(outShape);
      for (let i = 0; i < n; i++) output[i] = value(x[i], alpha);
    },
    backward({ attrs, batch, outShape, inputs, output, outGrad, inGrads }) {
      const dx = inGrads[0];
      if (!dx) return;
      const v = of === "input" ? inputs[0] : output;
      const alpha = alphaOf(attrs as AttrsFor<ActivationName>);
      const n = batch * sizeOf(outShape);
      for (let i = 0; i < n; i++) dx[i] += outGrad[i] * derivative(v[i], alpha);
    },
  };
}

export const activationKernels: { readonly [K in ActivationName]: Kernel<K> } = {
  relu: activationKernel("relu"),
  relu6: activationKernel("relu6"),
  sigmoid: activationKernel("sigmoid"),
  tanh: activationKernel("tanh"),
  swish: activationKernel("swish"),
  hard_swish: activationKernel("hard_swish"),
  gelu: activationKernel("gelu"),
  softplus: activationKernel("softplus"),
  identity: activationKernel("identity"),
  leaky_relu: activationKernel("leaky_relu"),
  elu: activationKernel("elu"),
  exp: activationKernel("exp"),
  log: activationKernel("log"),
  sqrt: activationKernel("sqrt"),
  abs: activationKernel("abs"),
  neg: activationKernel("neg"),
  selu: activationKernel("selu"),
  hard_sigmoid: activationKernel("hard_sigmoid"),
};
