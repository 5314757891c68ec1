// Sub-programs: the part of a program that computes chosen nodes. Training uses it to stop
// before a final softmax (or sigmoid) that the loss fuses into a stable log-softmax; feature
// extraction uses it to read an inner layer.
import type { Program, ProgramNode } from "../ops.ts";

/**
 * The program whose outputs are the nodes `outputs` (ids in `program`). Nodes none of them
 * depends on are dropped, except inputs (the input signature stays the same); ids are
 * renumbered to stay equal to indices, names (and so weight keys) are kept.
 */
export function sliceProgram(program: Program, outputs: readonly number[]): Program {
  const keep = new Array<boolean>(program.nodes.length).fill(false);
  const visit = (id: number): void => {
    if (id < 0 || id >= program.nodes.length) {
      throw new Error(`sliceProgram: node ${id} does not exist (the program has ${program.nodes.length} nodes)`);
    }
    if (keep[id]) return;
    keep[id] = true;
    program.nodes[id].inputs.forEach(visit);
  };
  outputs.forEach(visit);
  for (const id of program.inputs) keep[id] = true;
  const newId = new Map<number, number>();
  const nodes: ProgramNode[] = [];
  for (const node of program.nodes) {
    if (!keep[node.id]) continue;
    newId.set(node.id, nodes.length);
    nodes.push({ ...node, id: nodes.length, inputs: node.inputs.map((id) => newId.get(id)!) });
  }
  return {
    nodes,
    inputs: program.inputs.map((id) => newId.get(id)!),
    outputs: outputs.map((id) => newId.get(id)!),
  };
}
