import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readCheckpoint, writeCheckpoint, type Checkpoint } from "../../src/io/checkpoint.ts";
import { readSafetensors, writeSafetensors } from "../../src/io/safetensors.ts";
import { createOptimizer } from "../../src/runtime/train/optimizers.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { useTempDir } from "./tmp-dir.ts";

describe("checkpoints", () => {
  const dir = useTempDir();
  const weights = new Map([
    ["dense_0.kernel", { shape: [2, 2], data: Float32Array.of(0.5, -1, 2, 0.25) }],
    ["dense_0.bias", { shape: [2], data: Float32Array.of(0.1, 0.2) }],
  ]);
  const optimizer = createOptimizer(
    { kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
    new Map([
      ["dense_0.kernel", 4],
      ["dense_0.bias", 2],
    ]),
  );
  optimizer.step(
    new Map([...weights].map(([k, t]) => [k, t.data.slice()])),
    new Map([
      ["dense_0.kernel", Float32Array.of(1, 2, 3, 4)],
      ["dense_0.bias", Float32Array.of(-1, 1)],
    ]),
    0.01,
  );
  const rng = new Rng(5);
  rng.nextUint32();
  const checkpoint: Checkpoint = {
    weights,
    optimizer: optimizer.state(),
    epoch: 3,
    step: 375,
    rng: rng.state,
    info: { model: "LeNet5", lr: 0.0009 },
  };

  it("round-trips weights, optimizer state, position, rng and info", () => {
    const file = join(dir(), "ckpt.safetensors");
    writeCheckpoint(file, checkpoint);
    const back = readCheckpoint(file);
    expect(back.weights).toEqual(weights);
    expect(back.epoch).toBe(3);
    expect(back.step).toBe(375);
    expect(back.rng).toEqual(rng.state.map((w) => w >>> 0));
    const resumed = new Rng(0);
    resumed.state = back.rng;
    const original = new Rng(5);
    original.nextUint32(); // where `rng` was when the checkpoint was taken
    expect([resumed.nextUint32(), resumed.nextUint32()]).toEqual([original.nextUint32(), original.nextUint32()]);
    expect(back.info).toEqual({ model: "LeNet5", lr: 0.0009 });
    expect(back.optimizer.kind).toBe("adam");
    expect(back.optimizer.step).toBe(1);
    expect(back.optimizer.slots).toEqual(checkpoint.optimizer.slots);
    // The restored state loads into a fresh optimizer.
    const fresh = createOptimizer(
      { kind: "adam", lr: 0.01, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
      new Map([
        ["dense_0.kernel", 4],
        ["dense_0.bias", 2],
      ]),
    );
    expect(() => fresh.loadState(back.optimizer)).not.toThrow();
    // It is also a plain weights file holding the weights under their keys.
    const plain = readSafetensors(file).tensors;
    expect(plain.get("dense_0.bias")).toEqual(weights.get("dense_0.bias"));
  });
  it("refuses a plain weights file and corrupt metadata with a hint", () => {
    const file = join(dir(), "plain.safetensors");
    writeSafetensors(file, weights);
    expect(() => readCheckpoint(file)).toThrow(
      'not a netc checkpoint (no "netc.checkpoint" metadata); to start from plain weights use --init',
    );
    writeSafetensors(file, weights, {
      "netc.checkpoint": JSON.stringify({
        version: 1,
        epoch: -1,
        step: 0,
        optimizer: { kind: "adam", step: 0 },
        rng: [1, 2, 3, 4],
      }),
    });
    expect(() => readCheckpoint(file)).toThrow("checkpoint epoch must be a non-negative integer, got -1");
    writeSafetensors(file, weights, { "netc.checkpoint": "{oops" });
    expect(() => readCheckpoint(file)).toThrow("checkpoint metadata is not valid JSON");
  });
  it("a truncated checkpoint is refused", () => {
    const file = join(dir(), "cut.safetensors");
    writeCheckpoint(file, checkpoint);
    const bytes = readFileSync(file);
    writeFileSync(file, bytes.subarray(0, bytes.length - 1));
    expect(() => readCheckpoint(file)).toThrow("run past the end of the data");
  });
});
