// Rank checks shared by the ops: conv and pooling read [H, W, C]; attention, positional,
// class_token and the recurrent layers read sequences [T, C].
import { diagnostic } from "../../diagnostics/catalogue.ts";
import { formatShape } from "../tensor.ts";
import type { OpContext } from "./op-def.ts";

export function requireImage(
  op: string,
  input: readonly number[],
  ctx: OpContext,
  expected = "an [H, W, C] input",
): input is readonly [number, number, number] {
  if (input.length === 3) return true;
  ctx.report(diagnostic("NET3009", ctx.span, `${op} expects ${expected}, got ${formatShape(input)}`));
  return false;
}

/** A sequence [T, C]; an image gets the reshape that makes it one. */
export function requireSequence(op: string, input: readonly number[], ctx: OpContext): input is readonly [number, number] {
  if (input.length === 2) return true;
  const hint =
    input.length === 3 ? `; reshape([-1, ${input[2]}]) turns the image into a sequence of ${input[0]! * input[1]!} positions` : "";
  ctx.report(diagnostic("NET3009", ctx.span, `${op} expects a sequence [T, C], got ${formatShape(input)}${hint}`));
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
