// Activation memory of one sample in fp32 (see docs/memory.md for the exact rules).
import type { ProgramNode } from "../runtime/ops.ts";
import { elementCount } from "./tensor.ts";

const BYTES_PER_ELEMENT = 4;

/** Peak bytes of live tensors walking the nodes in order: a node's output is allocated while
 * its inputs are still live, with its scratch tensors on top; a tensor is freed after its last
 * reader; outputs live to the end. */
export function inferenceActivationBytes(nodes: readonly ProgramNode[], outputs: readonly number[]): number {
  const lastUse = nodes.map((n) => n.id);
  for (const node of nodes) for (const input of node.inputs) lastUse[input] = Math.max(lastUse[input]!, node.id);
  for (const out of outputs) lastUse[out] = Infinity;
  let live = 0;
  let peak = 0;
  for (const node of nodes) {
    live += bytes(node);
    peak = Math.max(peak, live + scratchElements(node, nodes) * BYTES_PER_ELEMENT);
    for (const released of new Set([node.id, ...node.inputs])) {
      if (lastUse[released] === node.id) live -= bytes(nodes[released]!);
    }
  }
  return peak;
}

/** Every node's output (inputs included) is kept for the backward pass, plus what the
 * sequence ops keep of their insides (attention's projections and weights, the recurrent
 * layers' gates and states). */
export function trainingActivationBytes(nodes: readonly ProgramNode[]): number {
  return nodes.reduce((sum, node) => sum + bytes(node) + savedElements(node, nodes) * BYTES_PER_ELEMENT, 0);
}

function bytes(node: ProgramNode): number {
  return elementCount(node.shape) * BYTES_PER_ELEMENT;
}

/** Positions and features of a sequence op's input and, for cross-attention, its context. */
function sequenceDims(node: ProgramNode, nodes: readonly ProgramNode[]) {
  const input = nodes[node.inputs[0]!]!.shape;
  const context = node.inputs[1] === undefined ? input : nodes[node.inputs[1]]!.shape;
  return { t: input[0]!, c: input[input.length - 1]!, s: context[0]! };
}

/** Tensors an op makes and drops inside itself: attention's queries, keys and values and its
 * [heads, T, S] weights (before the output projection, the heads' concatenation); an LSTM's or
 * a GRU's input projections for every step. */
function scratchElements(node: ProgramNode, nodes: readonly ProgramNode[]): number {
  const attrs = node.attrs;
  if (attrs.op === "attention") {
    const { t, c, s } = sequenceDims(node, nodes);
    return t * c + 2 * s * c + attrs.heads * t * s + t * c;
  }
  if (attrs.op === "lstm" || attrs.op === "gru") {
    const { t } = sequenceDims(node, nodes);
    const gates = attrs.op === "lstm" ? 4 : 3;
    return t * gates * attrs.units + 2 * attrs.units;
  }
  return 0;
}

/** What the backward pass needs beyond the op's inputs and output: attention keeps its
 * scratch tensors; an LSTM its four gates and cell state per step, a GRU its three gates and
 * the recurrent candidate term per step, both their hidden state per step when only the last
 * one is the output. */
function savedElements(node: ProgramNode, nodes: readonly ProgramNode[]): number {
  const attrs = node.attrs;
  if (attrs.op === "attention") return scratchElements(node, nodes);
  if (attrs.op === "lstm" || attrs.op === "gru") {
    const { t } = sequenceDims(node, nodes);
    const perStep = attrs.op === "lstm" ? 5 : 4;
    return t * perStep * attrs.units + (attrs.returnSequences ? 0 : t * attrs.units);
  }
  return 0;
}
