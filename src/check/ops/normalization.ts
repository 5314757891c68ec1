// Normalizations with per-sample statistics (spec section 11): layernorm and rmsnorm over the
// last axis, groupnorm over groups of channels, instancenorm per channel. No MACs, as batchnorm.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import { formatShape } from "../tensor.ts";
import { weight, type OpDef } from "./op-def.ts";

function channels(input: readonly number[]): number {
  return input[input.length - 1]!;
}

/** 2·C params (gamma, beta). */
export const layernorm: OpDef = {
  signature: [{ name: "eps" }],
  build(input, a) {
    const eps = a.number("eps", 1e-5);
    if (eps === undefined) return undefined;
    const c = channels(input);
    return { attrs: { op: "layernorm", eps }, shape: input, params: [weight("gamma", [c]), weight("beta", [c])], macs: 0 };
  },
};

/** C params (gamma). */
export const rmsnorm: OpDef = {
  signature: [{ name: "eps" }],
  build(input, a) {
    const eps = a.number("eps", 1e-6);
    if (eps === undefined) return undefined;
    return { attrs: { op: "rmsnorm", eps }, shape: input, params: [weight("gamma", [channels(input)])], macs: 0 };
  },
};

/** PyTorch nn.GroupNorm: 2·C params; groups must divide C. */
export const groupnorm: OpDef = {
  signature: [{ name: "groups", required: true }, { name: "eps" }],
  build(input, a, ctx) {
    const groups = a.count("groups");
    const eps = a.number("eps", 1e-5);
    if (groups === undefined || eps === undefined) return undefined;
    const c = channels(input);
    if (c % groups !== 0) {
      ctx.report(
        diagnostic(
          "NET3011",
          a.spanOf("groups"),
          `groupnorm(${groups}) needs the ${c} channels of ${formatShape(input)} to split evenly into ${groups} groups`,
        ),
      );
      return undefined;
    }
    return {
      attrs: { op: "groupnorm", groups, eps },
      shape: input,
      params: [weight("gamma", [c]), weight("beta", [c])],
      macs: 0,
    };
  },
};

/** PyTorch nn.InstanceNorm2d(affine = True): 2·C params; needs positions to average over. */
export const instancenorm: OpDef = {
  signature: [{ name: "eps" }],
  build(input, a, ctx) {
    const eps = a.number("eps", 1e-5);
    if (eps === undefined) return undefined;
    if (input.length < 2) {
      ctx.report(
        diagnostic("NET3009", ctx.span, `instancenorm expects an [H, W, C] image or a [T, C] sequence, got ${formatShape(input)}`),
      );
      return undefined;
    }
    const c = channels(input);
    return { attrs: { op: "instancenorm", eps }, shape: input, params: [weight("gamma", [c]), weight("beta", [c])], macs: 0 };
  },
};
