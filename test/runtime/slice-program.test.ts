import { describe, expect, it } from "vitest";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import { sliceProgram } from "../../src/runtime/exec/slice-program.ts";
import { ProgramBuilder } from "./program-builder.ts";

function classifier() {
  const b = new ProgramBuilder();
  const x = b.input("x", [4]);
  const unused = b.input("mask", [4]);
  const side = b.op({ op: "tanh" }, unused, [4]);
  const dense = b.op({ op: "dense", units: 3, bias: true }, x, [3]);
  const soft = b.op({ op: "softmax", axis: 0 }, dense, [3]);
  return { program: b.build([soft, side]), dense, soft };
}

describe("sliceProgram", () => {
  it("stops before the final softmax, keeping names, inputs and weights", () => {
    const { program, dense, soft } = classifier();
    const logits = sliceProgram(program, [dense]);
    expect(logits.nodes.map((n) => n.name)).toEqual(["x", "mask", "dense_0"]);
    expect(logits.nodes.map((n) => n.id)).toEqual([0, 1, 2]);
    expect(logits.inputs).toEqual([0, 1]);
    expect(logits.outputs).toEqual([2]);

    const params = initializeParams(program, 4);
    const full = createExecutor(program, { maxBatch: 1, training: false });
    const cut = createExecutor(logits, { maxBatch: 1, training: false });
    full.setParams(params);
    cut.setParams(params);
    const input = [Float32Array.from([0.5, -1, 2, 0.25]), new Float32Array(4)];
    const z = cut.forward(input, 1)[0];
    const p = full.forward(input, 1)[0];
    const max = Math.max(...z);
    const sum = z.reduce((s, v) => s + Math.exp(v - max), 0);
    z.forEach((v, i) => expect(p[i]).toBeCloseTo(Math.exp(v - max) / sum, 6));
    expect(sliceProgram(program, [soft]).nodes.length).toBe(4);
  });

  it("rejects unknown nodes", () => {
    expect(() => sliceProgram(classifier().program, [17])).toThrow(
      "sliceProgram: node 17 does not exist (the program has 5 nodes)",
    );
  });
});
