// `netc train`, `predict`, `evaluate` and `data` as a user runs them: real processes, real files.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { readSafetensors } from "../../src/io/safetensors.ts";

const dir = mkdtempSync(join(tmpdir(), "netc-cli-train-"));
const netc = (...args: string[]) => spawnSync("node", ["bin/netc.js", ...args], { encoding: "utf8" });

const source = `
model Blobs {
  input x: [4, 4, 1]
  flatten
  dense(8)
  relu
  dense(2)
  softmax
}
train Blobs {
  loss: cross_entropy
  optimizer: adam(lr = 0.05)
  batch: 4
  epochs: 3
  validation: 0.25
  metrics: [accuracy, macro_f1]
}`;
const model = join(dir, "blobs.net");
writeFileSync(model, source);
// Class 1 images are bright, class 0 dark.
const count = 40;
const x = Float32Array.from({ length: count * 16 }, (_, i) => (Math.floor(i / 16) % 2) * 0.8 + ((i * 7919) % 13) / 40);
const y = Int32Array.from({ length: count }, (_, i) => i % 2);
writeNpy(join(dir, "x.npy"), { shape: [count, 4, 4, 1], data: x });
writeNpy(join(dir, "y.npy"), { shape: [count], data: y });
const data = `${join(dir, "x.npy")},${join(dir, "y.npy")}`;

describe("netc train / predict / evaluate", () => {
  it("trains from .npy files with NDJSON progress, then predicts and evaluates with the weights", () => {
    const out = join(dir, "blobs.safetensors");
    const run = netc("train", model, "--data", data, "--json", "--out", out);
    expect(run.status, run.stderr).toBe(0);
    const events = run.stdout.trim().split("\n").map((l) => JSON.parse(l));
    expect(events.map((e) => e.event)).toEqual(["epoch", "epoch", "epoch", "done"]);
    expect(Object.keys(events[0].val)).toEqual(["loss", "accuracy", "macro_f1", "precision", "recall"]);
    expect(events[2].val.accuracy).toBe(1);
    expect(events[3].weights).toBe(out);
    expect([...readSafetensors(out).tensors.keys()].sort()).toEqual(["dense_0.bias", "dense_0.kernel", "dense_1.bias", "dense_1.kernel"]);

    const pred = join(dir, "pred.npy");
    const predicted = netc("predict", model, "--weights", out, "--input", join(dir, "x.npy"), "--output", pred);
    expect(predicted.status, predicted.stderr).toBe(0);
    const probs = readNpy(pred);
    expect(probs.shape).toEqual([count, 2]);
    const p = probs.data as Float32Array;
    for (let i = 0; i < count; i++) expect(p[2 * i + (i % 2)]).toBeGreaterThan(0.5);

    const evaluated = netc("evaluate", model, "--weights", out, "--data", data, "--json");
    expect(evaluated.status, evaluated.stderr).toBe(0);
    const report = JSON.parse(evaluated.stdout);
    expect(report.count).toBe(count);
    expect(report.metrics.accuracy).toBe(1);
    expect(report.confusion).toEqual([[20, 0], [0, 20]]);
  });

  it("refuses data of the wrong shape before training, with expected vs got", () => {
    writeNpy(join(dir, "bad.npy"), { shape: [count, 16], data: x });
    const run = netc("train", model, "--data", `${join(dir, "bad.npy")},${join(dir, "y.npy")}`);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/\[16\].*\[4, 4, 1\]/);
  });

  it("exits 2 on usage errors: no --data, or a model without a train section", () => {
    expect(netc("train", model).status).toBe(2);
    const untrained = join(dir, "plain.net");
    writeFileSync(untrained, "model P {\n  input x: [2]\n  dense(2)\n}\n");
    const run = netc("train", untrained, "--data", data);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("has no train section");
  });

  it("saves a checkpoint and exits 130 on Ctrl-C, and --resume continues", async () => {
    const out = join(dir, "long.safetensors");
    const child = spawn("node", ["bin/netc.js", "train", model, "--data", data, "--epochs", "100000", "--json", "--out", out]);
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => {
      let sent = false;
      child.stdout.on("data", () => {
        if (!sent) {
          sent = true;
          child.kill("SIGINT");
        }
      });
      child.on("exit", resolve);
    });
    expect(code).toBe(130);
    const ckpt = join(dir, "long.ckpt.safetensors");
    // The hint is the whole command: the same data, epochs and output, quoted for the shell.
    expect(stderr).toContain(`  netc train ${model} --data ${data} --epochs 100000 --resume ${ckpt} --out ${out} --json\n`);
    expect(existsSync(ckpt)).toBe(true);
    expect(existsSync(out)).toBe(false);
    const resumed = netc("train", model, "--data", data, "--resume", ckpt, "--epochs", "3", "--out", out, "--json");
    expect(resumed.status, resumed.stderr).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it("writes the bundled nuclei dataset with `netc data`", () => {
    const run = netc("data", "nuclei", "--out", join(dir, "nuclei"), "--count", "6");
    expect(run.status, run.stderr).toBe(0);
    expect(readNpy(join(dir, "nuclei", "masks.npy")).shape).toEqual([6, 96, 96, 1]);
  });
});
