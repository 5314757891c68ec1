// The exported graph's interface: NHWC inputs named as in the model, a symbolic batch, outputs
// named by label (else layer name), and overrides through the options.
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import { buildOnnxModel, exportOnnx } from "../../src/backends/onnx/index.ts";
import { check } from "../../src/check/index.ts";
import { initializeParams } from "../../src/runtime/index.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { parse } from "../../src/syntax/parse.ts";

const source = `model TwoHeads {
  input extra: [4]
  input image: [8, 8, 3]
  conv(4, 3x3, stride = 2, pad = same) -> features
  globalavgpool
  concat(extra)
  dense(2) -> logits
  output logits, features
}
`;
const graph = check(parse(source).program).graphs.get("TwoHeads")!;

describe("exported names and shapes", () => {
  it("names inputs as the model does and outputs by their labels, NHWC with batch N", () => {
    const { graph: g } = buildOnnxModel(graph, initializeParams(graph, 0));
    expect(g.name).toBe("TwoHeads");
    expect(g.inputs).toEqual([
      { name: "extra", dims: ["N", 4] },
      { name: "image", dims: ["N", 8, 8, 3] },
    ]);
    expect(g.outputs).toEqual([
      { name: "logits", dims: ["N", 2] },
      { name: "features", dims: ["N", 4, 4, 4] },
    ]);
  });

  it("takes names from the options", () => {
    const options = { modelName: "served", inputNames: ["side", "pixels"], outputNames: ["scores", "maps"] };
    const { graph: g } = buildOnnxModel(graph, initializeParams(graph, 0), options);
    expect([g.name, ...g.inputs.map((v) => v.name), ...g.outputs.map((v) => v.name)]).toEqual([
      "served",
      "side",
      "pixels",
      "scores",
      "maps",
    ]);
  });

  it("runs at any batch size", async () => {
    const session = await ort.InferenceSession.create(exportOnnx(graph, initializeParams(graph, 0)));
    expect(session.inputNames).toEqual(["extra", "image"]);
    expect(session.outputNames).toEqual(["logits", "features"]);
    for (const batch of [1, 5]) {
      const result = await session.run({
        image: new ort.Tensor("float32", new Float32Array(batch * 192).fill(0.5), [batch, 8, 8, 3]),
        extra: new ort.Tensor("float32", new Float32Array(batch * 4), [batch, 4]),
      });
      expect(result.logits.dims).toEqual([batch, 2]);
      expect(result.features.dims).toEqual([batch, 4, 4, 4]);
    }
  });

  it("names outputs that alias an input or another output", async () => {
    const program: Program = {
      nodes: [
        { id: 0, name: "v", attrs: { op: "input", name: "v" }, inputs: [], shape: [3], params: [] },
        { id: 1, name: "relu_0", attrs: { op: "relu" }, inputs: [0], shape: [3], params: [] },
        { id: 2, name: "dropout_0", attrs: { op: "dropout", rate: 0.5 }, inputs: [1], shape: [3], params: [] },
      ],
      inputs: [0],
      outputs: [1, 2, 0],
    };
    const model = buildOnnxModel(program, new Map());
    expect(model.graph.nodes.map((n) => [n.opType, n.inputs, n.outputs])).toEqual([
      ["Relu", ["v"], ["relu_0"]],
      ["Identity", ["relu_0"], ["dropout_0"]],
      ["Identity", ["v"], ["v_output"]],
    ]);
    const session = await ort.InferenceSession.create(exportOnnx(program, new Map()));
    const result = await session.run({ v: new ort.Tensor("float32", Float32Array.of(-1, 2, -3), [1, 3]) });
    expect(Array.from(result.dropout_0.data as Float32Array)).toEqual([0, 2, 0]);
    expect(Array.from(result.v_output.data as Float32Array)).toEqual([-1, 2, -3]);
  });
});
