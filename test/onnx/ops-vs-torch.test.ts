// Every op, exported and run by onnxruntime, against PyTorch's outputs for the same weights
// (test/fixtures/onnx/gen_ops.py writes the fixture; test/check/op-coverage.test.ts checks that
// every op has a case here or in the sequence fixture).
import { describe, expect, it } from "vitest";
import { exportOnnx } from "../../src/backends/onnx/index.ts";
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
});
