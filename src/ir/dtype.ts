// Which nodes hold token ids: an `int` input, and `take` of an int tensor (spec section 11).
// Everything else is float; the checker refuses int tensors anywhere else.
import type { Program } from "../runtime/ops.ts";

export function intValuedNodes(program: Program): Set<number> {
  const ints = new Set<number>();
  for (const node of program.nodes) {
    const a = node.attrs;
    if ((a.op === "input" && a.dtype === "int") || (a.op === "take" && ints.has(node.inputs[0]!))) ints.add(node.id);
  }
  return ints;
}
