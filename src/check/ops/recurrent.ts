// lstm and gru (spec section 11): [T, C] → [units] (last step) or [T, units] with
// return_sequences. Keras param layouts; PyTorch's two LSTM biases summed, GRU's kept apart
// (reset_after = true). lstm: 4·(units·(C + units) + units) params, T·4·units·(C + units) MACs;
// gru: 3·(units·(C + units) + 2·units) params, T·3·units·(C + units) MACs.
import type { ParamSpec } from "../../runtime/ops.ts";
import { requireSequence } from "./require-rank.ts";
import { weight, type OpDef } from "./op-def.ts";

function recurrent(op: "lstm" | "gru"): OpDef {
  const gates = op === "lstm" ? 4 : 3;
  return {
    signature: [{ name: "units", required: true }, { name: "return_sequences" }],
    build(input, a, ctx) {
      const units = a.count("units");
      const returnSequences = a.bool("return_sequences", false);
      if (units === undefined || returnSequences === undefined || !requireSequence(op, input, ctx)) return undefined;
      const [t, c] = input;
      const bias: ParamSpec = op === "lstm" ? weight("bias", [gates * units]) : weight("bias", [2, gates * units]);
      return {
        attrs: { op, units, returnSequences },
        shape: returnSequences ? [t, units] : [units],
        params: [weight("kernel", [c, gates * units]), weight("recurrent_kernel", [units, gates * units]), bias],
        macs: t * gates * units * (c + units),
      };
    },
  };
}

export const lstm = recurrent("lstm");
export const gru = recurrent("gru");
