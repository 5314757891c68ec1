// The sequence and general ops of spec section 11 against central finite differences (the
// harness of gradients.test.ts: L = Σ output·R in float32, step 1e-2, error relative to
// max(1, |numeric|)). Token ids are integers and get no gradient; their tables do.
import { describe, expect, it } from "vitest";
import { attention, sequenceGradientCases as cases } from "./gradient-cases.ts";
import type { KernelCase } from "./kernel-harness.ts";
import { gradCaseData, runForward, worstGradError } from "./kernel-harness.ts";

const TOLERANCE = 5e-3;

describe("sequence and general ops: backward matches central finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      const { kc, inputs, params } = gradCaseData(c, 11);
      // Token ids are not differentiable: probe only the table.
      const error = worstGradError(kc, inputs, params, { ...c.options, skipInputs: c.tokens !== undefined });
      expect(error).toBeLessThan(c.options?.tolerance ?? TOLERANCE);
    });
  }
});

describe("forward behaviour", () => {
  it("embedding refuses an id outside the vocabulary, naming the sample and position", () => {
    const c: KernelCase = { attrs: { op: "embedding", vocab: 5, dim: 2 }, inShapes: [[3]], outShape: [3, 2], batch: 2 };
    expect(() => runForward(c, [Float32Array.from([0, 1, 2, 3, 7, 4])], [new Float32Array(10)])).toThrow(
      /token id 7 at sample 1, position 1 is outside the vocabulary .*0…4/,
    );
  });

  it("causal attention: position 0 sees only itself, no NaN with large scores", () => {
    const attrs = attention({ causal: true, heads: 1, bias: false });
    const c: KernelCase = { attrs, inShapes: [[3, 2]], outShape: [3, 2], batch: 1 };
    const identity = Float32Array.from([1, 0, 0, 1]);
    const x = Float32Array.from([1e4, -1e4, 5, 6, -3e4, 2e4]);
    const { output } = runForward(c, [x], [identity, identity, identity, identity]);
    expect([...output].every(Number.isFinite)).toBe(true);
    // Row 0 attends to key 0 only: its output is value 0 = x row 0.
    expect(output[0]).toBeCloseTo(1e4, 0);
    expect(output[1]).toBeCloseTo(-1e4, 0);
  });

  it("sinusoidal positions follow Vaswani et al.", () => {
    const c: KernelCase = {
      attrs: { op: "positional", length: 8, mode: "sinusoidal" },
      inShapes: [[3, 4]],
      outShape: [3, 4],
      batch: 1,
    };
    const { output } = runForward(c, [new Float32Array(12)], []);
    const expected = [
      0,
      1,
      0,
      1,
      Math.sin(1),
      Math.cos(1),
      Math.sin(0.01),
      Math.cos(0.01),
      Math.sin(2),
      Math.cos(2),
      Math.sin(0.02),
      Math.cos(0.02),
    ];
    expected.forEach((v, i) => expect(output[i]).toBeCloseTo(v, 6));
  });
});
