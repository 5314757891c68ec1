// dense(units, bias = true, tie = none) on the last axis: [C] → [units] or [T, C] → [T, units];
// C·units (+ units) params and T·C·units MACs. `tie = "wte"` reuses the embedding layer
// `wte`'s [units, C] table, transposed, as the kernel (GPT-2's output layer): bias only.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import type { ParamSpec } from "../../runtime/ops.ts";
import { formatShape } from "../tensor.ts";
import type { OpArgs } from "../op-args.ts";
import { weight, type OpContext, type OpDef } from "./op-def.ts";

export const dense: OpDef = {
  signature: [{ name: "units", required: true }, { name: "bias" }, { name: "tie" }],
  build(input, a, ctx) {
    const units = a.count("units");
    const bias = a.bool("bias", true);
    if (units === undefined || bias === undefined) return undefined;
    if (input.length !== 1 && input.length !== 2) {
      reportRank(input, ctx);
      return undefined;
    }
    const inputs = input[input.length - 1]!;
    const positions = input.length === 2 ? input[0]! : 1;
    const biasParams: ParamSpec[] = bias ? [weight("bias", [units])] : [];
    const shape = input.length === 2 ? [positions, units] : [units];
    const macs = positions * inputs * units;
    if (a.hasSome("tie")) {
      const tie = tiedTable(a, units, inputs, ctx);
      if (tie === undefined) return undefined;
      return { attrs: { op: "dense", units, bias, tie }, shape, params: biasParams, macs };
    }
    return {
      attrs: { op: "dense", units, bias },
      shape,
      params: [weight("kernel", [inputs, units]), ...biasParams],
      macs,
    };
  },
};

/** The name of the embedding layer `tie` names, checked to hold a [units, C] table. */
function tiedTable(a: OpArgs, units: number, inputs: number, ctx: OpContext): string | undefined {
  const name = a.string("tie");
  if (name === undefined) return undefined;
  const span = a.spanOf("tie");
  const node = ctx.nodeNamed?.(name);
  if (!node || node.attrs.op !== "embedding") {
    const what = node ? `'${name}' is a ${node.attrs.op} layer` : `there is no layer named '${name}' before it`;
    ctx.report(
      diagnostic(
        "NET3016",
        span,
        `tie must name an embedding layer declared earlier, e.g. embedding(vocab, dim, name = "wte"); ${what}`,
      ),
    );
    return undefined;
  }
  const { vocab, dim } = node.attrs;
  if (vocab !== units || dim !== inputs) {
    ctx.report(
      diagnostic(
        "NET3016",
        span,
        `tie = "${name}" needs an embedding table of [${units}, ${inputs}] (units, input features), but '${name}' is embedding(${vocab}, ${dim}) with a table of ${formatShape([vocab, dim])}`,
        { related: [{ span: node.span, message: `'${name}' is declared here` }] },
      ),
    );
    return undefined;
  }
  return name;
}

function reportRank(input: readonly number[], ctx: OpContext): void {
  const insertAt = { start: ctx.span.start, end: ctx.span.start };
  ctx.report(
    diagnostic(
      "NET3001",
      ctx.span,
      // The wording is the language reference's (section 8); a [T, C] sequence is also fine.
      `dense expects a rank-1 input, got ${formatShape(input)}; insert flatten() or globalavgpool() before it`,
      {
        fixes: [
          { title: "insert flatten()", edits: [{ span: insertAt, newText: "flatten() " }] },
          ...(input.length === 3
            ? [{ title: "insert globalavgpool()", edits: [{ span: insertAt, newText: "globalavgpool() " }] }]
            : []),
        ],
      },
    ),
  );
}
