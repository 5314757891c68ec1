// The training loop end to end on small models: learning, determinism, bit-identical resume
// (after an epoch and in the middle of one), and the NaN fault path.
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { check } from "../../src/check/index.ts";
import { parse } from "../../src/syntax/parse.ts";
import { train, TrainingDivergedError } from "../../src/backends/interpret/trainer.ts";
import type { Dataset } from "../../src/data/dataset.ts";
import { readCheckpoint } from "../../src/io/checkpoint.ts";
import type { Graph } from "../../src/ir/graph.ts";
import { Rng } from "../../src/runtime/index.ts";

function graphOf(source: string): Graph {
  const parsed = parse(source);
  const checked = check(parsed.program);
  expect([...parsed.diagnostics, ...checked.diagnostics].filter((d) => d.severity === "error")).toEqual([]);
  return [...checked.graphs.values()][0]!;
}

const model = (optimizer: string, extra = "", norm = "batchnorm") => `
model Tiny {
  input x: [6, 6, 1]
  conv(4, 3x3)
  ${norm}
  relu
  dropout(0.2)
  flatten
  dense(3)
  softmax
}
train Tiny {
  loss: cross_entropy(label_smoothing = 0.1)
  optimizer: ${optimizer}
  decay: cosine(t_max = 4)
  batch: 8
  epochs: 3
  seed: 7
  metrics: [accuracy, macro_f1]
  ${extra}
}`;

/** Three classes of 6×6 images: a bright row, a bright column, or a bright diagonal, plus noise. */
function patterns(count: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = new Float32Array(count * 36);
  const y = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % 3;
    y[i] = label;
    const k = Math.floor(rng.uniform() * 6);
    for (let r = 0; r < 6; r++)
      for (let c = 0; c < 6; c++) {
        const on = label === 0 ? r === k : label === 1 ? c === k : r === c;
        x[i * 36 + r * 6 + c] = (on ? 1 : 0) + 0.2 * rng.uniform();
      }
  }
  return { name: "patterns", count, sampleShape: [6, 6, 1], x, labels: { kind: "classes", shape: [], data: y } };
}

const data = { train: patterns(96, 1), validation: patterns(30, 2) };
const dir = mkdtempSync(join(tmpdir(), "netc-train-"));

describe("train", () => {
  it("learns, reports per epoch, and is bit-identical for the same seed", async () => {
    const graph = graphOf(model("adam(lr = 0.02)"));
    const run = () => train({ graph, config: { ...graph.train!, epochs: 12, decay: { kind: "none" } }, data });
    const a = await run();
    const b = await run();
    expect(a.epochs).toHaveLength(12);
    expect(a.epochs[11].loss).toBeLessThan(a.epochs[0].loss * 0.7);
    expect(a.epochs[11].val!.metrics.accuracy).toBeGreaterThan(0.9);
    expect(Object.keys(a.epochs[0].val!.metrics)).toEqual(["accuracy", "macro_f1"]);
    for (const [key, t] of a.weights) expect(b.weights.get(key)!.data, key).toEqual(t.data);
    expect(a.weights.get("batchnorm_0.mean")!.data.some((v) => v !== 0)).toBe(true);
  });

  it("resumes after an epoch and in the middle of one, ending bit-identical to an uninterrupted run", async () => {
    // With augmentation, whose random shifts must also continue where they stopped.
    const graph = graphOf(model("sgd(lr = 0.05, momentum = 0.9, nesterov = true)", "decay_per: step\n  warmup: 2\n  augment: shift(1)"));
    const config = graph.train!;
    expect(config.augment).toEqual({ kind: "shift", pixels: 1 });
    const whole = await train({ graph, config, data });
    const unshifted = await train({ graph, config: { ...config, augment: { kind: "none" } }, data });
    expect(unshifted.epochs[0].loss).not.toBe(whole.epochs[0].loss);

    const ckpt = join(dir, "resume.ckpt.safetensors");
    const first = await train({ graph, config: { ...config, epochs: 1 }, data, checkpointPath: ckpt });
    expect(first.epochs).toHaveLength(1);
    expect(readCheckpoint(ckpt).epoch).toBe(1);
    // Stop inside epoch 2 after 5 steps, then resume from that checkpoint.
    let steps = 0;
    const stopped = await train({ graph, config, data, resumeFrom: ckpt, checkpointPath: ckpt, shouldStop: () => ++steps === 5 });
    expect(stopped.stopped).toBe(true);
    const finished = await train({ graph, config, data, resumeFrom: ckpt, checkpointPath: ckpt });
    expect(finished.epochs.map((e) => e.epoch)).toEqual([2, 3]);
    for (const [key, t] of whole.weights) expect(finished.weights.get(key)!.data, key).toEqual(t.data);
    expect(finished.epochs[1].loss).toBe(whole.epochs[2].loss);
  });

  it("on two threads: the loss curve of one thread's to 1e-5, bit-identical from run to run and on resume", async () => {
    // A residual CIFAR-style stack large enough that every GEMM, patch copy, batchnorm pass and
    // element-wise kernel splits across the two threads.
    const graph = graphOf(`
model Residual {
  input x: [16, 16, 3]
  conv(32, 3x3, pad = 1, bias = false)
  batchnorm
  relu
  parallel add {
    {
      conv(32, 3x3, pad = 1, bias = false)
      batchnorm
    }
    {}
  }
  relu
  globalavgpool
  dense(3)
  softmax
}
train Residual {
  loss: cross_entropy
  optimizer: sgd(lr = 0.05, momentum = 0.9, weight_decay = 0.0005)
  batch: 16
  epochs: 2
  seed: 3
}`);
    const rng = new Rng(9);
    const count = 64;
    const images: Dataset = {
      name: "noise",
      count,
      sampleShape: [16, 16, 3],
      x: Float32Array.from({ length: count * 768 }, () => rng.normal()),
      labels: { kind: "classes", shape: [], data: Int32Array.from({ length: count }, (_, i) => i % 3) },
    };
    const run = async (threads: 1 | 2, extra: Partial<Parameters<typeof train>[0]> = {}) => {
      const losses: number[] = [];
      const result = await train({ graph, config: graph.train!, data: { train: images }, threads, onProgress: (p) => losses.push(p.batchLoss), ...extra });
      return { losses, result };
    };
    const one = await run(1);
    const two = await run(2);
    expect(two.losses).toHaveLength(8);
    two.losses.forEach((loss, i) => expect(Math.abs(loss - one.losses[i]!), `step ${i + 1}`).toBeLessThanOrEqual(1e-5 * Math.abs(one.losses[i]!)));
    // It learned something, so the curves compared are not flat.
    expect(Math.min(...two.losses.slice(4))).toBeLessThan(two.losses[0]!);
    const again = await run(2);
    expect(again.losses).toEqual(two.losses);
    for (const [key, t] of two.result.weights) expect(again.result.weights.get(key)!.data, key).toEqual(t.data);
    // Stopped after 3 steps and resumed on two threads: the same weights as the whole run.
    const ckpt = join(dir, "threads.ckpt.safetensors");
    let steps = 0;
    expect((await run(2, { checkpointPath: ckpt, shouldStop: () => ++steps === 3 })).result.stopped).toBe(true);
    const resumed = await run(2, { resumeFrom: ckpt });
    for (const [key, t] of two.result.weights) expect(resumed.result.weights.get(key)!.data, key).toEqual(t.data);
  });

  it("stops on a diverging loss naming epoch and step, keeping the last good checkpoint", async () => {
    const sane = graphOf(model("sgd(lr = 0.01)", "", ""));
    const ckpt = join(dir, "nan.ckpt.safetensors");
    await train({ graph: sane, config: { ...sane.train!, epochs: 1 }, data, checkpointPath: ckpt });
    // The same run continued with an absurd learning rate blows up in epoch 2.
    const wild = graphOf(model("sgd(lr = 1e30)", "", ""));
    const error = await train({ graph: wild, config: wild.train!, data, resumeFrom: ckpt, checkpointPath: ckpt }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TrainingDivergedError);
    const diverged = error as TrainingDivergedError;
    expect(diverged.epoch).toBe(2);
    expect(diverged.step).toBeGreaterThan(1);
    expect(diverged.message).toMatch(/at epoch 2, step \d+; the weights were not updated with it and the last good checkpoint is kept/);
    const kept = readCheckpoint(ckpt);
    expect(kept.epoch).toBe(1);
    for (const [key, t] of kept.weights) expect(t.data.every(Number.isFinite), key).toBe(true);
  });
});
