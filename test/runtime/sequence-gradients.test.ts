// The sequence and general ops of spec section 11 against central finite differences (the
// harness of gradients.test.ts: L = Σ output·R in float32, step 1e-2, error relative to
// max(1, |numeric|)). Token ids are integers and get no gradient; their tables do.
import { describe, expect, it } from "vitest";
import type { OpAttrs } from "../../src/runtime/ops.ts";
import type { Shape } from "../../src/runtime/kernel.ts";
import { sizeOf } from "../../src/runtime/kernel.ts";
import { Rng } from "../../src/runtime/rng.ts";
import type { GradCase, KernelCase } from "./kernel-harness.ts";
import { distinctArray, kernelFor, randomArray, runForward, worstGradError } from "./kernel-harness.ts";

const TOLERANCE = 5e-3;

const attention = (over: Partial<Extract<OpAttrs, { op: "attention" }>> = {}): OpAttrs => ({
  op: "attention",
  heads: 2,
  causal: false,
  bias: true,
  dropout: 0,
  context: false,
  ...over,
});

const cases: GradCase[] = [
  { name: "embedding", attrs: { op: "embedding", vocab: 5, dim: 3 }, inShapes: [[4]], outShape: [4, 3], tokens: 5 },
  {
    name: "positional learned",
    attrs: { op: "positional", length: 6, mode: "learned" },
    inShapes: [[4, 3]],
    outShape: [4, 3],
  },
  {
    name: "positional sinusoidal",
    attrs: { op: "positional", length: 6, mode: "sinusoidal" },
    inShapes: [[4, 4]],
    outShape: [4, 4],
  },
  { name: "class_token", attrs: { op: "class_token" }, inShapes: [[3, 4]], outShape: [4, 4] },
  { name: "layernorm", attrs: { op: "layernorm", eps: 1e-5 }, inShapes: [[3, 5]], outShape: [3, 5] },
  { name: "rmsnorm", attrs: { op: "rmsnorm", eps: 1e-6 }, inShapes: [[3, 5]], outShape: [3, 5] },
  {
    name: "groupnorm 2 groups",
    attrs: { op: "groupnorm", groups: 2, eps: 1e-5 },
    inShapes: [[2, 3, 4]],
    outShape: [2, 3, 4],
  },
  { name: "instancenorm", attrs: { op: "instancenorm", eps: 1e-5 }, inShapes: [[3, 2, 3]], outShape: [3, 2, 3] },
  { name: "attention self", attrs: attention(), inShapes: [[4, 6]], outShape: [4, 6] },
  {
    name: "attention causal, no bias",
    attrs: attention({ causal: true, bias: false, heads: 3 }),
    inShapes: [[5, 6]],
    outShape: [5, 6],
  },
  {
    name: "attention cross (context [3, 5])",
    attrs: attention({ context: true }),
    inShapes: [
      [4, 6],
      [3, 5],
    ],
    outShape: [4, 6],
  },
  // Training with dropout: the harness reseeds the generator before every forward, so the
  // mask is fixed across the probes.
  {
    name: "attention dropout 0.3 (training)",
    attrs: attention({ dropout: 0.3 }),
    inShapes: [[4, 4]],
    outShape: [4, 4],
    training: true,
  },
  { name: "dense on [T, C]", attrs: { op: "dense", units: 3, bias: true }, inShapes: [[4, 5]], outShape: [4, 3] },
  { name: "take", attrs: { op: "take", index: 2 }, inShapes: [[4, 3]], outShape: [3] },
  {
    name: "globalavgpool over positions",
    attrs: { op: "globalavgpool", keepdims: false },
    inShapes: [[4, 3]],
    outShape: [3],
  },
  {
    name: "lstm last step",
    attrs: { op: "lstm", units: 3, returnSequences: false },
    inShapes: [[4, 2]],
    outShape: [3],
  },
  {
    name: "lstm sequences",
    attrs: { op: "lstm", units: 2, returnSequences: true },
    inShapes: [[3, 3]],
    outShape: [3, 2],
  },
  { name: "gru last step", attrs: { op: "gru", units: 3, returnSequences: false }, inShapes: [[4, 2]], outShape: [3] },
  {
    name: "gru sequences",
    attrs: { op: "gru", units: 2, returnSequences: true },
    inShapes: [[3, 3]],
    outShape: [3, 2],
  },
  {
    name: "sub broadcast",
    attrs: { op: "sub" },
    inShapes: [[3, 4], [4], [3, 1]],
    outShape: [3, 4],
  },
  {
    name: "div broadcast",
    attrs: { op: "div" },
    inShapes: [[3, 4], [4]],
    outShape: [3, 4],
    range: [0.5, 2],
  },
  {
    name: "div of three",
    attrs: { op: "div" },
    inShapes: [[2, 3], [2, 3], [3]],
    outShape: [2, 3],
    range: [0.5, 2],
  },
  {
    name: "maximum broadcast",
    attrs: { op: "maximum" },
    inShapes: [[3, 4], [4]],
    outShape: [3, 4],
    distinct: true,
  },
  {
    name: "minimum of three",
    attrs: { op: "minimum" },
    inShapes: [
      [2, 3],
      [2, 3],
      [2, 3],
    ],
    outShape: [2, 3],
    distinct: true,
  },
  { name: "transpose [1, 0]", attrs: { op: "transpose", perm: [1, 0] }, inShapes: [[3, 4]], outShape: [4, 3] },
  {
    name: "transpose [2, 0, 1]",
    attrs: { op: "transpose", perm: [2, 0, 1] },
    inShapes: [[2, 3, 4]],
    outShape: [4, 2, 3],
  },
  { name: "clip", attrs: { op: "clip", min: -0.5, max: 1 }, inShapes: [[4, 3]], outShape: [4, 3], distinct: true },
  { name: "prelu", attrs: { op: "prelu" }, inShapes: [[4, 3]], outShape: [4, 3], distinct: true },
];

for (const op of ["exp", "abs", "neg", "selu", "hard_sigmoid"] as const) {
  cases.push({ name: `elementwise ${op}`, attrs: { op }, inShapes: [[4, 3]], outShape: [4, 3], distinct: true });
}
for (const op of ["log", "sqrt"] as const) {
  cases.push({ name: `elementwise ${op}`, attrs: { op }, inShapes: [[4, 3]], outShape: [4, 3], range: [0.5, 3] });
}

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
