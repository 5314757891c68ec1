// Shape-keeping ops: activations and the elementwise ops (exp, log, ..., clip, prelu), dropout,
// batchnorm, softmax/log_softmax; and maxout.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import type { Activation } from "../../runtime/ops.ts";
import { formatShape } from "../tensor.ts";
import { weight, type OpDef } from "./op-def.ts";

type PlainActivation = Exclude<Activation["op"], "leaky_relu" | "elu">;

function plain(op: PlainActivation): OpDef {
  const attrs: Activation = { op };
  return {
    signature: [],
    build: (input) => ({ attrs, shape: input, params: [], macs: 0 }),
  };
}

function withAlpha(op: "leaky_relu" | "elu", fallback: number): OpDef {
  return {
    signature: [{ name: "alpha" }],
    build(input, a) {
      const alpha = a.number("alpha", fallback);
      return alpha === undefined ? undefined : { attrs: { op, alpha }, shape: input, params: [], macs: 0 };
    },
  };
}

export const activations = {
  relu: plain("relu"),
  relu6: plain("relu6"),
  sigmoid: plain("sigmoid"),
  tanh: plain("tanh"),
  swish: plain("swish"),
  hard_swish: plain("hard_swish"),
  gelu: plain("gelu"),
  softplus: plain("softplus"),
  identity: plain("identity"),
  leaky_relu: withAlpha("leaky_relu", 0.01),
  elu: withAlpha("elu", 1.0),
  exp: plain("exp"),
  log: plain("log"),
  sqrt: plain("sqrt"),
  abs: plain("abs"),
  neg: plain("neg"),
  selu: plain("selu"),
  hard_sigmoid: plain("hard_sigmoid"),
};

/** clip(min, max): PyTorch's clamp; min ≤ max. */
export const clip: OpDef = {
  signature: [{ name: "min", required: true }, { name: "max", required: true }],
  build(input, a) {
    const min = a.number("min");
    const max = a.number("max");
    if (min === undefined || max === undefined) return undefined;
    if (min > max) {
      a.outOfRangeAt("max", `clip's max must be at least its min, got min ${min} and max ${max}`);
      return undefined;
    }
    return { attrs: { op: "clip", min, max }, shape: input, params: [], macs: 0 };
  },
};

/** Leaky ReLU with a learned slope per channel (the last axis): C params. */
export const prelu: OpDef = {
  signature: [],
  build: (input) => ({
    attrs: { op: "prelu" },
    shape: input,
    params: [weight("alpha", [input[input.length - 1]!])],
    macs: 0,
  }),
};

export const dropout: OpDef = {
  signature: [{ name: "rate", required: true }],
  build(input, a) {
    const rate = a.number("rate");
    if (rate === undefined) return undefined;
    if (rate < 0 || rate >= 1) {
      a.outOfRangeAt("rate", `dropout's rate must be in [0, 1), got ${rate}`);
      return undefined;
    }
    return {
      attrs: { op: "dropout", rate },
      shape: input,
      params: [],
      macs: 0,
    };
  },
};

/** 4·C params over the last (channel) axis: gamma and beta trainable, mean and var not. */
export const batchnorm: OpDef = {
  signature: [{ name: "eps" }, { name: "momentum" }],
  build(input, a) {
    const eps = a.number("eps", 1e-5);
    const momentum = a.number("momentum", 0.1);
    if (eps === undefined || momentum === undefined) return undefined;
    const c = input[input.length - 1]!;
    return {
      attrs: { op: "batchnorm", eps, momentum },
      shape: input,
      params: [weight("gamma", [c]), weight("beta", [c]), weight("mean", [c], false), weight("var", [c], false)],
      macs: 0,
    };
  },
};

function softmaxLike(op: "softmax" | "log_softmax"): OpDef {
  return {
    signature: [{ name: "axis" }],
    build(input, a) {
      const axis = a.int("axis", -1);
      if (axis === undefined) return undefined;
      const resolved = axis < 0 ? axis + input.length : axis;
      if (resolved < 0 || resolved >= input.length) {
        a.outOfRangeAt("axis", `axis ${axis} is out of range for the rank-${input.length} input ${formatShape(input)}`);
        return undefined;
      }
      return {
        attrs: { op, axis: resolved },
        shape: input,
        params: [],
        macs: 0,
      };
    },
  };
}

export const softmax = softmaxLike("softmax");
export const logSoftmax = softmaxLike("log_softmax");

export const maxout: OpDef = {
  signature: [{ name: "k", required: true }],
  build(input, a, ctx) {
    const k = a.count("k");
    if (k === undefined) return undefined;
    const c = input[input.length - 1]!;
    if (c % k !== 0) {
      ctx.report(
        diagnostic(
          "NET3006",
          ctx.span,
          `maxout(${k}) needs the channels to be a multiple of ${k}, got ${c} channels in ${formatShape(input)}`,
        ),
      );
      return undefined;
    }
    return {
      attrs: { op: "maxout", k },
      shape: [...input.slice(0, -1), c / k],
      params: [],
      macs: 0,
    };
  },
};
