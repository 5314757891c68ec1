// Every op's backward (inputs and params) against central finite differences of
// L = Σ output·R, in float32 with step 1e-2: the allowed error (relative to max(1, |numeric|))
// is 5e-3 for smooth ops, covering float32 rounding of L divided by the step and the O(h²)
// truncation. Inputs of non-smooth ops are spaced so no kink or tie lies within a step.
import { describe, expect, it } from "vitest";
import { imageGradientCases as cases } from "./gradient-cases.ts";
import { gradCaseData, worstGradError } from "./kernel-harness.ts";

const TOLERANCE = 5e-3;

describe("backward matches central finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { kc, inputs, params } = gradCaseData(c, 7);
      expect(worstGradError(kc, inputs, params, c.options)).toBeLessThan(c.options?.tolerance ?? TOLERANCE);
    });
  }
});
