// What every op file provides: its signature and a build step that infers the output shape,
// resolves attributes and lays out the parameter tensors (spec sections 4 and 9).
import type { Diagnostic, Span } from "../../diagnostics/diagnostic.ts";
import type { OpAttrs, ParamSpec } from "../../runtime/ops.ts";
import type { ParamSig } from "../args.ts";
import type { OpArgs } from "../op-args.ts";
import type { TensorRef } from "../tensor.ts";

export interface OpContext {
  /** The call (`conv(6, 5x5)`), where shape errors point. */
  readonly span: Span;
  report(d: Diagnostic): void;
}

export interface OpOutput {
  readonly attrs: OpAttrs;
  readonly shape: readonly number[];
  readonly params: readonly ParamSpec[];
  readonly macs: number;
  /** Labelled tensors the op reads besides the current one (add(c1), concat(c1, c2)). */
  readonly extraInputs?: readonly TensorRef[];
}

export interface OpDef {
  readonly signature: readonly ParamSig[];
  /** undefined: an error was reported (or an input was unknown); the output shape is unknown. */
  build(input: readonly number[], args: OpArgs, ctx: OpContext): OpOutput | undefined;
}

export function weight(name: string, shape: readonly number[], trainable = true): ParamSpec {
  return { name, shape, trainable };
}
