// Forward outputs and backward gradients of the reference kernels against PyTorch 1.13
// (fixtures from test/fixtures/runtime/gen_torch_reference.py, NHWC / Keras layouts).
import { describe, expect, it } from "vitest";
import { relativeError } from "../support/close.ts";
import { referenceFixture } from "./torch-reference-fixture.ts";
import { runBackward } from "./kernel-harness.ts";

describe("kernels match PyTorch", () => {
  it("has the generated cases", () => {
    expect(referenceFixture.cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of referenceFixture.cases) {
    it(c.name, () => {
      const inputs = c.inputs.map((x) => Float32Array.from(x));
      const running = (c.runningBefore ?? []).map((x) => Float32Array.from(x));
      const params = [...c.params.map((p) => Float32Array.from(p)), ...running];
      const trainable = params.map((_, i) => i < c.params.length);
      const result = runBackward(
        { attrs: c.attrs, inShapes: c.inShapes, outShape: c.outShape, batch: c.batch, training: c.training },
        inputs,
        params,
        Float32Array.from(c.outGrad),
        trainable,
      );
      expect(relativeError(result.output, c.output)).toBeLessThan(2e-6);
      c.inGrads.forEach((g, k) => expect(relativeError(result.inGrads[k], g)).toBeLessThan(2e-5));
      c.paramGrads.forEach((g, k) => expect(relativeError(result.paramGrads[k]!, g)).toBeLessThan(2e-5));
      c.runningAfter?.forEach((r, k) => expect(relativeError(params[c.params.length + k], r)).toBeLessThan(1e-6));
    });
  }
});
