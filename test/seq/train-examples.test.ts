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

describe("the training examples' totals", () => {
  it("char_gpt.net: 104,603 params, 1,666,048 MACs", () => {
    // Embeddings 27·64 + 16·64; per block 2 layernorms 2·128, attention 4·64² + 4·64 = 16,640,
    // MLP 64·256 + 256 + 256·64 + 64 = 33,088; final layernorm 128; head 64·27 + 27.
    // MACs per block: attention 4·16·64² + 2·16²·64 = 294,912, MLP 2·16·64·256; head 16·64·27.
    const { graph } = loadGraph("examples/char_gpt.net", {});
    expect(graph.totals.params).toBe(27 * 64 + 16 * 64 + 2 * (256 + 16_640 + 33_088) + 128 + 64 * 27 + 27);
    expect(graph.totals.params).toBe(104_603);
    expect(graph.totals.macs).toBe(2 * (294_912 + 2 * 16 * 64 * 256) + 16 * 64 * 27);
    expect(graph.totals.macs).toBe(1_666_048);
  });
  it("vit_mnist.net: 107,658 params, 6,029,504 MACs", () => {
    // Patch conv 7·7·1·64 + 64, class token 64, positions 50·64; per block 256 + 16,640 +
    // 64·128 + 128 + 128·64 + 64; final layernorm 128; head 64·10 + 10.
    // MACs: conv 49·49·64; per block 4·50·64² + 2·50²·64 + 2·50·64·128; head 64·10.
    const { graph } = loadGraph("examples/vit_mnist.net", {});
    expect(graph.totals.params).toBe(3_200 + 64 + 3_200 + 3 * (256 + 16_640 + 8_320 + 8_256) + 128 + 650);
    expect(graph.totals.params).toBe(107_658);
    expect(graph.totals.macs).toBe(49 * 49 * 64 + 3 * (4 * 50 * 64 ** 2 + 2 * 50 ** 2 * 64 + 2 * 50 * 64 * 128) + 640);
    expect(graph.totals.macs).toBe(6_029_504);
  });
});

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
    // (With the example's random shifts the narrowed model sees harder digits: 1.88 → 1.53 → 1.39.)
    expect(valLosses[2]).toBeLessThan(1.5);
    expect((a[2][2] as Record<string, number>).accuracy).toBeGreaterThan(0.55);
  }, 120_000);
});
