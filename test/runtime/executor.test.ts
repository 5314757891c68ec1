// The executor: reverse-mode autodiff over whole programs (checked by finite differences),
// the memory plan, training/eval modes, the dropout generator state and error messages.
import { describe, expect, it } from "vitest";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import type { Executor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import { planExecution, planMemory } from "../../src/runtime/exec/plan.ts";
import type { Program } from "../../src/runtime/ops.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { referenceKernels } from "../../src/runtime/reference/registry.ts";
import type { Kernel } from "../../src/runtime/kernel.ts";
import { ProgramBuilder } from "./program-builder.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

const same = [1, 1, 1, 1] as const;

/** conv → batchnorm → relu → maxpool, a residual depthwise branch, dropout, concat, dense, softmax. */
function smallNet(): Program {
  const b = new ProgramBuilder();
  const x = b.input("image", [6, 6, 2]);
  const conv = b.op(
    { op: "conv", filters: 4, kernel: [3, 3], stride: [1, 1], pad: same, dilation: [1, 1], groups: 1, bias: false },
    x,
    [6, 6, 4],
  );
  const bn = b.op({ op: "batchnorm", eps: 1e-5, momentum: 0.1 }, conv, [6, 6, 4]);
  const relu = b.op({ op: "relu" }, bn, [6, 6, 4]);
  const pool = b.op(
    { op: "maxpool", kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0], includePad: false },
    relu,
    [3, 3, 4],
  );
  const dw = b.op(
    { op: "depthwise", kernel: [3, 3], stride: [1, 1], pad: same, dilation: [1, 1], multiplier: 1, bias: true },
    pool,
    [3, 3, 4],
  );
  const tanh = b.op({ op: "tanh" }, dw, [3, 3, 4]);
  const sum = b.op({ op: "add" }, [tanh, pool], [3, 3, 4]); // pool fans out: its gradient sums
  const drop = b.op({ op: "dropout", rate: 0.25 }, sum, [3, 3, 4]);
  const gap = b.op({ op: "globalavgpool", keepdims: false }, drop, [4]);
  const flat = b.op({ op: "flatten" }, sum, [36]);
  const cat = b.op({ op: "concat", axis: 0 }, [gap, flat], [40]);
  const dense = b.op({ op: "dense", units: 3, bias: true }, cat, [3]);
  const soft = b.op({ op: "softmax", axis: 0 }, dense, [3]);
  return b.build([soft, gap]);
}

function lossOf(outputs: Float32Array[], weights: Float32Array[]): number {
  let sum = 0;
  outputs.forEach((o, k) => o.forEach((v, i) => (sum += v * weights[k][i])));
  return sum;
}

describe("executor autodiff", () => {
  it("matches finite differences for every param and the input through a whole network", () => {
    const program = smallNet();
    const batch = 3;
    const ex = createExecutor(program, { maxBatch: 4, training: true, inputGrads: true, seed: 5 });
    ex.setParams(initializeParams(program, 1));
    const rng = new Rng(3);
    const input = randomArray(rng, batch * 72, 1.5);
    const weights = [randomArray(rng, batch * 3), randomArray(rng, batch * 4)];
    const rngState = ex.rngState;
    const forward = () => {
      ex.rngState = rngState; // the same dropout mask every time
      return lossOf(ex.forward([input], batch), weights);
    };
    forward();
    ex.zeroGrads();
    ex.backward(weights);
    const analytic = new Map([...ex.grads].map(([k, g]) => [k, g.slice()]));
    const inputGrad = ex.inputGrads()[0].slice();

    const h = 1e-3; // small enough that no relu or maxpool decision flips within a step
    let worst = 0;
    const probe = (target: Float32Array, grad: Float32Array) => {
      for (let i = 0; i < target.length; i++) {
        const original = target[i];
        target[i] = original + h;
        const plus = forward();
        target[i] = original - h;
        const minus = forward();
        target[i] = original;
        const numeric = (plus - minus) / (2 * h);
        worst = Math.max(worst, Math.abs(numeric - grad[i]) / Math.max(1, Math.abs(numeric)));
      }
    };
    expect([...analytic.keys()].sort()).toEqual([
      "batchnorm_0.beta",
      "batchnorm_0.gamma",
      "conv_0.kernel",
      "dense_0.bias",
      "dense_0.kernel",
      "depthwise_0.bias",
      "depthwise_0.kernel",
    ]);
    for (const [key, grad] of analytic) probe(ex.params.get(key)!, grad);
    probe(input, inputGrad);
    expect(worst).toBeLessThan(5e-3);
    // The gradients are not trivially zero.
    expect(Math.max(...analytic.get("conv_0.kernel")!.map(Math.abs))).toBeGreaterThan(1e-3);
  });

  it("gives a residual add's sole-reader input the add's own gradient buffer (no copy)", () => {
    // smallNet's add(tanh, pool): tanh is read by the add alone, pool fans out (its own buffer).
    const program = smallNet();
    const id = (name: string) => program.nodes.findIndex((node) => node.name === name);
    const { grad } = planExecution(program, { maxBatch: 4, training: true }).timeline;
    expect(grad[id("tanh_0")]).toBe(grad[id("add_0")]);
    expect(grad[id("maxpool_0")]).not.toBe(grad[id("add_0")]);
    // Inference plans no gradients at all.
    expect(planExecution(program, { maxBatch: 4, training: false }).timeline.grad.every((slot) => slot < 0)).toBe(true);
  });

  it("accumulates param gradients across backward calls until zeroGrads", () => {
    const program = smallNet();
    const ex = createExecutor(program, { maxBatch: 2, training: true });
    ex.setParams(initializeParams(program, 2));
    const rng = new Rng(4);
    const input = randomArray(rng, 2 * 72);
    const grads = [randomArray(rng, 6), randomArray(rng, 8)];
    const state = ex.rngState;
    ex.zeroGrads();
    ex.forward([input], 2);
    ex.backward(grads);
    const once = ex.grads.get("dense_0.kernel")!.slice();
    ex.rngState = state;
    ex.forward([input], 2);
    ex.backward(grads);
    const twice = ex.grads.get("dense_0.kernel")!;
    once.forEach((g, i) => expect(twice[i]).toBeCloseTo(2 * g, 5));
    ex.zeroGrads();
    expect(ex.trainableGrads.every((g) => g === 0)).toBe(true);
  });

  it("sums the gradients of a tensor used twice by one op (mul(x, x) + x)", () => {
    const b = new ProgramBuilder();
    const x = b.input("x", [3]);
    const square = b.op({ op: "mul" }, [x, x], [3]);
    const sum = b.op({ op: "add" }, [square, x], [3]);
    const ex = createExecutor(b.build([sum]), { maxBatch: 1, training: true, inputGrads: true });
    expect(Array.from(ex.forward([Float32Array.from([1, -2, 0.5])], 1)[0])).toEqual([2, 2, 0.75]);
    ex.backward([Float32Array.from([1, 1, 2])]);
    expect(Array.from(ex.inputGrads()[0])).toEqual([3, -3, 4]); // (2x + 1)·dy
  });

  it("keeps the returned outputs intact through backward", () => {
    const program = smallNet();
    const ex = createExecutor(program, { maxBatch: 2, training: true });
    ex.setParams(initializeParams(program, 5));
    const outputs = ex.forward([randomArray(new Rng(8), 144)], 2);
    const before = outputs.map((o) => o.slice());
    ex.backward([randomArray(new Rng(9), 6), randomArray(new Rng(10), 8)]);
    expect(outputs.map((o) => o.slice())).toEqual(before);
  });

  it("allows one backward per forward", () => {
    const program = smallNet();
    const ex = createExecutor(program, { maxBatch: 2, training: true });
    ex.forward([new Float32Array(144)], 2);
    ex.backward([new Float32Array(6), new Float32Array(8)]);
    expect(() => ex.backward([new Float32Array(6), new Float32Array(8)])).toThrow(/call forward first/);
  });
});

describe("executor training", () => {
  it("learns a small classification task with plain SGD on the flat param/grad arrays", () => {
    // Two classes: is the point inside the circle of radius 0.6?
    const b = new ProgramBuilder();
    let t = b.input("point", [2]);
    t = b.op({ op: "dense", units: 16, bias: true }, t, [16]);
    t = b.op({ op: "tanh" }, t, [16]);
    t = b.op({ op: "dense", units: 2, bias: true }, t, [2]);
    t = b.op({ op: "log_softmax", axis: 0 }, t, [2]);
    const program = b.build([t]);
    const batch = 32;
    const ex = createExecutor(program, { maxBatch: batch, training: true });
    ex.setParams(initializeParams(program, 0));
    const rng = new Rng(21);
    const x = randomArray(rng, batch * 2);
    const label = Array.from({ length: batch }, (_, i) => (Math.hypot(x[2 * i], x[2 * i + 1]) < 0.6 ? 1 : 0));
    const grad = new Float32Array(batch * 2);
    const step = () => {
      const [logp] = ex.forward([x], batch);
      let loss = 0;
      grad.fill(0);
      label.forEach((c, i) => {
        loss -= logp[2 * i + c] / batch;
        grad[2 * i + c] = -1 / batch; // d(mean NLL)/d log p
      });
      ex.zeroGrads();
      ex.backward([grad]);
      ex.trainableParams.forEach((p, i) => (ex.trainableParams[i] = p - 0.5 * ex.trainableGrads[i]));
      return loss;
    };
    const first = step();
    let last = first;
    for (let i = 0; i < 300; i++) last = step();
    expect(first).toBeGreaterThan(0.5);
    expect(last).toBeLessThan(0.25 * first);
  });
});

describe("executor modes and state", () => {
  it("inference reuses memory and computes what eval mode of a training executor does", () => {
    const program = smallNet();
    const params = initializeParams(program, 9);
    const inference = createExecutor(program, { maxBatch: 4, training: false });
    const training = createExecutor(program, { maxBatch: 4, training: true });
    inference.setParams(params);
    training.setParams(params);
    // Give batchnorm non-trivial running statistics.
    training.params.get("batchnorm_0.mean")!.set([0.1, -0.2, 0.3, 0.05]);
    training.params.get("batchnorm_0.var")!.set([1.5, 0.7, 2, 1.1]);
    inference.setParams(training.params);
    training.training = false;
    const input = randomArray(new Rng(11), 3 * 72);
    const a = inference.forward([input], 3).map((o) => o.slice());
    const b = training.forward([input], 3);
    // Inference folds the batchnorm into the conv's weights: equal up to rounding.
    a.forEach((out, k) => expect(relativeError(out, b[k], 1e-6)).toBeLessThan(1e-5));
    expect(inference.arenaBytes).toBeLessThan(training.arenaBytes);
    expect(() => (inference.training = true)).toThrow(/created for inference/);
    expect(() => inference.backward([])).toThrow(/created for inference/);
  });

  it("fuses relu/relu6 into the GEMM of the layer before them in inference, with the same results", () => {
    const b = new ProgramBuilder();
    let t = b.input("x", [5, 5, 3]);
    t = b.op(
      {
        op: "conv",
        filters: 4,
        kernel: [3, 3],
        stride: [1, 1],
        pad: same,
        dilation: [1, 1],
        groups: 1,
        bias: true,
      },
      t,
      [5, 5, 4],
    );
    t = b.op({ op: "relu" }, t, [5, 5, 4]);
    t = b.op(
      { op: "separable", filters: 6, kernel: [3, 3], stride: [2, 2], pad: same, multiplier: 2, bias: true },
      t,
      [3, 3, 6],
    );
    t = b.op({ op: "relu6" }, t, [3, 3, 6]);
    const branch = b.op({ op: "pointwise", filters: 6, bias: false }, t, [3, 3, 6]);
    const relu = b.op({ op: "relu" }, branch, [3, 3, 6]);
    const tanh = b.op({ op: "tanh" }, branch, [3, 3, 6]); // the pointwise has two readers: no fusion
    t = b.op({ op: "add" }, [relu, tanh], [3, 3, 6]);
    t = b.op({ op: "flatten" }, t, [54]);
    t = b.op({ op: "dense", units: 5, bias: true }, t, [5]);
    t = b.op({ op: "relu6" }, t, [5]);
    const program = b.build([t]);
    const params = initializeParams(program, 6);
    const input = randomArray(new Rng(2), 2 * 75, 3);
    let activationCalls = 0;
    const counted = <K extends "relu" | "relu6">(kernel: Kernel<K>): Kernel<K> => ({
      ...kernel,
      forward(call) {
        activationCalls++;
        kernel.forward(call);
      },
    });
    const counting = { relu: counted(referenceKernels.relu), relu6: counted(referenceKernels.relu6) };
    const inference = createExecutor(program, { maxBatch: 2, training: false, kernels: counting });
    const reference = createExecutor(program, { maxBatch: 2, training: true });
    inference.setParams(params);
    reference.setParams(params);
    reference.training = false;
    const fused = Array.from(inference.forward([input], 2)[0]);
    expect(activationCalls).toBe(1); // only the relu after the two-reader pointwise ran
    const unfused = Array.from(reference.forward([input], 2)[0]);
    fused.forEach((v, i) => expect(v).toBeCloseTo(unfused[i], 5));
    expect(new Set(fused.map((v) => v === 0 || v === 6)).size).toBe(2); // clamping did happen
  });

  it("reports the arena an executor would allocate, by region (planMemory)", () => {
    const program = smallNet();
    const inference = planMemory(program, { maxBatch: 4, training: false });
    const training = planMemory(program, { maxBatch: 4, training: true });
    expect(inference.totalBytes).toBe(createExecutor(program, { maxBatch: 4, training: false }).arenaBytes);
    expect(training.totalBytes).toBe(createExecutor(program, { maxBatch: 4, training: true }).arenaBytes);
    // conv 72, batchnorm 4·4, depthwise 36 + 4, dense 120 + 3 (each rounded up to 4 floats).
    expect(inference.paramBytes).toBe(4 * (72 + 16 + 36 + 4 + 120 + 4));
    expect(inference.gradBytes).toBe(0);
    expect(training.gradBytes).toBe(4 * (72 + 8 + 36 + 4 + 120 + 4));
    expect(training.activationBytes).toBeGreaterThan(inference.activationBytes);
    const { paramBytes, gradBytes, scratchBytes, activationBytes, totalBytes } = training;
    expect(paramBytes + gradBytes + scratchBytes + activationBytes).toBe(totalBytes);
  });

  it("gives each sample the same result at any batch size (no batch statistics in inference)", () => {
    const program = smallNet();
    const ex = createExecutor(program, { maxBatch: 4, training: false });
    ex.setParams(initializeParams(program, 3));
    const input = randomArray(new Rng(12), 4 * 72);
    const full = ex.forward([input], 4)[0].slice();
    const first = ex.forward([input.subarray(0, 72)], 1)[0];
    expect(Array.from(first)).toEqual(Array.from(full.subarray(0, 3)));
  });

  it("updates batchnorm running stats in training forward only, with PyTorch's momentum", () => {
    const b = new ProgramBuilder();
    const x = b.input("x", [2]);
    const bn = b.op({ op: "batchnorm", eps: 1e-5, momentum: 0.1 }, x, [2]);
    const program = b.build([bn]);
    const ex = createExecutor(program, { maxBatch: 4, training: true });
    ex.setParams(initializeParams(program, 0));
    const input = Float32Array.from([1, 10, 2, 20, 3, 30, 6, 40]); // channel 0: 1,2,3,6; channel 1: 10..40
    ex.forward([input], 4);
    const mean = ex.params.get("batchnorm_0.mean")!;
    const variance = ex.params.get("batchnorm_0.var")!;
    // mean 3 and 25; unbiased var 14/3 and 500/3.
    expect(mean[0]).toBeCloseTo(0.1 * 3, 6);
    expect(mean[1]).toBeCloseTo(0.1 * 25, 5);
    expect(variance[0]).toBeCloseTo(0.9 + 0.1 * (14 / 3), 5);
    expect(variance[1]).toBeCloseTo(0.9 + 0.1 * (500 / 3), 4);
    const before = [...mean, ...variance];
    ex.training = false;
    ex.forward([input], 4);
    expect([...mean, ...variance]).toEqual(before);
  });

  it("replays dropout masks from a saved generator state and draws new ones otherwise", () => {
    const b = new ProgramBuilder();
    const x = b.input("x", [64]);
    const drop = b.op({ op: "dropout", rate: 0.5 }, x, [64]);
    const program = b.build([drop]);
    const ex = createExecutor(program, { maxBatch: 2, training: true, seed: 42 });
    const ones = new Float32Array(128).fill(1);
    const state = ex.rngState;
    const first = ex.forward([ones], 2)[0].slice();
    const second = ex.forward([ones], 2)[0].slice();
    ex.rngState = state;
    const replay = ex.forward([ones], 2)[0].slice();
    expect(replay).toEqual(first);
    expect(second).not.toEqual(first);
    expect(new Set(first)).toEqual(new Set([0, 2])); // inverted scaling: kept values are 1/(1 − 0.5)
    const kept = first.filter((v) => v > 0).length;
    expect(kept).toBeGreaterThan(40);
    expect(kept).toBeLessThan(88);
    ex.training = false;
    expect(ex.forward([ones], 2)[0]).toEqual(ones);
  });

  it("keeps params and grads as live views of one arena, params contiguous for optimizers", () => {
    const program = smallNet();
    const ex: Executor = createExecutor(program, { maxBatch: 2, training: true });
    const kernel = ex.params.get("dense_0.kernel")!;
    expect(kernel.buffer).toBe(ex.trainableParams.buffer);
    kernel[0] = 0.5;
    expect(ex.trainableParams[kernel.byteOffset / 4 - ex.trainableParams.byteOffset / 4]).toBe(0.5);
    expect(ex.grads.has("batchnorm_0.mean")).toBe(false);
    expect(ex.params.has("batchnorm_0.mean")).toBe(true);
    expect(ex.memory === null || ex.memory.buffer === kernel.buffer).toBe(true);
  });
});

describe("executor errors say what, where and how to fix", () => {
  const program = smallNet();
  const ex = createExecutor(program, { maxBatch: 2, training: false });

  it("rejects wrong input sizes and batches", () => {
    expect(() => ex.forward([new Float32Array(10)], 1)).toThrow(
      'forward: input 0 ("image") has 10 floats, expected 72 = batch 1 × [6, 6, 2] (NHWC, batch first)',
    );
    expect(() => ex.forward([new Float32Array(216)], 3)).toThrow(/batch must be an integer in 1\.\.2/);
    expect(() => ex.forward([], 1)).toThrow(/has 1 input\(s\), got 0/);
  });

  it("rejects missing or mis-sized params", () => {
    const params = initializeParams(program, 0);
    params.delete("conv_0.kernel");
    expect(() => ex.setParams(params)).toThrow(/missing tensor "conv_0.kernel"/);
    params.set("conv_0.kernel", new Float32Array(3));
    expect(() => ex.setParams(params)).toThrow('setParams: "conv_0.kernel" has 3 floats, expected 72');
  });

  it("rejects a program whose params disagree with the kernel", () => {
    const broken: Program = {
      ...program,
      nodes: program.nodes.map((n) => (n.name === "dense_0" ? { ...n, params: n.params.slice(0, 1) } : n)),
    };
    expect(() => createExecutor(broken, { maxBatch: 1, training: false })).toThrow(
      "dense_0 (dense): the program lists params kernel [40, 3] but the kernel expects kernel [40, 3], bias [3]",
    );
  });

  it("rejects malformed programs", () => {
    const cyclic: Program = { ...program, nodes: program.nodes.map((n) => (n.id === 1 ? { ...n, inputs: [5] } : n)) };
    expect(() => createExecutor(cyclic, { maxBatch: 1, training: false })).toThrow(
      "program node conv_0 (#1) reads node 5; nodes must come after their inputs",
    );
    expect(() => createExecutor({ ...program, outputs: [99] }, { maxBatch: 1, training: false })).toThrow(
      "program output 99 does not exist (the program has 14 nodes)",
    );
    expect(() => createExecutor({ ...program, inputs: [1] }, { maxBatch: 1, training: false })).toThrow(
      "program input 1 is not an input node",
    );
  });

  it("rejects two layers with the same name (their weights would collide)", () => {
    const renamed: Program = {
      ...program,
      nodes: program.nodes.map((n) => (n.name === "depthwise_0" ? { ...n, name: "dense_0" } : n)),
    };
    expect(() => createExecutor(renamed, { maxBatch: 1, training: false })).toThrow(
      'two layers are named "dense_0": parameter "dense_0.kernel" would be shared',
    );
  });

  it("refuses batchnorm training with one value per channel, like PyTorch", () => {
    const b = new ProgramBuilder();
    const bn = b.op({ op: "batchnorm", eps: 1e-5, momentum: 0.1 }, b.input("x", [3]), [3]);
    const single = createExecutor(b.build([bn]), { maxBatch: 1, training: true });
    expect(() => single.forward([new Float32Array(3)], 1)).toThrow(/more than one value per channel/);
  });
});
