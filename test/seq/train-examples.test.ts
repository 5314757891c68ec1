// The sequence training examples on small data (the full runs take minutes; docs/char-model.md
// and docs/sequences.md record them): examples/char_gpt.net, narrowed by --param, learns the
// words well past the bigram baseline of the same data in one epoch, and examples/vit_mnist.net
// learns digits (narrowed to 1 block of 32 features, so these runs take seconds) — each
// bit-for-bit reproducible from its seed.
import { describe, expect, it } from "vitest";
import { train, type EpochReport } from "../../src/backends/interpret/trainer.ts";
import { loadGraph } from "../../src/cli/load-graph.ts";
import { bigramBaseline } from "../../src/data/chars/bigram.ts";
import { sliceDataset, type DataSplit } from "../../src/data/dataset.ts";
import { loadData } from "../../src/data/load-data.ts";
import { loadMnist } from "../../src/data/mnist.ts";
import type { Graph, TrainConfig } from "../../src/ir/graph.ts";

const summary = (epochs: readonly EpochReport[]) => epochs.map((e) => [e.loss, e.val!.loss, e.val!.metrics]);

async function trainTwice(graph: Graph, config: TrainConfig, data: DataSplit) {
  const a = await train({ graph, config, data });
  const b = await train({ graph, config, data });
  return { a: summary(a.epochs), b: summary(b.epochs) };
}

describe("examples/char_gpt.net on 8,000 windows of --data words", () => {
  it("ends one epoch clearly below the bigram baseline, the same losses on every run", async () => {
    const { graph } = loadGraph("examples/char_gpt.net", { params: { dim: 32, heads: 2, layers: 1 } });
    const words = loadData("words", [16, 27], 0, { name: "ids", shape: [16] });
    const data = { train: sliceDataset(words.train, 0, 8000, "words"), validation: sliceDataset(words.validation!, 0, 500, "val") };
    // The example's schedule is sized for the whole list; on 250 steps a short warm-up and a constant rate.
    const config: TrainConfig = {
      ...graph.train!,
      warmup: 10,
      decay: { kind: "none" },
      optimizer: { ...graph.train!.optimizer, lr: 0.01 },
    };
    const baseline = bigramBaseline(data.train, data.validation, 27).loss;
    expect(baseline).toBeGreaterThan(2.45);
    const { a, b } = await trainTwice(graph, config, data);
    expect(a).toEqual(b);
    const [, valLoss, metrics] = a[0] as [number, number, Record<string, number>];
    expect(valLoss).toBeLessThan(baseline - 0.04);
    expect(metrics.perplexity).toBeCloseTo(Math.exp(valLoss), 10);
  }, 120_000);
});

describe("examples/vit_mnist.net on 1,600 digits", () => {
  it("learns the digits in three epochs, the same losses on every run", async () => {
    const { graph } = loadGraph("examples/vit_mnist.net", { params: { dim: 32, heads: 2, layers: 1, mlp: 64 } });
    const mnist = loadMnist();
    const data = { train: sliceDataset(mnist.train, 0, 1600, "mnist"), validation: sliceDataset(mnist.validation!, 0, 400, "val") };
    const config: TrainConfig = {
      ...graph.train!,
      epochs: 3,
      decay: { kind: "none" },
      warmup: 0,
      optimizer: { ...graph.train!.optimizer, lr: 0.004 },
    };
    const { a, b } = await trainTwice(graph, config, data);
    expect(a).toEqual(b);
    // Validation loss falls every epoch from ln 10 = 2.30 (chance); accuracy is far above 10%.
    const valLosses = a.map((e) => e[1] as number);
    expect(valLosses[1]).toBeLessThan(valLosses[0]);
    expect(valLosses[2]).toBeLessThan(valLosses[1]);
    expect(valLosses[2]).toBeLessThan(1.3);
    expect((a[2][2] as Record<string, number>).accuracy).toBeGreaterThan(0.55);
  }, 120_000);
});
