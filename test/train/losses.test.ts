import { describe, expect, it } from "vitest";
import {
  binaryCrossEntropy,
  binaryCrossEntropyFromLogits,
  computeLoss,
  crossEntropyFromLogits,
  crossEntropyFromLogProbs,
  crossEntropyFromProbs,
  diceLoss,
  klDivergenceFromLogits,
  klDivergenceFromLogProbs,
  klDivergenceFromProbs,
  meanSquaredError,
  planLoss,
  softmax,
  type LossResult,
} from "../../src/runtime/train/losses.ts";
import type { Target } from "../../src/runtime/train/target.ts";
import { expectClose } from "../support/close.ts";
import { refs, type LossRef } from "./refs.ts";

const f32 = (xs: number[]) => Float32Array.from(xs);
const targetOf = (ref: LossRef): Target =>
  ref.classes ? { kind: "classes", data: Int32Array.from(ref.classes) } : { kind: "dense", data: f32(ref.dense!) };
const refNamed = (name: string): LossRef => refs.losses.find((r) => r.name === name)!;

/** Each fixture and the function under test. */
const cases: [string, (ref: LossRef) => LossResult][] = [
  ["ce_logits_classes_ls0.0", (r) => crossEntropyFromLogits(f32(r.values), targetOf(r), 5, r.labelSmoothing)],
  ["ce_logits_classes_ls0.1", (r) => crossEntropyFromLogits(f32(r.values), targetOf(r), 5, r.labelSmoothing)],
  ["ce_logits_soft_ls0.0", (r) => crossEntropyFromLogits(f32(r.values), targetOf(r), 5, r.labelSmoothing)],
  ["ce_logits_soft_ls0.1", (r) => crossEntropyFromLogits(f32(r.values), targetOf(r), 5, r.labelSmoothing)],
  ["ce_logits_spatial", (r) => crossEntropyFromLogits(f32(r.values), targetOf(r), 4, r.labelSmoothing)],
  ["ce_logits_large", (r) => crossEntropyFromLogits(f32(r.values), targetOf(r), 3)],
  ["kl_logprobs", (r) => klDivergenceFromLogProbs(f32(r.values), targetOf(r), 4, 3)],
  ["kl_logits", (r) => klDivergenceFromLogits(f32(r.values), targetOf(r), 4, 3)],
  ["bce", (r) => binaryCrossEntropy(f32(r.values), f32(r.dense!))],
  ["bce_clamped", (r) => binaryCrossEntropy(f32(r.values), f32(r.dense!))],
  ["bce_logits", (r) => binaryCrossEntropyFromLogits(f32(r.values), f32(r.dense!))],
  ["mse", (r) => meanSquaredError(f32(r.values), f32(r.dense!))],
  ["dice", (r) => diceLoss(f32(r.values), f32(r.dense!), 2, r.smooth)],
];

describe("losses match torch.nn.functional", () => {
  for (const [name, run] of cases) {
    it(name, () => {
      const ref = refNamed(name);
      const { loss, grad } = run(ref);
      expectClose([loss], [ref.loss], { rtol: 1e-5, atol: 1e-6 });
      if (ref.grad) expectClose(grad, ref.grad, { rtol: 1e-4, atol: 1e-6 });
      expect(Number.isFinite(loss)).toBe(true);
    });
  }
  it("every fixture is tested", () => {
    expect(refs.losses.map((r) => r.name).sort()).toEqual(cases.map(([n]) => n).sort());
  });
});

/** Central finite differences of a loss (evaluated in float64 inputs rounded to fp32). */
function checkGradient(values: number[], lossOf: (v: Float32Array) => LossResult, h = 1e-3, tol = 2e-3): void {
  const analytic = lossOf(f32(values)).grad;
  values.forEach((_, i) => {
    const plus = values.slice();
    const minus = values.slice();
    plus[i] += h;
    minus[i] -= h;
    const numeric = (lossOf(f32(plus)).loss - lossOf(f32(minus)).loss) / (2 * h);
    expect(Math.abs(analytic[i] - numeric), `element ${i}: analytic ${analytic[i]} vs numeric ${numeric}`).toBeLessThan(
      tol,
    );
  });
}

describe("loss gradients agree with finite differences", () => {
  const z = [0.3, -1.2, 2.0, 0.5, 0.1, -0.4, 1.5, -2.0];
  const soft = { kind: "dense", data: f32([0.1, 0.2, 0.3, 0.4, 0.5, 0, 0, 0.5]) } as const;
  const idx = { kind: "classes", data: Int32Array.of(2, 3) } as const;
  const probs = [0.2, 0.7, 0.05, 0.05, 0.3, 0.3, 0.2, 0.2];
  it("cross-entropy from logits, log-probabilities and probabilities", () => {
    checkGradient(z, (v) => crossEntropyFromLogits(v, idx, 4, 0.1));
    checkGradient(z, (v) => crossEntropyFromLogits(v, soft, 4));
    checkGradient(z, (v) =>
      crossEntropyFromLogits(v, { kind: "dense", data: f32([0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0.2]) }, 4),
    );
    checkGradient(z, (v) => crossEntropyFromLogProbs(v, soft, 4, 0.2));
    checkGradient(probs, (v) => crossEntropyFromProbs(v, idx, 4, 0.1), 1e-4);
  });
  it("kl divergence in its three forms", () => {
    checkGradient(z, (v) => klDivergenceFromLogits(v, soft, 4, 2));
    checkGradient(z, (v) => klDivergenceFromLogProbs(v, soft, 4, 2));
    checkGradient(probs, (v) => klDivergenceFromProbs(v, soft, 4, 2), 1e-4);
  });
  it("binary cross-entropy, mse and dice", () => {
    const y = f32([1, 0, 1, 0.5, 0, 1, 0, 0]);
    checkGradient(probs, (v) => binaryCrossEntropy(v, y), 1e-4);
    checkGradient(z, (v) => binaryCrossEntropyFromLogits(v, y));
    checkGradient(z, (v) => meanSquaredError(v, y));
    checkGradient(probs, (v) => diceLoss(v, y, 2, 1));
  });
});

describe("the primer's examples", () => {
  it("softmax([1.6, 0.55, 0.98]) = [0.5297, 0.1854, 0.2849]", () => {
    expectClose(softmax(f32([1.6, 0.55, 0.98]), 3), [0.5297, 0.1854, 0.2849], { rtol: 0, atol: 5e-5 });
  });
  it("cross-entropy of (1,0,0,0,0) vs (0.6, 0.3, 0.02, 0.03, 0.05) = 0.5108 = KL", () => {
    const p = f32([0.6, 0.3, 0.02, 0.03, 0.05]);
    const y: Target = { kind: "dense", data: f32([1, 0, 0, 0, 0]) };
    const ce = crossEntropyFromProbs(p, y, 5).loss;
    const kl = klDivergenceFromProbs(p, y, 5, 1).loss;
    expectClose([ce, kl], [0.5108, 0.5108], { rtol: 0, atol: 5e-5 });
    expectClose([ce], [-Math.log(0.6)], { rtol: 1e-6 });
    // The fused path on the log of these probabilities (as logits) gives the same value.
    expectClose([crossEntropyFromLogits(p.map(Math.log), { kind: "classes", data: Int32Array.of(0) }, 5).loss], [-Math.log(0.6)], { rtol: 1e-6 });
  });
  it("the fused gradient is p − y over the batch", () => {
    const z = f32([1.6, 0.55, 0.98, 0, 0, 0]);
    const { grad } = crossEntropyFromLogits(z, { kind: "classes", data: Int32Array.of(0, 1) }, 3);
    expectClose(grad, [(0.5297 - 1) / 2, 0.1854 / 2, 0.2849 / 2, 1 / 6, (1 / 3 - 1) / 2, 1 / 6], { rtol: 0, atol: 5e-5 });
  });
});

describe("planLoss and computeLoss", () => {
  it("fuses softmax into cross_entropy and kl_divergence, sigmoid into binary_cross_entropy", () => {
    expect(planLoss("cross_entropy", "softmax")).toEqual({ consumes: "last_op_input", input: "logits" });
    expect(planLoss("cross_entropy", "dense")).toEqual({ consumes: "output", input: "logits" });
    expect(planLoss("cross_entropy", "log_softmax")).toEqual({ consumes: "output", input: "log_probabilities" });
    expect(planLoss("kl_divergence", "softmax")).toEqual({ consumes: "last_op_input", input: "logits" });
    expect(planLoss("binary_cross_entropy", "sigmoid")).toEqual({ consumes: "last_op_input", input: "logits" });
    expect(planLoss("binary_cross_entropy", "relu")).toEqual({ consumes: "output", input: "probabilities" });
    expect(planLoss("dice", "sigmoid")).toEqual({ consumes: "output", input: "probabilities" });
    expect(planLoss("mse", "dense")).toEqual({ consumes: "output", input: "values" });
  });
  it("dispatches to the named loss and one-hot encodes class targets where a dense one is needed", () => {
    const z = f32([0.2, 0.9, 0.4, 0.6]);
    const classes: Target = { kind: "classes", data: Int32Array.of(1, 0) };
    const shape = { batch: 2, classes: 2 };
    expect(computeLoss({ kind: "cross_entropy", labelSmoothing: 0 }, "logits", z, classes, shape)).toEqual(
      crossEntropyFromLogits(z, classes, 2),
    );
    expect(computeLoss({ kind: "mse" }, "values", z, classes, shape)).toEqual(meanSquaredError(z, f32([0, 1, 1, 0])));
    expect(computeLoss({ kind: "dice", smooth: 1 }, "probabilities", z, classes, shape)).toEqual(
      diceLoss(z, f32([0, 1, 1, 0]), 2),
    );
    expect(() => computeLoss({ kind: "dice", smooth: 1 }, "logits", z, classes, shape)).toThrow(
      "dice loss cannot consume logits",
    );
  });
  it("refuses mismatched targets with numbers", () => {
    expect(() => crossEntropyFromLogits(f32([1, 2, 3, 4]), { kind: "classes", data: Int32Array.of(0) }, 2)).toThrow(
      "target has 1 values, expected 2",
    );
    expect(() => crossEntropyFromLogits(f32([1, 2]), { kind: "classes", data: Int32Array.of(2) }, 2)).toThrow(
      "class 2 is out of range for 2 classes",
    );
  });
});
