// Rank checks shared by the ops: conv and pooling read [H, W, C].
import { diagnostic } from "../../diagnostics/catalogue.ts";
import { formatShape } from "../tensor.ts";
import type { OpContext } from "./op-def.ts";

export function requireImage(op: string, input: readonly number[], ctx: OpContext): input is readonly [number, number, number] {
  if (input.length === 3) return true;
  ctx.report(diagnostic("NET3009", ctx.span, `${op} expects an [H, W, C] input, got ${formatShape(input)}`));
  return false;
}

/** Reports a spatial output below 1 (a window larger than its padded input). */
export function requirePositiveOutput(
  op: string,
  input: readonly number[],
  out: readonly [number, number],
  detail: string,
  ctx: OpContext,
): boolean {
  if (out[0] >= 1 && out[1] >= 1) return true;
  ctx.report(
    diagnostic(
      "NET3005",
      ctx.span,
      `${op} shrinks the input ${formatShape(input)} below 1 (${detail} gives ${out[0]}x${out[1]}); use padding, a smaller kernel or stride, or a larger input`,
    ),
  );
  return false;
}
