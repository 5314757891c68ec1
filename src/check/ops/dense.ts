// dense(units, bias = true): [in] → [units]; in·units (+ units) params and in·units MACs.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import { formatShape } from "../tensor.ts";
import { weight, type OpDef } from "./op-def.ts";

export const dense: OpDef = {
  signature: [{ name: "units", required: true }, { name: "bias" }],
  build(input, a, ctx) {
    const units = a.count("units");
    const bias = a.bool("bias", true);
    if (units === undefined || bias === undefined) return undefined;
    if (input.length !== 1) {
      const insertAt = { start: ctx.span.start, end: ctx.span.start };
      ctx.report(
        diagnostic(
          "NET3001",
          ctx.span,
          `dense expects a rank-1 input, got ${formatShape(input)}; insert flatten() or globalavgpool() before it`,
          {
            fixes: [
              {
                title: "insert flatten()",
                edits: [{ span: insertAt, newText: "flatten() " }],
              },
              ...(input.length === 3
                ? [
                    {
                      title: "insert globalavgpool()",
                      edits: [{ span: insertAt, newText: "globalavgpool() " }],
                    },
                  ]
                : []),
            ],
          },
        ),
      );
      return undefined;
    }
    const inputs = input[0]!;
    return {
      attrs: { op: "dense", units, bias },
      shape: [units],
      params: [weight("kernel", [inputs, units]), ...(bias ? [weight("bias", [units])] : [])],
      macs: inputs * units,
    };
  },
};
