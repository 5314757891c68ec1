// What every op file provides: its signature and a build step that infers the output shape,
// resolves attributes and lays out the parameter tensors (spec sections 4 and 9).
import type { Diagnostic, Span } from "../../diagnostics/diagnostic.ts";
import type { GraphNode } from "../../ir/graph.ts";
import type { OpAttrs, ParamSpec } from "../../runtime/ops.ts";
import type { ParamSig } from "../args.ts";
import type { OpArgs } from "../op-args.ts";
import type { TensorRef } from "../tensor.ts";

export interface OpContext {
  /** The call (`conv(6, 5x5)`), where shape errors point. */
  readonly span: Span;
  report(d: Diagnostic): void;
  /** A node built so far by its layer name (dense's `tie`); undefined in a parallel merge. */
  nodeNamed?(name: string): GraphNode | undefined;
}

export interface OpOutput {
  readonly attrs: OpAttrs;
  readonly shape: readonly number[];
  readonly params: readonly ParamSpec[];
  readonly macs: number;
  /** Labelled tensors the op reads besides the current one (add(c1), concat(c1, c2)). */
  readonly extraInputs?: readonly TensorRef[];
  /** The output's element type when it is not float (`take` of token ids). */
  readonly dtype?: "int";
}

/** Which element types an op reads (spec section 11): most read only float tensors. */
export type InputDtypes = "float" | "int" | "any";

export interface OpDef {
  readonly signature: readonly ParamSig[];
  /** Absent: float only. `embedding` reads int token ids, `take` either. */
  readonly reads?: InputDtypes;
  /** undefined: an error was reported (or an input was unknown); the output shape is unknown. */
  build(input: readonly number[], args: OpArgs, ctx: OpContext, inputRef?: TensorRef): OpOutput | undefined;
}

export function weight(name: string, shape: readonly number[], trainable = true): ParamSpec {
  return { name, shape, trainable };
}
