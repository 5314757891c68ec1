// For the profilers: which program node a kernel call belongs to. The executor builds one call
// object per node and visits nodes in program order, so calls are numbered on first sight.
import type { Program } from "../src/runtime/ops.ts";

export function nodeOfCall(program: Program): (call: { attrs: { op: string } }) => number {
  const seen = new Map<unknown, number>();
  let next = 0;
  return (call) => {
    if (!seen.has(call)) {
      while (program.nodes[next]!.attrs.op !== call.attrs.op) next++;
      seen.set(call, next++);
    }
    return seen.get(call)!;
  };
}
