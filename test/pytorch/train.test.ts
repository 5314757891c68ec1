// `python train.py` from `netc export --pytorch` against `netc train`: the same starting weights
// (netc's --init, the package's --init), no shuffle, 20 SGD steps each. The losses agree to 1e-4
// relative and so do the trained weights; the sampler visits netc's shuffled order. A character
// GPT trains on `--data text:FILE` in both: token cross-entropy, perplexity, the vocabulary kept.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runExport } from "../../src/cli/export.ts";
import { runTrain } from "../../src/cli/train.ts";
import { epochOrder, randomBelow } from "../../src/data/shuffle.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { readSafetensors } from "../../src/io/safetensors.ts";
import { Rng } from "../../src/runtime/index.ts";
import { captured, graphOf, randomInput, randomWeights, writeWeights } from "./harness.ts";
import { runPython, torchPython } from "./python.ts";

const FIXTURES = new URL("./fixtures/", import.meta.url).pathname;

interface EpochEvent {
  readonly event: string;
  readonly loss: number;
  readonly val: Record<string, number | number[]> & { loss: number };
}

const epochEvents = (lines: readonly string[]): EpochEvent[] =>
  lines.map((l) => JSON.parse(l) as EpochEvent).filter((e) => e.event === "epoch");

const epochLosses = (lines: readonly string[]): number[] => epochEvents(lines).map((e) => e.loss);

function expectRelativelyClose(actual: readonly number[], expected: readonly number[], rtol: number, what: string): void {
  expect(actual.length, what).toBe(expected.length);
  actual.forEach((a, i) => {
    const error = Math.abs(a - expected[i]) / Math.max(Math.abs(expected[i]), 1e-12);
    expect(error, `${what} [${i}]: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(rtol);
  });
}

interface TrainCase {
  readonly file: string;
  readonly samples: number;
  readonly stepsPerEpoch: number;
  /** Labels for the samples: class indices [N] or masks [N, H, W, 1]. */
  readonly labels: (count: number, rng: Rng) => { shape: number[]; data: Float32Array };
}

const CASES: TrainCase[] = [
  {
    // 20 epochs of one batch (6 samples; 2 more held out): every epoch's loss is one step's.
    file: "bn-cnn.net",
    samples: 8,
    stepsPerEpoch: 1,
    labels: (n, rng) => ({ shape: [n], data: Float32Array.from({ length: n }, () => randomBelow(rng, 3)) }),
  },
  {
    // 4 epochs of 5 steps (19 samples; 3 more held out), the last one a partial batch of 3.
    file: "dice-net.net",
    samples: 22,
    stepsPerEpoch: 5,
    labels: (n, rng) => ({ shape: [n, 10, 10, 1], data: Float32Array.from({ length: n * 100 }, () => Number(rng.uniform() < 0.4)) }),
  },
  {
    // 4 shuffled epochs of 5 steps (20 samples; 5 more held out), each image randomly shifted.
    file: "shift-cnn.net",
    samples: 25,
    stepsPerEpoch: 5,
    labels: (n, rng) => ({ shape: [n], data: Float32Array.from({ length: n }, () => randomBelow(rng, 3)) }),
  },
];

describe("train.py follows netc train", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-train-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const [index, c] of CASES.entries()) {
    it(`${c.file}: 20 SGD steps give netc's losses and weights`, async () => {
      const file = join(FIXTURES, c.file);
      const graph = graphOf(file);
      const folder = join(dir, String(index));
      const init = join(folder, "init.safetensors");
      const rng = new Rng(7 + index);
      const x = join(folder, "x.npy");
      const y = join(folder, "y.npy");
      const pkg = join(folder, "package");
      // mkdir through the export (it creates parents), then write the data beside it.
      expect((await captured(() => runExport(file, { params: {}, pytorch: pkg }))).code).toBe(0);
      writeWeights(init, randomWeights(graph, 3 + index));
      writeNpy(x, randomInput(graph, c.samples, 11 + index));
      writeNpy(y, c.labels(c.samples, rng));

      const netcOut = join(folder, "netc.safetensors");
      const netc = await captured(() =>
        runTrain(file, { params: {}, data: `${x},${y}`, init, out: netcOut, json: true }),
      );
      expect(netc.code).toBe(0);

      const torchOut = join(folder, "torch.safetensors");
      const torch = runPython(["train.py", "--data", `${x},${y}`, "--init", init, "--out", torchOut, "--json", "--device", "cpu"], {
        cwd: pkg,
      });
      const torchLines = torch.stdout.split("\n").filter((l) => l !== "");
      const netcLosses = epochLosses(netc.lines);
      expect(netcLosses.length * c.stepsPerEpoch).toBe(20);
      expectRelativelyClose(epochLosses(torchLines), netcLosses, 1e-4, `${c.file} losses`);
      // Validation after every epoch: the loss to 1e-4, the metrics and per-class precision and
      // recall as netc computes them.
      const torchVal = epochEvents(torchLines).map((e) => e.val);
      const netcVal = epochEvents(netc.lines).map((e) => e.val);
      expectRelativelyClose(torchVal.map((v) => v.loss), netcVal.map((v) => v.loss), 1e-4, `${c.file} val_loss`);
      torchVal.forEach((v, epoch) => {
        expect(Object.keys(v)).toEqual(Object.keys(netcVal[epoch]));
        for (const [name, value] of Object.entries(v)) {
          if (name === "loss") continue;
          const want = netcVal[epoch][name];
          if (Array.isArray(value)) (value as number[]).forEach((x, i) => expect(x).toBeCloseTo((want as number[])[i], 9));
          else expect(value, `${c.file} epoch ${epoch + 1} ${name}`).toBeCloseTo(want as number, 9);
        }
      });
      // The runs did learn: the loss moved well beyond the tolerance.
      expect(Math.abs(netcLosses[netcLosses.length - 1] - netcLosses[0]) / netcLosses[0]).toBeGreaterThan(0.05);

      const trained = readSafetensors(netcOut).tensors;
      for (const [key, tensor] of readSafetensors(torchOut).tensors) {
        const expected = trained.get(key)!.data;
        tensor.data.forEach((v, i) => expect(Math.abs(v - expected[i]), `${key}[${i}]`).toBeLessThanOrEqual(1e-4));
      }
      expect(JSON.parse(torchLines[torchLines.length - 1])).toEqual({ event: "done", weights: torchOut });
    }, 300_000);
  }

  it("--resume from an epoch's checkpoint ends where an uninterrupted run ends", () => {
    const folder = join(dir, "1");
    const pkg = join(folder, "package");
    const data = ["--data", `${join(folder, "x.npy")},${join(folder, "y.npy")}`, "--json", "--device", "cpu"];
    const whole = join(folder, "whole.safetensors");
    const first = join(folder, "first.safetensors");
    const resumed = join(folder, "resumed.safetensors");
    runPython(["train.py", ...data, "--epochs", "2", "--out", whole], { cwd: pkg });
    runPython(["train.py", ...data, "--epochs", "1", "--out", first], { cwd: pkg });
    const checkpoint = join(folder, "first.ckpt.safetensors");
    const stdout = runPython(["train.py", ...data, "--epochs", "2", "--resume", checkpoint, "--out", resumed], {
      cwd: pkg,
    }).stdout;
    expect(stdout.split("\n").filter((l) => l.includes('"epoch"'))).toHaveLength(1);
    const expected = readSafetensors(whole).tensors;
    for (const [key, tensor] of readSafetensors(resumed).tensors) {
      const want = expected.get(key)!.data;
      tensor.data.forEach((v, i) => expect(Math.abs(v - want[i]), `${key}[${i}]`).toBeLessThanOrEqual(1e-6));
    }
    // The checkpoint is netc's format: weights, optimizer/<key>/momentum_buffer, netc.checkpoint.
    const { tensors, metadata } = readSafetensors(checkpoint);
    expect(JSON.parse(metadata["netc.checkpoint"]!)).toMatchObject({ version: 1, epoch: 1, step: 5, optimizer: { kind: "sgd" } });
    expect(tensors.get("optimizer/conv_0.kernel/momentum_buffer")!.shape).toEqual([36]);
  }, 300_000);

  it("visits netc's shuffled order, split across processes as netc's batches", () => {
    const pkg = join(dir, "0", "package");
    const script = [
      "import sys",
      "sys.argv = ['train.py']",
      "import train",
      "train.SHUFFLE = True",
      "rng = train.Xoshiro128(5)",
      "print([train.netc_order(10, rng) for _ in range(3)])",
      "print([list(train.NetcSampler(10, 2, r, train.Xoshiro128(5))) for r in (0, 1)])",
    ].join("\n");
    const lines = runPython(["-c", script], { cwd: pkg }).stdout.trim().split("\n");
    const rng = new Rng(5);
    const orders = [0, 1, 2].map(() => [...epochOrder(10, true, rng)]);
    expect(JSON.parse(lines[0])).toEqual(orders);
    expect(JSON.parse(lines[1])).toEqual([orders[0].filter((_, i) => i % 2 === 0), orders[0].filter((_, i) => i % 2 === 1)]);
  }, 120_000);
});

describe("train.py follows netc train on GRU and LSTM layers", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-train-recurrent-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("recurrent.net: 12 Adam steps give netc's losses, and --resume its weights and Adam buffers", async () => {
    const file = join(FIXTURES, "recurrent.net");
    const graph = graphOf(file);
    const pkg = join(dir, "package");
    expect((await captured(() => runExport(file, { params: {}, pytorch: pkg }))).code).toBe(0);
    const init = join(dir, "init.safetensors");
    writeWeights(init, randomWeights(graph, 9));
    const rng = new Rng(4);
    const x = join(dir, "x.npy");
    const y = join(dir, "y.npy");
    writeNpy(x, randomInput(graph, 12, 21));
    writeNpy(y, { shape: [12], data: Float32Array.from({ length: 12 }, () => randomBelow(rng, 3)) });
    const data = `${x},${y}`;

    const netcOut = join(dir, "netc.safetensors");
    const netc = await captured(() => runTrain(file, { params: {}, data, init, out: netcOut, json: true }));
    expect(netc.code).toBe(0);
    const args = ["--data", data, "--init", init, "--json", "--device", "cpu"];
    const whole = join(dir, "whole.safetensors");
    const torchLines = runPython(["train.py", ...args, "--out", whole], { cwd: pkg }).stdout.split("\n").filter((l) => l !== "");
    expectRelativelyClose(epochLosses(torchLines), epochLosses(netc.lines), 1e-4, "losses");
    const trained = readSafetensors(netcOut).tensors;
    for (const [key, tensor] of readSafetensors(whole).tensors) {
      const expected = trained.get(key)!.data;
      tensor.data.forEach((v, i) => expect(Math.abs(v - expected[i]), `${key}[${i}]`).toBeLessThanOrEqual(1e-4));
    }

    // Two epochs, then two more from the checkpoint: the GRU bias's Adam buffers come back into both parameters.
    const first = join(dir, "first.safetensors");
    runPython(["train.py", ...args, "--epochs", "2", "--out", first], { cwd: pkg });
    const checkpoint = join(dir, "first.ckpt.safetensors");
    expect(readSafetensors(checkpoint).tensors.get("optimizer/gru_0.bias/exp_avg_sq")!.shape).toEqual([30]);
    const resumed = join(dir, "resumed.safetensors");
    runPython(["train.py", ...args, "--resume", checkpoint, "--out", resumed], { cwd: pkg });
    const expected = readSafetensors(whole).tensors;
    for (const [key, tensor] of readSafetensors(resumed).tensors) {
      const want = expected.get(key)!.data;
      tensor.data.forEach((v, i) => expect(Math.abs(v - want[i]), `${key}[${i}]`).toBeLessThanOrEqual(1e-6));
    }
  }, 300_000);
});

describe("train.py follows netc train on a character model (--data text:FILE)", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-train-text-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("tiny-gpt.net: 20 AdamW steps on the same windows give netc's losses, perplexity and weights", async () => {
    const file = join(FIXTURES, "tiny-gpt.net");
    const graph = graphOf(file);
    const pkg = join(dir, "package");
    expect((await captured(() => runExport(file, { params: {}, pytorch: pkg }))).code).toBe(0);
    const init = join(dir, "init.safetensors");
    writeWeights(init, randomWeights(graph, 5));
    // 360 characters of words over 7 symbols: 40 training windows of 8 (5 steps an epoch), 4 held out.
    const rng = new Rng(3);
    const words = ["cab", "fed", "bead", "face", "dab", "ace", "deaf"];
    let text = "";
    while (text.length < 360) text += `${words[randomBelow(rng, words.length)]} `;
    const corpus = join(dir, "corpus.txt");
    writeFileSync(corpus, text.slice(0, 360));
    const data = `text:${corpus}`;

    const netcOut = join(dir, "netc.safetensors");
    const netc = await captured(() => runTrain(file, { params: {}, data, init, out: netcOut, json: true }));
    expect(netc.code).toBe(0);
    const torchOut = join(dir, "torch.safetensors");
    const torch = runPython(["train.py", "--data", data, "--init", init, "--out", torchOut, "--json", "--device", "cpu"], { cwd: pkg });
    const torchLines = torch.stdout.split("\n").filter((l) => l !== "");

    // The bigram baseline netc prints before training, from the same windows.
    const baseline = (lines: readonly string[]) => lines.map((l) => JSON.parse(l)).find((e) => e.event === "baseline");
    const netcBaseline = baseline(netc.lines);
    expect(Object.keys(baseline(torchLines))).toEqual(Object.keys(netcBaseline));
    expect(baseline(torchLines).bigram_val_loss).toBeCloseTo(netcBaseline.bigram_val_loss, 9);
    const netcEpochs = epochEvents(netc.lines);
    const torchEpochs = epochEvents(torchLines);
    expect(netcEpochs).toHaveLength(4);
    expectRelativelyClose(epochLosses(torchLines), epochLosses(netc.lines), 1e-4, "losses");
    expectRelativelyClose(torchEpochs.map((e) => e.val.loss), netcEpochs.map((e) => e.val.loss), 1e-4, "val_loss");
    // Perplexity is e^(mean token cross-entropy) in both; accuracy counts positions.
    expectRelativelyClose(
      torchEpochs.map((e) => e.val.perplexity as number),
      netcEpochs.map((e) => e.val.perplexity as number),
      1e-4,
      "perplexity",
    );
    torchEpochs.forEach((e, i) => {
      expect(Object.keys(e.val)).toEqual(Object.keys(netcEpochs[i].val));
      expect(e.val.perplexity).toBeCloseTo(Math.exp(e.val.loss), 9);
      expect(e.val.accuracy).toBeCloseTo(netcEpochs[i].val.accuracy as number, 9);
      expect(e).toHaveProperty("tokens_per_s");
    });
    // It learned: the loss fell well beyond the tolerance.
    const losses = epochLosses(netc.lines);
    expect(losses[losses.length - 1]).toBeLessThan(0.8 * losses[0]);

    const netcWeights = readSafetensors(netcOut);
    const torchWeights = readSafetensors(torchOut);
    for (const [key, tensor] of torchWeights.tensors) {
      // The key bias shifts every score of a query row alike, which softmax ignores: its true
      // gradient is 0, and Adam turns each side's rounding noise into full-size steps.
      if (key.endsWith(".key_bias")) continue;
      const expected = netcWeights.tensors.get(key)!.data;
      tensor.data.forEach((v, i) => expect(Math.abs(v - expected[i]), `${key}[${i}]`).toBeLessThanOrEqual(1e-4));
    }
    // The vocabulary goes with the weights, as netc stores it for `netc sample`.
    expect(torchWeights.metadata.vocabulary).toBe(netcWeights.metadata.vocabulary);
    expect(torchWeights.metadata.corpus).toBe(netcWeights.metadata.corpus);

    // `--data words` needs netc's word list, which Python does not have: the error says how to get it.
    const wordsRun = spawnSync(torchPython(), ["train.py", "--data", "words"], { cwd: pkg, encoding: "utf8" });
    expect(wordsRun.status).toBe(1);
    expect(wordsRun.stderr.trim()).toBe(
      "error: --data words needs netc's word list: write its windows with `netc data words --context 8 --out DIR`, then pass --data DIR",
    );
  }, 300_000);
});
