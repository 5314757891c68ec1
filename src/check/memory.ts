// Activation memory of one sample in fp32 (see docs/memory.md for the exact rules).
import type { ProgramNode } from "../runtime/ops.ts";
import { elementCount } from "./tensor.ts";

const BYTES_PER_ELEMENT = 4;

/** Peak bytes of live tensors walking the nodes in order: a node's output is allocated while
 * its inputs are still live; a tensor is freed after its last reader; outputs live to the end. */
export function inferenceActivationBytes(nodes: readonly ProgramNode[], outputs: readonly number[]): number {
  const lastUse = nodes.map((n) => n.id);
  for (const node of nodes) for (const input of node.inputs) lastUse[input] = Math.max(lastUse[input]!, node.id);
  for (const out of outputs) lastUse[out] = Infinity;
  let live = 0;
  let peak = 0;
  for (const node of nodes) {
    live += bytes(node);
    peak = Math.max(peak, live);
    for (const released of new Set([node.id, ...node.inputs])) {
      if (lastUse[released] === node.id) live -= bytes(nodes[released]!);
    }
  }
  return peak;
}

/** Every node's output (inputs included) is kept for the backward pass. */
export function trainingActivationBytes(nodes: readonly ProgramNode[]): number {
  return nodes.reduce((sum, node) => sum + bytes(node), 0);
}

function bytes(node: ProgramNode): number {
  return elementCount(node.shape) * BYTES_PER_ELEMENT;
}
