// What makes a model a character model (spec section 11): one input of token ids `[T] int` and
// one output scoring the vocabulary, `[T, V]` (the next token at every position, causal) or
// `[V]` (the token after the window).
import type { Program } from "../../runtime/ops.ts";

export interface CharModel {
  /** T: the most tokens the model reads at once. */
  readonly context: number;
  /** V: the size of the output's last axis. */
  readonly vocabulary: number;
  readonly targets: "sequence" | "next";
  /** The final op when it turns scores into (log-)probabilities: its output is not logits. */
  readonly finalOp?: "softmax" | "log_softmax";
}

/** The model's character-model shape, or why it is not one. */
export function charModel(program: Program): CharModel | { readonly notCharModel: string } {
  if (program.inputs.length !== 1 || program.outputs.length !== 1)
    return { notCharModel: `it has ${program.inputs.length} inputs and ${program.outputs.length} outputs, not one of each` };
  const input = program.nodes[program.inputs[0]];
  const output = program.nodes[program.outputs[0]];
  const name = input.attrs.op === "input" ? input.attrs.name : input.name;
  const shape = (s: readonly number[]) => `[${s.join(", ")}]`;
  if (input.attrs.op !== "input" || input.attrs.dtype !== "int" || input.shape.length !== 1)
    return {
      notCharModel: `its input '${name}' is ${shape(input.shape)}${input.attrs.op === "input" && input.attrs.dtype === "int" ? " int" : ""}, not token ids [T] int`,
    };
  const t = input.shape[0];
  const out = output.shape;
  const sequence = out.length === 2 && out[0] === t;
  if (!sequence && out.length !== 1)
    return { notCharModel: `its output is ${shape(out)}, neither [${t}, V] nor [V] scores over a vocabulary` };
  const op = output.attrs.op;
  return {
    context: t,
    vocabulary: out[out.length - 1],
    targets: sequence ? "sequence" : "next",
    ...(op === "softmax" || op === "log_softmax" ? { finalOp: op } : {}),
  };
}
