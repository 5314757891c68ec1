// onnxruntime running the exported model equals netc's own runtime on the same weights.
import { describe, it } from "vitest";
import { initializeParams } from "../../src/runtime/index.ts";
import { opFixtures } from "./fixtures.ts";
import { expectRuntimeParity } from "./onnx-harness.ts";

describe("onnxruntime equals netc's runtime", () => {
  for (const fixture of opFixtures) {
    it(`${fixture.name} (fixture weights)`, async () => {
      await expectRuntimeParity(fixture.program, fixture.weights, fixture.inputs, fixture.name);
    });
  }

  it("exports the runtime's seeded initialisation (every parameter key it makes)", async () => {
    for (const fixture of opFixtures) {
      await expectRuntimeParity(fixture.program, initializeParams(fixture.program, 0), fixture.inputs, fixture.name);
    }
  });
});
