// Every op's backward (inputs and params) against central finite differences of
// L = Σ output·R, in float32 with step 1e-2: the allowed error (relative to max(1, |numeric|))
// is 5e-3 for smooth ops, covering float32 rounding of L divided by the step and the O(h²)
// truncation. Inputs of non-smooth ops are spaced so no kink or tie lies within a step.
import { describe, expect, it } from "vitest";
import { sizeOf } from "../../src/runtime/kernel.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { imageGradientCases as cases } from "./gradient-cases.ts";
import type { KernelCase } from "./kernel-harness.ts";
import { distinctArray, kernelFor, worstGradError } from "./kernel-harness.ts";
import { randomArray } from "../support/arrays.ts";

const TOLERANCE = 5e-3;

describe("backward matches central finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      const rng = new Rng(7);
      const batch = c.batch ?? 2;
      const kc: KernelCase = {
        attrs: c.attrs,
        inShapes: c.inShapes,
        outShape: c.outShape,
        batch,
        training: c.training,
      };
      const inputs = c.inShapes.map((s) =>
        c.distinct ? distinctArray(rng, batch * sizeOf(s), 0.2) : randomArray(rng, batch * sizeOf(s), 2),
      );
      const params = kernelFor(c.attrs.op)
        .params(c.attrs, c.inShapes)
        .map((spec) => {
          const values = randomArray(rng, sizeOf(spec.shape));
          // Running variances must be positive.
          if (spec.name === "var") values.forEach((v, i) => (values[i] = 0.5 + Math.abs(v)));
          return values;
        });
      expect(worstGradError(kc, inputs, params, c.options)).toBeLessThan(c.options?.tolerance ?? TOLERANCE);
    });
  }
});
