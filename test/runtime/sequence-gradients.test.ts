// The sequence and general ops of spec section 11 against central finite differences (the
// harness of gradients.test.ts: L = Σ output·R in float32, step 1e-2, error relative to
// max(1, |numeric|)). Token ids are integers and get no gradient; their tables do.
import { describe, expect, it } from "vitest";
import { sizeOf } from "../../src/runtime/kernel.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { attention, sequenceGradientCases as cases } from "./gradient-cases.ts";
import type { GradCase, KernelCase } from "./kernel-harness.ts";
import { distinctArray, kernelFor, runForward, worstGradError } from "./kernel-harness.ts";
import { randomArray } from "../support/arrays.ts";

const TOLERANCE = 5e-3;

function inputsFor(c: GradCase, rng: Rng, batch: number): Float32Array[] {
  return c.inShapes.map((s, k) => {
    const n = batch * sizeOf(s);
    if (k === 0 && c.tokens) return Float32Array.from({ length: n }, () => Math.floor(rng.uniform() * c.tokens!));
    if (c.distinct) return distinctArray(rng, n, 0.2);
    if (c.range) {
      const [lo, hi] = c.range;
      return Float32Array.from({ length: n }, () => lo + (hi - lo) * rng.uniform());
    }
    return randomArray(rng, n, 2);
  });
}

describe("sequence and general ops: backward matches central finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      const rng = new Rng(11);
      const batch = c.batch ?? 2;
      const kc: KernelCase = {
        attrs: c.attrs,
        inShapes: c.inShapes,
        outShape: c.outShape,
        batch,
        training: c.training,
      };
      const inputs = inputsFor(c, rng, batch);
      const params = kernelFor(c.attrs.op)
        .params(c.attrs, c.inShapes)
        .map((spec) => randomArray(rng, sizeOf(spec.shape)));
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
