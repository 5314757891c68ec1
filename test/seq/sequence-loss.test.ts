// Cross-entropy and metrics on sequence outputs [T, V] (spec section 11): integer targets [T]
// or one-hot [T, V], averaged over positions and samples; accuracy counts positions;
// perplexity is e^loss and needs a cross-entropy loss.
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/backends/interpret/evaluate.ts";
import { lossSetup } from "../../src/backends/interpret/trainer.ts";
import { compile } from "../../src/index.ts";
import { createWasmExecutor } from "../../src/runtime/index.ts";
import { computeLoss, planLoss } from "../../src/runtime/train/losses.ts";
import { createMetric } from "../../src/runtime/train/metrics.ts";
import { denseTarget } from "../../src/runtime/train/target.ts";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";

// 2 samples × 3 positions × 4 classes; PyTorch 1.13:
//   F.cross_entropy(z.reshape(-1, 4), y.reshape(-1)) and its gradient, z = 3·sin(0.7·i).
const logits = Float32Array.from({ length: 24 }, (_, i) => 3 * Math.sin(0.7 * i));
const targets = Int32Array.of(1, 0, 0, 2, 2, 3);
const TORCH_LOSS = 2.9647207260131836;
const TORCH_GRAD = [
  0.0041193, -0.1382115, 0.0792038, 0.0548885, -0.0246774, 0.0181458, 0.003804, 0.0027276, -0.1657633, 0.0063133,
  0.0430854, 0.1163646, 0.1353101, 0.0271416, -0.163196, 0.0007443, 0.0010072, 0.0029752, -0.145644, 0.1416616,
  0.0930604, 0.0602599, 0.0118317, -0.165152,
];

describe("cross_entropy on [T, V] outputs", () => {
  const config = { kind: "cross_entropy", labelSmoothing: 0 } as const;
  const plan = planLoss("cross_entropy", "dense");
  it("averages over positions and samples as PyTorch on the flattened rows", () => {
    const { loss, grad } = computeLoss(config, plan.input, logits, { kind: "classes", data: targets }, { batch: 2, classes: 4 });
    expect(loss).toBeCloseTo(TORCH_LOSS, 6);
    Array.from(grad).forEach((g, i) => expect(g).toBeCloseTo(TORCH_GRAD[i], 6));
  });
  it("one-hot [T, V] targets give the same loss and gradient", () => {
    const dense = denseTarget({ kind: "classes", data: targets }, 4);
    const a = computeLoss(config, plan.input, logits, { kind: "dense", data: dense }, { batch: 2, classes: 4 });
    const b = computeLoss(config, plan.input, logits, { kind: "classes", data: targets }, { batch: 2, classes: 4 });
    expect(a.loss).toBeCloseTo(b.loss, 12);
    expect(Array.from(a.grad)).toEqual(Array.from(b.grad));
  });
  it("accuracy counts positions (1 of 6 predicted correctly here)", () => {
    const accuracy = createMetric({ kind: "accuracy" }, 4);
    accuracy.update(logits, { kind: "classes", data: targets }, 2);
    expect(accuracy.result()).toBeCloseTo(1 / 6, 12);
  });
});

describe("the perplexity metric", () => {
  const source = (loss: string) => `model M {
  input ids: [3] int
  embedding(4, 8)
  dense(4)
}
train M {
  loss: ${loss}
  optimizer: adam
  metrics: [accuracy, perplexity]
}`;
  it("is accepted with cross_entropy and refused with another loss", () => {
    expect(compile(source("cross_entropy")).graph.train!.metrics).toEqual([{ kind: "accuracy" }, { kind: "perplexity" }]);
    const { diagnostics } = check(parse(source("mse")).program, { params: {} });
    expect(diagnostics.filter((d) => d.severity === "error").map((d) => d.message)).toEqual([
      "perplexity is e^loss of a cross-entropy model, but the loss is mse; use loss: cross_entropy",
    ]);
  });
  it("is e^(validation loss), reported in the train section's order", async () => {
    const { graph } = compile(source("cross_entropy"));
    const setup = lossSetup(graph, graph.train!);
    const { executor, dispose } = await createWasmExecutor(setup.program, { maxBatch: 4, training: false });
    try {
      const params = new Map<string, Float32Array>([
        ["embedding_0.embeddings", Float32Array.from({ length: 32 }, (_, i) => Math.cos(i))],
        ["dense_0.kernel", Float32Array.from({ length: 32 }, (_, i) => Math.sin(i) / 2)],
        ["dense_0.bias", new Float32Array(4)],
      ]);
      executor.setParams(params);
      const data = {
        name: "d",
        count: 2,
        sampleShape: [3],
        dtype: "int32",
        x: Float32Array.of(0, 1, 2, 3, 2, 1),
        labels: { kind: "classes" as const, shape: [3], data: Int32Array.of(1, 2, 3, 2, 1, 0) },
      };
      const result = evaluate(executor, data, setup);
      expect(Object.keys(result.metrics)).toEqual(["accuracy", "perplexity"]);
      expect(result.metrics.perplexity).toBeCloseTo(Math.exp(result.loss), 10);
      expect(result.loss).toBeGreaterThan(0);
    } finally {
      await dispose();
    }
  });
});
