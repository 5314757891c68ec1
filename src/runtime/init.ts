// Seeded weight initialisation. A weight tensor gets He normal (std √(2/fan_in)) when its layer
// is followed — directly or through a batchnorm — by a ReLU-family activation, and Glorot
// uniform (limit √(6/(fan_in + fan_out))) otherwise. Biases and beta are 0, gamma 1, running
// mean 0 and running var 1. One generator walks the tensors in program order, so the same seed
// gives bit-identical weights.
import type { OpName, Program, ProgramNode, ParamSpec } from "./ops.ts";
import { Rng } from "./rng.ts";

const RELU_FAMILY: ReadonlySet<OpName> = new Set<OpName>([
  "relu",
  "relu6",
  "leaky_relu",
  "elu",
  "swish",
  "hard_swish",
  "gelu",
]);

const CONSTANTS: Readonly<Record<string, number>> = {
  bias: 0,
  beta: 0,
  mean: 0,
  gamma: 1,
  var: 1,
  query_bias: 0,
  key_bias: 0,
  value_bias: 0,
  output_bias: 0,
  // PyTorch's PReLU starts at slope 0.25.
  alpha: 0.25,
};

/** Token, position and class-token tables: normal with std 0.02 (GPT-2, BERT, ViT). */
const TABLES: ReadonlySet<string> = new Set(["embeddings", "token"]);
const TABLE_STD = 0.02;

/** Fan-in and fan-out of a weight tensor in our (Keras) layouts. */
function fans(node: ProgramNode, spec: ParamSpec): { fanIn: number; fanOut: number } {
  const s = spec.shape;
  if (s.length === 2) return { fanIn: s[0], fanOut: s[1] }; // dense [in, units]
  const taps = s[0] * s[1];
  // A depthwise filter sees k_h·k_w inputs of one channel and feeds `multiplier` outputs.
  if (node.attrs.op === "depthwise" || spec.name === "depthwise") return { fanIn: taps, fanOut: taps * s[3] };
  return { fanIn: taps * s[2], fanOut: taps * s[3] }; // [k_h, k_w, in, out] as Keras counts it
}

function consumersOf(program: Program): Map<number, ProgramNode[]> {
  const consumers = new Map<number, ProgramNode[]>();
  for (const node of program.nodes) {
    for (const id of node.inputs) consumers.set(id, [...(consumers.get(id) ?? []), node]);
  }
  return consumers;
}

/** Whether every path out of the node reaches a ReLU-family activation, allowing one batchnorm. */
function feedsRelu(node: ProgramNode, consumers: Map<number, ProgramNode[]>, allowBatchnorm = true): boolean {
  const next = consumers.get(node.id) ?? [];
  return (
    next.length > 0 &&
    next.every(
      (c) =>
        RELU_FAMILY.has(c.attrs.op) || (allowBatchnorm && c.attrs.op === "batchnorm" && feedsRelu(c, consumers, false)),
    )
  );
}

/** A tensor the layer multiplies by (rather than adds or normalises with). */
function isWeight(spec: ParamSpec): boolean {
  return !(spec.name in CONSTANTS);
}

export function initializeParams(program: Program, seed: number): Map<string, Float32Array> {
  const rng = new Rng(seed);
  const consumers = consumersOf(program);
  const params = new Map<string, Float32Array>();
  for (const node of program.nodes) {
    for (const spec of node.params) {
      const values = new Float32Array(spec.shape.reduce((a, b) => a * b, 1));
      if (!isWeight(spec)) {
        values.fill(CONSTANTS[spec.name]);
        // Keras's unit_forget_bias: an LSTM's forget gate (the second quarter) starts at 1.
        if (node.attrs.op === "lstm" && spec.name === "bias") values.fill(1, values.length / 4, values.length / 2);
      } else if (TABLES.has(spec.name)) {
        for (let i = 0; i < values.length; i++) values[i] = TABLE_STD * rng.normal();
      } else {
        const { fanIn, fanOut } = fans(node, spec);
        // Only the last weight of a separable layer (its pointwise) feeds the activation.
        const heNormal = feedsRelu(node, consumers) && spec.name !== "depthwise";
        if (heNormal) {
          const std = Math.sqrt(2 / fanIn);
          for (let i = 0; i < values.length; i++) values[i] = std * rng.normal();
        } else {
          const limit = Math.sqrt(6 / (fanIn + fanOut));
          for (let i = 0; i < values.length; i++) values[i] = limit * (2 * rng.uniform() - 1);
        }
      }
      params.set(`${node.name}.${spec.name}`, values);
    }
  }
  return params;
}
