// Builds runtime Programs by hand for tests (the checker builds them for real): auto names
// `<op>_<k>` and param specs from the kernels; output shapes are given explicitly.
import type { Shape } from "../../src/runtime/kernel.ts";
import type { OpAttrs, Program, ProgramNode } from "../../src/runtime/ops.ts";
import { kernelFor } from "./kernel-harness.ts";

export class ProgramBuilder {
  private readonly nodes: ProgramNode[] = [];
  private readonly inputs: number[] = [];
  private readonly counts = new Map<string, number>();

  input(name: string, shape: Shape, dtype?: "int"): number {
    const id = this.add(dtype ? { op: "input", name, dtype } : { op: "input", name }, [], shape, name);
    this.inputs.push(id);
    return id;
  }

  op(attrs: OpAttrs, inputs: number | number[], shape: Shape, name?: string): number {
    return this.add(attrs, Array.isArray(inputs) ? inputs : [inputs], shape, name);
  }

  build(outputs: number[]): Program {
    return { nodes: this.nodes, inputs: this.inputs, outputs };
  }

  private add(attrs: OpAttrs, inputs: number[], shape: Shape, name?: string): number {
    const k = this.counts.get(attrs.op) ?? 0;
    this.counts.set(attrs.op, k + 1);
    const inShapes = inputs.map((id) => this.nodes[id].shape);
    const id = this.nodes.length;
    this.nodes.push({
      id,
      name: name ?? `${attrs.op}_${k}`,
      attrs,
      inputs,
      shape,
      // A shared (tied) tensor is listed by its owner only, as the checker lists it.
      params: kernelFor(attrs.op)
        .params(attrs, inShapes)
        .filter((spec) => spec.owner === undefined)
        .map(({ name, shape, trainable }) => ({ name, shape, trainable })),
    });
    return id;
  }
}
