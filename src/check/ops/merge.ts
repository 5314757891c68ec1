// Merges of two or more tensors: add, sub, mul, div, maximum and minimum broadcast (NHWC or
// [T, C], trailing dims aligned, size 1 stretches); concat joins along an axis with every
// other dim equal.
import { diagnostic } from "../../diagnostics/catalogue.ts";
import type { Span } from "../../diagnostics/diagnostic.ts";
import type { OpAttrs } from "../../runtime/ops.ts";
import { formatShape, type TensorRef } from "../tensor.ts";
import type { OpContext, OpDef } from "./op-def.ts";

/** Every merge, in the order messages list them (also the merges `parallel` takes). */
export const MERGE_OPS = ["add", "sub", "mul", "div", "maximum", "minimum", "concat"] as const;

export type MergeOp = (typeof MERGE_OPS)[number];

export function isMergeOp(name: string): name is MergeOp {
  return (MERGE_OPS as readonly string[]).includes(name);
}

/** The merged attrs and shape, or undefined after reporting a mismatch (naming both shapes). */
export function mergeShapes(
  op: MergeOp,
  shapes: readonly (readonly number[])[],
  axis: number,
  ctx: OpContext,
  axisSpan: Span = ctx.span,
): { attrs: OpAttrs; shape: readonly number[] } | undefined {
  const first = shapes[0]!;
  if (op !== "concat") {
    let shape = first;
    for (const next of shapes.slice(1)) {
      const merged = broadcast(shape, next);
      if (!merged) {
        ctx.report(diagnostic("NET3004", ctx.span, `${op} cannot broadcast ${formatShape(shape)} with ${formatShape(next)}`));
        return undefined;
      }
      shape = merged;
    }
    return { attrs: { op }, shape };
  }
  const rank = first.length;
  const resolved = axis < 0 ? axis + rank : axis;
  if (resolved < 0 || resolved >= rank) {
    ctx.report(diagnostic("NET3003", axisSpan, `axis ${axis} is out of range for concat of rank-${rank} tensors`));
    return undefined;
  }
  let total = 0;
  for (const next of shapes) {
    const fits = next.length === rank && next.every((d, i) => i === resolved || d === first[i]);
    if (!fits) {
      ctx.report(
        diagnostic(
          "NET3004",
          ctx.span,
          `concat along axis ${axis} needs every other dimension equal, got ${formatShape(first)} and ${formatShape(next)}`,
        ),
      );
      return undefined;
    }
    total += next[resolved]!;
  }
  const shape = first.map((d, i) => (i === resolved ? total : d));
  return { attrs: { op: "concat", axis: resolved }, shape };
}

function broadcast(a: readonly number[], b: readonly number[]): number[] | undefined {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) return undefined;
    out.push(Math.max(x, y));
  }
  return out;
}

function merge(op: MergeOp): OpDef {
  return {
    signature: [{ name: "tensors", rest: true }, ...(op === "concat" ? [{ name: "axis" }] : [])],
    build(input, a, ctx) {
      const others = a.restTensors();
      const axis = a.int("axis", -1);
      if (others.length === 0) {
        ctx.report(diagnostic("NET2005", ctx.span, `${op} needs at least one labelled tensor to merge with, e.g. ${op}(c1)`));
        return undefined;
      }
      if (axis === undefined || !others.every((t): t is TensorRef => !!t)) return undefined;
      const merged = mergeShapes(op, [input, ...others.map((t) => t.shape)], axis, ctx, a.spanOf("axis"));
      return merged && { ...merged, params: [], macs: 0, extraInputs: others };
    },
  };
}

export const add = merge("add");
export const sub = merge("sub");
export const mul = merge("mul");
export const div = merge("div");
export const maximum = merge("maximum");
export const minimum = merge("minimum");
export const concat = merge("concat");
