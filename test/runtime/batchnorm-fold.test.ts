// Inference folds a batchnorm into the conv/depthwise/pointwise layer before it (and fuses the
// activation after it): the outputs must match the unfolded reference kernels (a training
// executor in eval mode), on the JavaScript and WebAssembly backends, and follow param changes.
import { describe, expect, it } from "vitest";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { planExecution } from "../../src/runtime/exec/plan.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { createWasmExecutor } from "../../src/runtime/wasm/host/backend.ts";
import { relativeError } from "../support/close.ts";
import { randomArray } from "../support/arrays.ts";
import { ProgramBuilder } from "./program-builder.ts";

const bn = { op: "batchnorm", eps: 1e-3, momentum: 0.1 } as const;

function convBnNet(): Program {
  const b = new ProgramBuilder();
  let t = b.input("x", [9, 9, 5]);
  t = b.op({ op: "conv", filters: 6, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], dilation: [1, 1], groups: 1, bias: true }, t, [5, 5, 6]);
  t = b.op(bn, t, [5, 5, 6]);
  t = b.op({ op: "relu6" }, t, [5, 5, 6]);
  t = b.op({ op: "depthwise", kernel: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1], multiplier: 2, bias: false }, t, [5, 5, 12]);
  t = b.op(bn, t, [5, 5, 12]);
  t = b.op({ op: "relu" }, t, [5, 5, 12]);
  t = b.op({ op: "depthwise", kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], dilation: [1, 1], multiplier: 1, bias: true }, t, [3, 3, 12]);
  t = b.op(bn, t, [3, 3, 12]);
  t = b.op({ op: "relu6" }, t, [3, 3, 12]);
  t = b.op({ op: "pointwise", filters: 7, bias: false }, t, [3, 3, 7]);
  t = b.op(bn, t, [3, 3, 7]);
  return b.build([t]);
}

/** Seeded weights with batchnorm statistics far from identity. */
function weights(program: Program, seed: number): Map<string, Float32Array> {
  const params = initializeParams(program, seed);
  const rng = new Rng(seed + 1);
  for (const [key, values] of params) {
    const r = randomArray(rng, values.length);
    if (key.endsWith(".gamma")) values.forEach((_, i) => (values[i] = 1 + 0.5 * r[i]));
    if (key.endsWith(".beta") || key.endsWith(".mean") || key.endsWith(".bias")) values.set(r.map((v) => 0.3 * v));
    if (key.endsWith(".var")) values.forEach((_, i) => (values[i] = 1.2 + r[i]));
  }
  return params;
}

function reference(program: Program, params: Map<string, Float32Array>, input: Float32Array, batch: number): Float32Array {
  const executor = createExecutor(program, { maxBatch: batch, training: true });
  executor.setParams(params);
  executor.training = false;
  return executor.forward([input], batch)[0].slice();
}

describe("batchnorm folding in inference", () => {
  const program = convBnNet();
  const batch = 2;
  const input = randomArray(new Rng(5), batch * 9 * 9 * 5, 2);

  it("folds every conv/depthwise/pointwise + batchnorm pair, and none in training", () => {
    const inference = planExecution(program, { maxBatch: 1, training: false });
    expect(inference.folds.map((f) => [program.nodes[f.layer].attrs.op, program.nodes[f.batchnorm].attrs.op])).toEqual([
      ["conv", "batchnorm"],
      ["depthwise", "batchnorm"],
      ["depthwise", "batchnorm"],
      ["pointwise", "batchnorm"],
    ]);
    // The activations after the folded batchnorms run inside the layers.
    expect(inference.fusedActivation.filter((a) => a !== null)).toEqual(["relu6", "relu", "relu6"]);
    expect(planExecution(program, { maxBatch: 1, training: true }).folds).toEqual([]);
  });

  it("matches the unfolded reference kernels (JavaScript backend)", () => {
    const params = weights(program, 3);
    const executor = createExecutor(program, { maxBatch: batch, training: false });
    executor.setParams(params);
    expect(relativeError(executor.forward([input], batch)[0], reference(program, params, input, batch), 1e-6)).toBeLessThan(1e-5);
  });

  it("matches the unfolded reference kernels (WebAssembly backend)", async () => {
    const params = weights(program, 4);
    const { executor, accelerated, dispose } = await createWasmExecutor(program, { maxBatch: batch, training: false });
    try {
      expect(accelerated).toBe(true);
      executor.setParams(params);
      expect(relativeError(executor.forward([input], batch)[0], reference(program, params, input, batch), 1e-6)).toBeLessThan(1e-4);
    } finally {
      await dispose();
    }
  });

  it("refolds (and repacks) after setParams and after paramsChanged", async () => {
    const { executor, dispose } = await createWasmExecutor(program, { maxBatch: batch, training: false });
    try {
      const first = weights(program, 6);
      executor.setParams(first);
      executor.forward([input], batch);
      const second = weights(program, 7);
      executor.setParams(second);
      expect(relativeError(executor.forward([input], batch)[0], reference(program, second, input, batch), 1e-6)).toBeLessThan(1e-4);
      // Writing the live views directly, then telling the executor.
      for (const [key, values] of first) executor.params.get(key)!.set(values);
      executor.paramsChanged();
      expect(relativeError(executor.forward([input], batch)[0], reference(program, first, input, batch), 1e-6)).toBeLessThan(1e-4);
    } finally {
      await dispose();
    }
  });
});
