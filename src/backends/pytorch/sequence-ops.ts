// The sequence ops of spec section 11 as PyTorch: [T, C] values stay channels-last ([N, T, C]),
// token ids are cast to int64 where an embedding reads them. Attention is the MultiHeadAttention
// helper (four nn.Linear projections, as netc's weights); LSTM and GRU are nn.LSTM / nn.GRU.
import type { OpName } from "../../runtime/ops.ts";
import { binding, channelsLast, onChannelsLast, type EmitContext, type Emitter, type OpCode } from "./op-code.ts";
import { pyBool, pyCall, pyFloat } from "./python-source.ts";

const lastAxis = (shape: readonly number[]): number => shape[shape.length - 1];

/** A parameter of the module itself (not of a submodule), created empty and filled by the loader. */
const parameter = (shape: readonly number[]): string => `nn.Parameter(torch.empty(${shape.join(", ")}))`;

function requireSequence(ctx: EmitContext): [number, number] {
  const shape = ctx.inputShape(0);
  if (shape.length !== 2) ctx.fail(`needs a [T, C] sequence input, got [${shape.join(", ")}]`);
  return [shape[0], shape[1]];
}

/** Dense on the last axis; with `tie`, the embedding's [units, C] table is the (transposed) kernel. */
export function denseOp(ctx: EmitContext, a: { units: number; bias: boolean; tie?: string }): OpCode {
  const shape = ctx.inputShape(0);
  if (shape.length > 2) ctx.fail(`needs a rank-1 (or [T, C] sequence) input, got [${shape.join(", ")}]`);
  const name = ctx.node.name;
  if (a.tie !== undefined) {
    if (!a.bias) return { value: `F.linear(${ctx.input(0)}, self.${a.tie}.weight)` };
    const attr = `${name}_bias`;
    return {
      modules: [[attr, parameter([a.units])]],
      tensors: [binding(ctx, "bias", attr, "vector")],
      value: `F.linear(${ctx.input(0)}, self.${a.tie}.weight, self.${attr})`,
    };
  }
  const module = pyCall("nn.Linear", [String(lastAxis(shape)), String(a.units)], { bias: a.bias ? undefined : "False" });
  const tensors = [binding(ctx, "kernel", `${name}.weight`, "dense")];
  if (a.bias) tensors.push(binding(ctx, "bias", `${name}.bias`, "vector"));
  return { modules: [[name, module]], tensors, value: `self.${name}(${ctx.input(0)})` };
}

export const SEQUENCE_EMITTERS: { readonly [K in OpName]?: Emitter<K> } = {
  embedding: (a, ctx) => {
    const name = ctx.node.name;
    return {
      modules: [[name, pyCall("nn.Embedding", [String(a.vocab), String(a.dim)])]],
      tensors: [binding(ctx, "embeddings", `${name}.weight`, "table")],
      value: `self.${name}(${ctx.input(0)}.long())`,
    };
  },
  positional: (a, ctx) => {
    const [t, c] = requireSequence(ctx);
    const name = ctx.node.name;
    if (a.mode === "sinusoidal")
      return {
        setup: [`self.register_buffer("${name}", sinusoids(${t}, ${c}), persistent=False)`],
        helpers: ["sinusoids"],
        value: `${ctx.input(0)} + self.${name}`,
      };
    // Rows 0…T−1 of the [length, C] table.
    const rows = t === a.length ? `self.${name}` : `self.${name}[:${t}]`;
    return {
      modules: [[name, parameter([a.length, c])]],
      tensors: [binding(ctx, "embeddings", name, "table")],
      value: `${ctx.input(0)} + ${rows}`,
    };
  },
  class_token: (_, ctx) => {
    const [, c] = requireSequence(ctx);
    const name = ctx.node.name;
    const x = ctx.input(0);
    return {
      modules: [[name, parameter([c])]],
      tensors: [binding(ctx, "token", name, "vector")],
      value: `torch.cat([self.${name}.expand(len(${x}), 1, ${c}), ${x}], dim=1)`,
    };
  },
  layernorm: (a, ctx) => {
    const name = ctx.node.name;
    const module = pyCall("nn.LayerNorm", [String(lastAxis(ctx.inputShape(0)))], {
      eps: a.eps === 1e-5 ? undefined : pyFloat(a.eps),
    });
    return {
      modules: [[name, module]],
      tensors: [binding(ctx, "gamma", `${name}.weight`, "vector"), binding(ctx, "beta", `${name}.bias`, "vector")],
      value: onChannelsLast(ctx, (x) => `self.${name}(${x})`),
    };
  },
  rmsnorm: (a, ctx) => {
    const name = ctx.node.name;
    const rms = (x: string) => `${x} / torch.sqrt(${x}.pow(2).mean(-1, keepdim=True) + ${pyFloat(a.eps)}) * self.${name}`;
    return {
      modules: [[name, parameter([lastAxis(ctx.inputShape(0))])]],
      tensors: [binding(ctx, "gamma", name, "vector")],
      value: onChannelsLast(ctx, rms, true),
    };
  },
  attention: (a, ctx) => {
    const [, c] = requireSequence(ctx);
    const name = ctx.node.name;
    const contextWidth = a.context ? lastAxis(ctx.inputShape(1)) : c;
    const module = pyCall("MultiHeadAttention", [String(c), String(a.heads)], {
      context_width: String(contextWidth),
      causal: pyBool(a.causal),
      bias: pyBool(a.bias),
      dropout: pyFloat(a.dropout),
    });
    const projections = ["query", "key", "value", "output"];
    const tensors = projections.flatMap((p) => [
      binding(ctx, `${p}_kernel`, `${name}.${p}.weight`, "dense"),
      ...(a.bias ? [binding(ctx, `${p}_bias`, `${name}.${p}.bias`, "vector")] : []),
    ]);
    const args = a.context ? [ctx.input(0), ctx.input(1)] : [ctx.input(0)];
    return { modules: [[name, module]], helpers: ["MultiHeadAttention"], tensors, value: `self.${name}(${args.join(", ")})` };
  },
  take: (a, ctx) => ({ value: `${channelsLast(ctx)}[:, ${a.index}]` }),
  lstm: (a, ctx) => {
    const [, c] = requireSequence(ctx);
    const name = ctx.node.name;
    return {
      modules: [[name, pyCall("nn.LSTM", [String(c), String(a.units)], { batch_first: "True" })]],
      setup: [
        "# netc's LSTM bias is b_ih + b_hh: b_ih holds it, b_hh stays 0, untrained.",
        `self.${name}.bias_hh_l0.requires_grad_(False).zero_()`,
      ],
      tensors: [
        binding(ctx, "kernel", `${name}.weight_ih_l0`, "dense"),
        binding(ctx, "recurrent_kernel", `${name}.weight_hh_l0`, "dense"),
        binding(ctx, "bias", `${name}.bias_ih_l0`, "vector"),
      ],
      value: recurrentValue(ctx, a.returnSequences),
    };
  },
  gru: (a, ctx) => {
    const [, c] = requireSequence(ctx);
    const name = ctx.node.name;
    return {
      modules: [[name, pyCall("nn.GRU", [String(c), String(a.units)], { batch_first: "True" })]],
      tensors: [
        binding(ctx, "kernel", `${name}.weight_ih_l0`, "gru_kernel"),
        binding(ctx, "recurrent_kernel", `${name}.weight_hh_l0`, "gru_kernel"),
        binding(ctx, "bias", [`${name}.bias_ih_l0`, `${name}.bias_hh_l0`], "gru_bias"),
      ],
      value: recurrentValue(ctx, a.returnSequences),
    };
  },
};

/** Every step's output [N, T, units], or the last step's [N, units]. */
function recurrentValue(ctx: EmitContext, returnSequences: boolean): string {
  const steps = `self.${ctx.node.name}(${ctx.input(0)})[0]`;
  return returnSequences ? steps : `${steps}[:, -1]`;
}
