// attention(heads, causal = false, bias = true, context = none, dropout = 0): multi-head
// scaled dot-product attention, PyTorch nn.MultiheadAttention numbers (spec section 11).
// Self: 4·C² + 4·C params, 4·T·C² + 2·T²·C MACs (four projections, then QKᵀ and AV).
// Cross (context [S, C_ctx]): 2·C² + 2·C·C_ctx + 4·C params, 2·T·C² + 2·S·C·C_ctx + 2·T·S·C MACs.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import type { ParamSpec } from "../../runtime/ops.ts";
import { formatShape, type TensorRef } from "../tensor.ts";
import type { OpArgs } from "../op-args.ts";
import { requireSequence } from "./require-rank.ts";
import { weight, type OpContext, type OpDef } from "./op-def.ts";

export const attention: OpDef = {
  signature: [
    { name: "heads", required: true },
    { name: "causal" },
    { name: "bias" },
    { name: "context" },
    { name: "dropout" },
  ],
  build(input, a, ctx) {
    const heads = a.count("heads");
    const causal = a.bool("causal", false);
    const bias = a.bool("bias", true);
    const dropout = a.number("dropout", 0);
    if (heads === undefined || causal === undefined || bias === undefined || dropout === undefined) return undefined;
    if (dropout < 0 || dropout >= 1) {
      a.outOfRangeAt("dropout", `attention's dropout must be in [0, 1), got ${dropout}`);
      return undefined;
    }
    if (!requireSequence("attention", input, ctx)) return undefined;
    const [t, c] = input;
    if (c % heads !== 0) {
      ctx.report(
        diagnostic(
          "NET3014",
          a.spanOf("heads"),
          `attention(${heads}) needs the ${c} features of ${formatShape(input)} to split evenly into ${heads} heads; use a number of heads that divides ${c}, e.g. ${nearestDivisors(c, heads).join(" or ")}`,
        ),
      );
      return undefined;
    }
    const context = a.hasSome("context") ? contextOf(a, ctx) : undefined;
    if (context === null) return undefined;
    const [s, cCtx] = context ? context.shape : [t, c];
    const kernels = [
      weight("query_kernel", [c, c]),
      weight("key_kernel", [cCtx!, c]),
      weight("value_kernel", [cCtx!, c]),
      weight("output_kernel", [c, c]),
    ];
    const biases: ParamSpec[] = bias
      ? ["query_bias", "key_bias", "value_bias", "output_bias"].map((name) => weight(name, [c]))
      : [];
    // Projections: T·C² each for query and output, S·C_ctx·C each for key and value; then
    // the scores QKᵀ and the weighted sum AV, T·S·C each (summed over the heads).
    const macs = 2 * t * c * c + 2 * s! * cCtx! * c + 2 * t * s! * c;
    return {
      attrs: { op: "attention", heads, causal, bias, dropout, context: context !== undefined },
      shape: input,
      params: [...kernels, ...biases],
      macs,
      ...(context ? { extraInputs: [context] } : {}),
    };
  },
};

/** The `context = label` tensor, a sequence [S, C_ctx]; null after a reported error. */
function contextOf(a: OpArgs, ctx: OpContext): TensorRef | null {
  const ref = a.tensor("context");
  if (!ref) return null;
  if (ref.shape.length === 2) return ref;
  ctx.report(
    diagnostic(
      "NET3009",
      a.spanOf("context"),
      `attention's context must be the label of a sequence [S, C], got ${formatShape(ref.shape)}`,
    ),
  );
  return null;
}

/** The divisors of c closest to `heads` (below and above), for the NET3014 message. */
function nearestDivisors(c: number, heads: number): number[] {
  const divisors = Array.from({ length: c }, (_, i) => i + 1).filter((d) => c % d === 0);
  const below = divisors.filter((d) => d < heads).at(-1);
  const above = divisors.find((d) => d > heads);
  return [below, above].filter((d): d is number => d !== undefined);
}
