// Every op, exported and run by onnxruntime, against PyTorch's outputs for the same weights
// (test/fixtures/onnx/gen_ops.py writes the fixture).
import { describe, expect, it } from "vitest";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
import type { OpName } from "../../src/runtime/ops.ts";
import { opFixtures } from "./fixtures.ts";
import { expectClose, runOnnx } from "./onnx-harness.ts";

describe("ONNX export matches PyTorch on every op", () => {
  for (const fixture of opFixtures) {
    it(fixture.name, async () => {
      const model = exportOnnx(fixture.program, fixture.weights, { modelName: fixture.name });
      const outputs = await runOnnx(model, fixture.inputs);
      expect(outputs).toHaveLength(fixture.outputs.length);
      fixture.outputs.forEach((expected, i) => expectClose(outputs[i], expected, `${fixture.name} output ${i}`));
    });
  }

  it("covers every op of the runtime's vocabulary", () => {
    const all: OpName[] = [
      "input",
      "conv",
      "depthwise",
      "pointwise",
      "separable",
      "conv_transpose",
      "upsample",
      "maxpool",
      "avgpool",
      "globalavgpool",
      "globalmaxpool",
      "dense",
      "flatten",
      "reshape",
      "dropout",
      "batchnorm",
      "crop",
      "pad",
      "relu",
      "relu6",
      "sigmoid",
      "tanh",
      "swish",
      "hard_swish",
      "gelu",
      "softplus",
      "identity",
      "leaky_relu",
      "elu",
      "maxout",
      "softmax",
      "log_softmax",
      "add",
      "mul",
      "concat",
    ];
    const covered = new Set(opFixtures.flatMap((f) => f.program.nodes.map((n) => n.attrs.op)));
    expect(all.filter((op) => !covered.has(op))).toEqual([]);
  });
});
