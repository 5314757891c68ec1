import { describe, expect, it } from "vitest";
import { ConfusionMatrix, createMetric } from "../../src/runtime/train/metrics.ts";
import type { Target } from "../../src/runtime/train/target.ts";

const f32 = (xs: number[]) => Float32Array.from(xs);
const classes = (xs: number[]): Target => ({ kind: "classes", data: Int32Array.from(xs) });

/** Scores that predict the given classes (one-hot rows of width c). */
function predicting(preds: number[], c: number): Float32Array {
  const out = new Float32Array(preds.length * c);
  preds.forEach((p, r) => (out[r * c + p] = 1));
  return out;
}

describe("accuracy and macro F1 (sklearn semantics)", () => {
  // y_true = [0, 1, 2, 0, 1, 2], y_pred = [0, 2, 1, 0, 0, 1] — sklearn's f1_score docs example:
  // f1_score(average='macro') = 0.26666..., accuracy 2/6.
  const truth = [0, 1, 2, 0, 1, 2];
  const pred = [0, 2, 1, 0, 0, 1];
  it("matches the sklearn documentation example, streamed over two batches", () => {
    const acc = createMetric({ kind: "accuracy" }, 3);
    const f1 = createMetric({ kind: "macro_f1" }, 3);
    for (const m of [acc, f1]) {
      m.update(predicting(pred.slice(0, 4), 3), classes(truth.slice(0, 4)), 4);
      m.update(predicting(pred.slice(4), 3), classes(truth.slice(4)), 2);
    }
    expect(acc.result()).toBeCloseTo(2 / 6, 12);
    expect(f1.result()).toBeCloseTo(0.26666666666666666, 12);
  });
  it("leaves out classes absent from truth and predictions", () => {
    const f1 = createMetric({ kind: "macro_f1" }, 10);
    // classes 0 and 1 only: F1_0 = 2·1/(2·1+1) = 2/3, F1_1 = 2·1/(2·1+1) = 2/3
    f1.update(predicting([0, 1, 1], 10), classes([0, 0, 1]), 3);
    expect(f1.result()).toBeCloseTo(2 / 3, 12);
  });
  it("per-class precision, recall and the confusion matrix", () => {
    const m = new ConfusionMatrix(3);
    m.addBatch(predicting(pred, 3), classes(truth), 3);
    expect([...m.counts]).toEqual([2, 0, 0, 1, 0, 1, 0, 2, 0]);
    expect([m.precision(0), m.recall(0), m.f1(0)]).toEqual([2 / 3, 1, 0.8]);
    expect([m.precision(1), m.recall(1), m.f1(1)]).toEqual([0, 0, 0]);
  });
  it("reads dense (one-hot) targets by argmax and 1-channel outputs by threshold 0.5", () => {
    const acc = createMetric({ kind: "accuracy" }, 3);
    acc.update(f32([0.1, 0.7, 0.2, 0.5, 0.2, 0.3]), { kind: "dense", data: f32([0, 1, 0, 0, 0, 1]) }, 2);
    expect(acc.result()).toBe(0.5);
    const bin = createMetric({ kind: "accuracy" }, 1);
    bin.update(f32([0.2, 0.5, 0.9, 0.49]), { kind: "dense", data: f32([0, 1, 0, 1]) }, 4);
    expect(bin.result()).toBe(0.5);
    bin.reset();
    bin.update(f32([0.7]), classes([1]), 1);
    expect(bin.result()).toBe(1);
  });
});

describe("top_k", () => {
  it("counts the true class among the k best scores", () => {
    const top2 = createMetric({ kind: "top_k", k: 2 }, 4);
    expect(top2.name).toBe("top_2");
    top2.update(f32([0.1, 0.5, 0.3, 0.1, 0.4, 0.3, 0.2, 0.1, 0.25, 0.25, 0.25, 0.25]), classes([2, 3, 2]), 3);
    // row 0: class 2 is 2nd → hit; row 1: class 3 is last → miss; row 2: tie, stable order 0,1,2 → class 2 is 3rd → miss
    expect(top2.result()).toBeCloseTo(1 / 3, 12);
  });
  it("refuses k larger than the class count", () => {
    expect(() => createMetric({ kind: "top_k", k: 5 }, 3)).toThrow("top_k(5) needs 1 <= k <= 3");
  });
});

describe("hard dice", () => {
  it("1-channel masks thresholded at 0.5, averaged over samples", () => {
    const dice = createMetric({ kind: "dice" }, 1);
    // sample 0: pred {0,1}, truth {1,2} → 2·1/4 = 0.5; sample 1: both empty → 1
    dice.update(f32([0.9, 0.6, 0.1, 0.2, 0.2, 0.2]), { kind: "dense", data: f32([0, 1, 1, 0, 0, 0]) }, 2);
    expect(dice.result()).toBeCloseTo(0.75, 12);
  });
  it("multi-channel masks: argmax, Dice per class, mean over classes", () => {
    const dice = createMetric({ kind: "dice" }, 2);
    // 4 pixels, pred classes [0, 1, 1, 0], truth [0, 1, 0, 0]
    // class 0: pred {0,3}, truth {0,2,3} → 2·2/5 = 0.8; class 1: pred {1,2}, truth {1} → 2/3
    dice.update(predicting([0, 1, 1, 0], 2), classes([0, 1, 0, 0]), 1);
    expect(dice.result()).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
  });
});
