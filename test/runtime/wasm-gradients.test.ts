// The finite-difference checks of gradients.test.ts and sequence-gradients.test.ts (the same
// cases, inputs and tolerances) on the WebAssembly backend: each op as a one-node WASM training
// executor, so the SIMD forward and backward paths are checked against numerical gradients too.
import { describe, expect, it } from "vitest";
import { imageGradientCases, sequenceGradientCases } from "./gradient-cases.ts";
import { gradCaseData, worstGradError, type GradCase } from "./kernel-harness.ts";
import { wasmRunner } from "./wasm-runner.ts";

const TOLERANCE = 5e-3;

function check(cases: readonly GradCase[], seed: number): void {
  for (const c of cases) {
    it(c.name, async () => {
      const { kc, inputs, params } = gradCaseData(c, seed);
      const runner = await wasmRunner(kc, c.tokens !== undefined ? [0] : []);
      try {
        expect(runner.accelerated).toBe(true);
        const error = worstGradError(kc, inputs, params, { ...c.options, skipInputs: c.tokens !== undefined }, runner);
        expect(error).toBeLessThan(c.options?.tolerance ?? TOLERANCE);
      } finally {
        await runner.dispose();
      }
    });
  }
}

describe("WASM backend: backward matches central finite differences", () => {
  describe("image ops", () => check(imageGradientCases, 7));
  describe("sequence and general ops", () => check(sequenceGradientCases, 11));
});
