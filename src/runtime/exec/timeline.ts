// The lifetimes of every per-node buffer on the executor's timeline: forward step i runs node
// i, backward step 2n−1−i runs node i's backward. Buffers whose lifetimes don't overlap can
// share memory (memory-plan.ts places them).
import type { Lifetime } from "./memory-plan.ts";

export interface TimelineNode {
  /** Floats of the node's output (and of its gradient) at the executor's maxBatch. */
  readonly outputFloats: number;
  /** Floats the kernel keeps from forward to backward. */
  readonly savedFloats: number;
  readonly isInput: boolean;
  readonly isOutput: boolean;
  /** Whether back-propagation reaches the node (an output depends on it, and we train). */
  readonly needsGrad: boolean;
  /** Whether a gradient buffer is kept (program inputs only on request). */
  readonly hasGrad: boolean;
  /** What the node's backward reads. */
  readonly readsInputs: boolean;
  readonly readsOutput: boolean;
  readonly consumers: readonly number[];
  /** A node whose gradient buffer this node's gradient is (−1 or absent: its own): the input
   * of a residual add, whose gradient is the add's output gradient itself. */
  readonly gradAliasOf?: number;
}

export interface Timeline {
  /** Index into `lifetimes` of each node's activation, gradient (−1: none) and saved state. */
  readonly activation: number[];
  readonly grad: number[];
  readonly saved: number[];
  readonly lifetimes: Lifetime[];
}

export function backwardStep(nodeCount: number, i: number): number {
  return 2 * nodeCount - 1 - i;
}

export function planTimeline(nodes: readonly TimelineNode[]): Timeline {
  const n = nodes.length;
  const end = 2 * n; // after the last backward step
  const back = (i: number) => backwardStep(n, i);
  const lifetimes: Lifetime[] = [];
  const add = (size: number, start: number, last: number) => lifetimes.push({ size, start, end: last }) - 1;

  // An activation lives through its forward readers (to the very end for an output, which the
  // caller may read after backward too), then through the backward steps that read it: its own
  // if that reads the output, and its consumers' that read their inputs.
  const activation = nodes.map((node, i) => {
    const readers = [i, ...node.consumers, node.isOutput ? end : i];
    if (node.needsGrad && node.readsOutput) readers.push(back(i));
    for (const j of node.consumers) if (nodes[j].needsGrad && nodes[j].readsInputs) readers.push(back(j));
    return add(node.outputFloats, node.isInput ? 0 : i, Math.max(...readers));
  });

  // A gradient lives from its first writer (its last consumer's backward; step n for an output,
  // seeded before any backward) to its own backward (to the end for a program input).
  const aliasOf = (i: number) => nodes[i]!.gradAliasOf ?? -1;
  const grad = nodes.map((node, i) => {
    if (!node.hasGrad || aliasOf(i) >= 0) return -1;
    const writers = node.consumers.filter((j) => nodes[j].needsGrad);
    const start = node.isOutput ? n : back(Math.max(...writers));
    return add(node.outputFloats, start, node.isInput ? end : back(i));
  });
  // An aliased gradient is its target's buffer, kept until the aliasing node's backward too
  // (later nodes first, so a chain of adds resolves to its last one).
  for (let i = n - 1; i >= 0; i--) {
    const target = aliasOf(i);
    if (!nodes[i]!.hasGrad || target < 0) continue;
    const slot = grad[target]!;
    grad[i] = slot;
    lifetimes[slot] = { ...lifetimes[slot]!, end: Math.max(lifetimes[slot]!.end, back(i)) };
  }

  const saved = nodes.map((node, i) => add(node.savedFloats, i, node.needsGrad ? back(i) : i));
  return { activation, grad, saved, lifetimes };
}
