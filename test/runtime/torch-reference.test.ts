// Forward outputs and backward gradients of the reference kernels against PyTorch 1.13
// (fixtures from test/fixtures/runtime/gen_torch_reference.py, NHWC / Keras layouts).
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { OpAttrs } from "../../src/runtime/ops.ts";
import { relativeError } from "../support/close.ts";
import { runBackward } from "./kernel-harness.ts";

interface TorchCase {
  readonly name: string;
  readonly attrs: OpAttrs;
  readonly inShapes: number[][];
  readonly outShape: number[];
  readonly batch: number;
  readonly training: boolean;
  readonly inputs: number[][];
  readonly params: number[][];
  readonly output: number[];
  readonly outGrad: number[];
  readonly inGrads: number[][];
  readonly paramGrads: number[][];
  readonly runningBefore?: number[][];
  readonly runningAfter?: number[][];
}

const fixture = JSON.parse(
  readFileSync(new URL("../fixtures/runtime/torch-reference.json", import.meta.url), "utf8"),
) as { cases: TorchCase[] };

describe("kernels match PyTorch", () => {
  it("has the generated cases", () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(30);
  });

  for (const c of fixture.cases) {
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
