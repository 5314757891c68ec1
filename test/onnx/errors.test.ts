// What cannot be exported is refused with an error naming the layer, never written as a bad file.
import { describe, expect, it } from "vitest";
import { exportOnnx, OnnxExportError } from "../../src/backends/onnx/index.ts";
import type { GraphNode } from "../../src/ir/graph.ts";
import type { Program, ProgramNode } from "../../src/runtime/ops.ts";
import { opFixture } from "./fixtures.ts";

function exportError(run: () => unknown): OnnxExportError {
  try {
    run();
  } catch (e) {
    if (e instanceof OnnxExportError) return e;
    throw e;
  }
  return expect.fail("expected an OnnxExportError");
}

describe("OnnxExportError", () => {
  const fixture = opFixture("conv_basic_relu");

  it("names the layer and the missing weight with its expected shape", () => {
    const weights = new Map(fixture.weights);
    weights.delete("conv_0.kernel");
    const e = exportError(() => exportOnnx(fixture.program, weights));
    expect(e.nodeName).toBe("conv_0");
    expect(e.op).toBe("conv");
    expect(e.message).toBe(
      'cannot export conv_0 (conv): the weights have no tensor "conv_0.kernel" (expected shape [3, 3, 3, 4])',
    );
  });

  it("refuses a weight of the wrong size", () => {
    const weights = new Map(fixture.weights);
    weights.set("conv_0.bias", new Float32Array(5));
    const e = exportError(() => exportOnnx(fixture.program, weights));
    expect(e.message).toContain('weight "conv_0.bias" has 5 values, expected 4 for shape [4]');
  });

  it("carries the source span of a checked Graph's node", () => {
    const span = { start: 40, end: 52 };
    const nodes = fixture.program.nodes.map((n): GraphNode => ({
      ...n,
      span,
      callSite: span,
      paramCount: 0,
      trainableParams: 0,
      macs: 0,
    }));
    const e = exportError(() => exportOnnx({ ...fixture.program, nodes }, new Map()));
    expect(e.span).toEqual(span);
  });

  it("refuses a spatial op or dense on a tensor of the wrong rank", () => {
    const input: ProgramNode = {
      id: 0,
      name: "v",
      attrs: { op: "input", name: "v" },
      inputs: [],
      shape: [8],
      params: [],
    };
    const pool: ProgramNode = {
      id: 1,
      name: "maxpool_0",
      attrs: { op: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0], includePad: false },
      inputs: [0],
      shape: [4],
      params: [],
    };
    const program: Program = { nodes: [input, pool], inputs: [0], outputs: [1] };
    expect(exportError(() => exportOnnx(program, new Map())).message).toBe(
      "cannot export maxpool_0 (maxpool): needs an [H, W, C] input, got [8]",
    );

    const image: ProgramNode = { ...input, shape: [2, 2, 2] };
    const dense: ProgramNode = {
      id: 1,
      name: "dense_0",
      attrs: { op: "dense", units: 3, bias: false },
      inputs: [0],
      shape: [3],
      params: [{ name: "kernel", shape: [8, 3], trainable: true }],
    };
    const weights = new Map([["dense_0.kernel", new Float32Array(24)]]);
    expect(exportError(() => exportOnnx({ nodes: [image, dense], inputs: [0], outputs: [1] }, weights)).message).toBe(
      "cannot export dense_0 (dense): needs a rank-1 input, got [2, 2, 2]",
    );
  });

  it("refuses a model whose weights exceed the 2 GiB limit of an ONNX file", () => {
    const input: ProgramNode = {
      id: 0,
      name: "v",
      attrs: { op: "input", name: "v" },
      inputs: [],
      shape: [70_000],
      params: [],
    };
    const dense: ProgramNode = {
      id: 1,
      name: "dense_0",
      attrs: { op: "dense", units: 8_000, bias: false },
      inputs: [0],
      shape: [8_000],
      params: [{ name: "kernel", shape: [70_000, 8_000], trainable: true }],
    };
    const program: Program = { nodes: [input, dense], inputs: [0], outputs: [1] };
    const e = exportError(() => exportOnnx(program, new Map(), { modelName: "Huge" }));
    expect(e.message).toBe(
      "cannot export Huge (model): its 2,240,000,000 bytes of weights exceed the 2 GiB limit of an ONNX file",
    );
  });
});
