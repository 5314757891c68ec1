// The WebAssembly backend's training paths (wasm/ops/conv.ts, wasm/ops/layer-kernels.ts) give the
// JavaScript reference's results: a training step of LeNet-5-style networks in both variants
// (tanh + average pooling, relu + max pooling) and of nets covering the other activations (swish too),
// implicit and patch-matrix convs (strides, dilation, asymmetric pads, more than 16 filters), depthwise convs,
// global pools, input gradients, a conv whose patches are too large to keep, eval-mode forwards; and it is
// deterministic.
import { describe, expect, it } from "vitest";
import type { Executor } from "../../src/runtime/exec/executor.ts";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import type { OpAttrs, Program } from "../../src/runtime/ops.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { createWasmExecutor } from "../../src/runtime/wasm/host/backend.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";
import { ProgramBuilder } from "./program-builder.ts";

const conv = (filters: number, k: number, o: Partial<Extract<OpAttrs, { op: "conv" }>> = {}): OpAttrs => ({
  op: "conv",
  filters,
  kernel: [k, k],
  stride: [1, 1],
  pad: [0, 0, 0, 0],
  dilation: [1, 1],
  groups: 1,
  bias: true,
  ...o,
});
const pool = (op: "maxpool" | "avgpool"): OpAttrs => ({ op, kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0], includePad: false });

/** LeNet-5 to its logits (the loss fuses the softmax), as examples/lenet5.net. */
function lenet(activation: "tanh" | "relu", pooling: "avgpool" | "maxpool"): Program {
  const b = new ProgramBuilder();
  let t = b.input("digit", [28, 28, 1]);
  t = b.op(conv(6, 5, { pad: [2, 2, 2, 2] }), t, [28, 28, 6]);
  t = b.op({ op: activation }, t, [28, 28, 6]);
  t = b.op(pool(pooling), t, [14, 14, 6]);
  t = b.op(conv(16, 5), t, [10, 10, 16]);
  t = b.op({ op: activation }, t, [10, 10, 16]);
  t = b.op(pool(pooling), t, [5, 5, 16]);
  t = b.op({ op: "flatten" }, t, [400]);
  for (const units of [120, 84]) {
    t = b.op({ op: "dense", units, bias: true }, t, [units]);
    t = b.op({ op: activation }, t, [units]);
  }
  t = b.op({ op: "dense", units: 10, bias: true }, t, [10]);
  return b.build([t]);
}

/** Strides, dilation, 4-sided pads, 20 filters (the packed GEMM forward), sigmoid and relu6,
 * overlapping and padded pools, and a second conv whose input gradient is needed. */
function mixedNet(): Program {
  const b = new ProgramBuilder();
  let t = b.input("x", [11, 10, 3]);
  t = b.op(conv(20, 3, { stride: [2, 1], pad: [1, 2, 0, 1], dilation: [1, 2] }), t, [6, 7, 20]);
  t = b.op({ op: "sigmoid" }, t, [6, 7, 20]);
  t = b.op({ op: "maxpool", kernel: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], includePad: false }, t, [6, 7, 20]);
  t = b.op(conv(7, 3, { bias: false }), t, [4, 5, 7]);
  t = b.op({ op: "relu6" }, t, [4, 5, 7]);
  t = b.op({ op: "avgpool", kernel: [3, 2], stride: [1, 2], pad: [1, 1, 0, 1], includePad: true }, t, [4, 3, 7]);
  t = b.op({ op: "flatten" }, t, [84]);
  t = b.op({ op: "dense", units: 5, bias: true }, t, [5]);
  return b.build([t]);
}

/** Convs the implicit kernels run (≤ 16 filters, dilation 1 across) with strides, vertical
 * dilation and asymmetric pads; the second one's input gradient is needed. Between them a
 * swish, whose gradient the SIMD kernel takes from its input. */
function implicitNet(): Program {
  const b = new ProgramBuilder();
  let t = b.input("x", [13, 12, 3]);
  t = b.op(conv(12, 3, { stride: [2, 2], pad: [1, 0, 2, 1], dilation: [2, 1] }), t, [5, 7, 12]);
  t = b.op({ op: "swish" }, t, [5, 7, 12]);
  t = b.op(conv(16, 2, { stride: [1, 2], pad: [0, 1, 1, 0] }), t, [5, 4, 16]);
  t = b.op({ op: "tanh" }, t, [5, 4, 16]);
  t = b.op({ op: "flatten" }, t, [320]);
  t = b.op({ op: "dense", units: 4, bias: true }, t, [4]);
  return b.build([t]);
}

/** A conv (20 filters: not implicit) whose patches for the whole batch exceed what training
 * keeps (4 Mi floats): its backward builds them again in chunks. */
function largeConvNet(): Program {
  const b = new ProgramBuilder();
  let t = b.input("x", [48, 48, 2]);
  t = b.op(conv(20, 5, { pad: [2, 2, 2, 2] }), t, [48, 48, 20]);
  t = b.op({ op: "tanh" }, t, [48, 48, 20]);
  t = b.op({ op: "avgpool", kernel: [4, 4], stride: [4, 4], pad: [0, 0, 0, 0], includePad: false }, t, [12, 12, 20]);
  t = b.op({ op: "flatten" }, t, [2880]);
  t = b.op({ op: "dense", units: 3, bias: true }, t, [3]);
  return b.build([t]);
}

/** Global pools, keepdims or not, average then max (ties: the first maximum takes the gradient). */
function globalPoolNet(): Program {
  const b = new ProgramBuilder();
  const x = b.input("x", [5, 6, 20]);
  const relu = b.op({ op: "relu" }, x, [5, 6, 20]);
  const avg = b.op({ op: "globalavgpool", keepdims: true }, relu, [1, 1, 20]);
  const flat = b.op({ op: "flatten" }, avg, [20]);
  const max = b.op({ op: "globalmaxpool", keepdims: false }, relu, [20]);
  const sum = b.op({ op: "add" }, [flat, max], [20]);
  return b.build([b.op({ op: "dense", units: 3, bias: true }, sum, [3])]);
}

/** A squeeze-and-excitation block and residual sums: the SIMD per-channel scale (either operand
 * order), a three-way same-shape add, and a broadcast the SIMD kernels leave to the reference
 * ([6, 1, 8] stretched along the width). */
function broadcastNet(): Program {
  const b = new ProgramBuilder();
  const x = b.input("x", [6, 5, 8]);
  const features = b.op(conv(8, 3, { pad: [1, 1, 1, 1] }), x, [6, 5, 8]);
  const pooled = b.op({ op: "globalavgpool", keepdims: true }, features, [1, 1, 8]);
  const gate = b.op({ op: "sigmoid" }, b.op(conv(8, 1), pooled, [1, 1, 8]), [1, 1, 8]);
  const scaled = b.op({ op: "mul" }, [features, gate], [6, 5, 8]);
  const scaledAgain = b.op({ op: "mul" }, [gate, scaled], [6, 5, 8]);
  const sum = b.op({ op: "add" }, [scaled, x, scaledAgain], [6, 5, 8]);
  const rows = b.op({ op: "avgpool", kernel: [1, 5], stride: [1, 5], pad: [0, 0, 0, 0], includePad: false }, sum, [6, 1, 8]);
  const stretched = b.op({ op: "add" }, [rows, sum], [6, 5, 8]);
  const flat = b.op({ op: "flatten" }, stretched, [240]);
  return b.build([b.op({ op: "dense", units: 3, bias: true }, flat, [3])]);
}

/** Depthwise layers (the SIMD backward): 3×3 with bias and relu6, a strided and padded one
 * without bias, and a channel count that is not a multiple of 4. */
function depthwiseNet(): Program {
  const b = new ProgramBuilder();
  const depthwise = (k: number, s: number, pad: number, bias: boolean): OpAttrs => ({
    op: "depthwise",
    kernel: [k, k],
    stride: [s, s],
    pad: [pad, pad, pad, pad],
    dilation: [1, 1],
    multiplier: 1,
    bias,
  });
  let t = b.input("x", [9, 8, 6]);
  t = b.op(depthwise(3, 1, 1, true), t, [9, 8, 6]);
  t = b.op({ op: "relu6" }, t, [9, 8, 6]);
  t = b.op(depthwise(3, 2, 1, false), t, [5, 4, 6]);
  t = b.op(conv(10, 1), t, [5, 4, 10]);
  t = b.op(depthwise(2, 1, 0, true), t, [4, 3, 10]);
  t = b.op({ op: "flatten" }, t, [120]);
  return b.build([b.op({ op: "dense", units: 3, bias: true }, t, [3])]);
}

/** A CIFAR-ResNet-style stack (examples/cifar_resnet.net in small): conv + batchnorm + relu,
 * a basic block with an identity shortcut and one with a strided 1×1 projection, so batchnorm
 * runs the SIMD channel kernels (8 and 12 channels) and the residual adds alias gradients; a
 * batchnorm over 6 channels (not a multiple of 4) stays on the reference kernel. */
function residualNet(): Program {
  const b = new ProgramBuilder();
  const bn = { op: "batchnorm", eps: 1e-5, momentum: 0.1 } as const;
  let t = b.input("x", [8, 8, 3]);
  t = b.op({ op: "relu" }, b.op(bn, b.op(conv(8, 3, { pad: [1, 1, 1, 1], bias: false }), t, [8, 8, 8]), [8, 8, 8]), [8, 8, 8]);
  const branch = b.op(bn, b.op(conv(8, 3, { pad: [1, 1, 1, 1], bias: false }), t, [8, 8, 8]), [8, 8, 8]);
  t = b.op({ op: "relu" }, b.op({ op: "add" }, [branch, t], [8, 8, 8]), [8, 8, 8]);
  const down = b.op(bn, b.op(conv(12, 3, { stride: [2, 2], pad: [1, 1, 1, 1], bias: false }), t, [4, 4, 12]), [4, 4, 12]);
  const project = b.op(bn, b.op(conv(12, 1, { stride: [2, 2], bias: false }), t, [4, 4, 12]), [4, 4, 12]);
  t = b.op({ op: "relu" }, b.op({ op: "add" }, [down, project], [4, 4, 12]), [4, 4, 12]);
  t = b.op(bn, b.op(conv(6, 1, { bias: false }), t, [4, 4, 6]), [4, 4, 6]); // a bias before batchnorm has a zero gradient: noise
  t = b.op({ op: "globalavgpool", keepdims: false }, t, [6]);
  return b.build([b.op({ op: "dense", units: 3, bias: true }, t, [3])]);
}

/** A 3×3 conv over 64 channels on an h×w image: patch rows of 576 floats, whose filter gradient
 * runs on the packed GEMM (A transposed, packed in panels) rather than the narrow one; then a
 * stride-2 one. */
function wideConvNet(h: number, w: number): Program {
  const b = new ProgramBuilder();
  const [h2, w2] = [Math.ceil(h / 2), Math.ceil(w / 2)];
  let t = b.input("x", [h, w, 64]);
  t = b.op(conv(24, 3, { pad: [1, 1, 1, 1], bias: false }), t, [h, w, 24]);
  t = b.op({ op: "relu" }, t, [h, w, 24]);
  t = b.op(conv(20, 3, { stride: [2, 2], pad: [1, 1, 1, 1] }), t, [h2, w2, 20]);
  t = b.op({ op: "flatten" }, t, [h2 * w2 * 20]);
  return b.build([b.op({ op: "dense", units: 3, bias: true }, t, [3])]);
}

interface StepResult {
  output: Float32Array;
  grads: Map<string, Float32Array>;
  /** Batchnorm running statistics after the step. */
  running: Map<string, Float32Array>;
  inputGrad: Float32Array | null;
}

function step(executor: Executor, input: Float32Array, outGrad: Float32Array, batch: number, inputGrads: boolean): StepResult {
  executor.zeroGrads();
  const output = executor.forward([input], batch)[0]!.slice();
  executor.backward([outGrad]);
  return {
    output,
    grads: new Map([...executor.grads].map(([k, g]) => [k, g.slice()])),
    running: new Map([...executor.params].filter(([k]) => /\.(mean|var)$/.test(k)).map(([k, p]) => [k, p.slice()])),
    inputGrad: inputGrads ? executor.inputGrads()[0]!.slice() : null,
  };
}

async function compare(program: Program, batch: number, inputGrads: boolean): Promise<void> {
  const options = { maxBatch: batch, training: true, inputGrads };
  const inputFloats = program.nodes[program.inputs[0]!]!.shape.reduce((a, d) => a * d, 1);
  const outputFloats = program.nodes[program.outputs[0]!]!.shape.reduce((a, d) => a * d, 1);
  const params = initializeParams(program, 3);
  const input = randomArray(new Rng(4), batch * inputFloats);
  const outGrad = randomArray(new Rng(5), batch * outputFloats);

  const js = createExecutor(program, options);
  js.setParams(params);
  const want = step(js, input, outGrad, batch, inputGrads);

  const wasm = await createWasmExecutor(program, options);
  try {
    expect(wasm.accelerated).toBe(true);
    wasm.executor.setParams(params);
    const got = step(wasm.executor, input, outGrad, batch, inputGrads);
    expect(relativeError(got.output, want.output, 1e-3), "output").toBeLessThanOrEqual(1e-4);
    for (const [key, grad] of want.grads) expect(relativeError(got.grads.get(key)!, grad, 1e-3), key).toBeLessThanOrEqual(1e-4);
    for (const [key, stat] of want.running) expect(relativeError(got.running.get(key)!, stat, 1e-3), key).toBeLessThanOrEqual(1e-5);
    if (want.inputGrad) expect(relativeError(got.inputGrad!, want.inputGrad, 1e-3), "input gradient").toBeLessThanOrEqual(1e-4);
  } finally {
    await wasm.dispose();
  }
}

describe("WebAssembly training paths", () => {
  for (const [activation, pooling] of [["tanh", "avgpool"], ["relu", "maxpool"]] as const) {
    it(`LeNet-5 with ${activation} and ${pooling}: a training step equals the JavaScript kernels'`, async () => {
      await compare(lenet(activation, pooling), 8, false);
    });
  }

  it("strided, dilated, padded convs, more than 16 filters, sigmoid, relu6, padded pools, input gradients", async () => {
    await compare(mixedNet(), 3, true);
  });

  it("implicit convs: strides, vertical dilation, asymmetric pads, swish, input gradients", async () => {
    await compare(implicitNet(), 5, true);
  });

  it("global average and max pools, with and without keepdims, ReLU ties at zero included", async () => {
    await compare(globalPoolNet(), 4, true);
  });

  it("squeeze-and-excitation and residual broadcasts of mul and add, and one left to the reference", async () => {
    await compare(broadcastNet(), 3, true);
  });

  it("depthwise layers (strides, pads, with and without bias): input, weight and bias gradients", async () => {
    await compare(depthwiseNet(), 3, true);
  });

  it("batchnorm with batch statistics and residual adds (a small CIFAR ResNet): gradients and running stats", async () => {
    await compare(residualNet(), 6, true);
  });

  it("convs over 64 channels (576-float patch rows: the packed filter gradient), patches kept or rebuilt", async () => {
    await compare(wideConvNet(5, 6), 4, true); // the patches kept from forward
    await compare(wideConvNet(32, 32), 8, true); // 8 × 1024 × 576 floats: rebuilt in cached chunks
  });

  it("a conv whose patches are too large to keep rebuilds them in backward", async () => {
    await compare(largeConvNet(), 40, true);
  });

  it("backward after an eval-mode forward of a training executor follows that forward", async () => {
    const program = lenet("relu", "maxpool");
    const options = { maxBatch: 4, training: true };
    const params = initializeParams(program, 1);
    const [a, b] = [randomArray(new Rng(1), 4 * 784), randomArray(new Rng(2), 2 * 784)];
    const outGrad = randomArray(new Rng(3), 2 * 10);
    const js = createExecutor(program, options);
    js.setParams(params);
    const want = step(js, b, outGrad, 2, false);
    const wasm = await createWasmExecutor(program, options);
    try {
      wasm.executor.setParams(params);
      wasm.executor.forward([a], 4); // a training forward of other data first
      wasm.executor.training = false;
      const got = step(wasm.executor, b, outGrad, 2, false);
      for (const [key, grad] of want.grads) expect(relativeError(got.grads.get(key)!, grad, 1e-3), key).toBeLessThanOrEqual(1e-4);
    } finally {
      await wasm.dispose();
    }
  });

  it("is deterministic: the same steps give bit-identical weights", async () => {
    const program = lenet("tanh", "avgpool");
    const run = async () => {
      const wasm = await createWasmExecutor(program, { maxBatch: 16, training: true });
      const ex = wasm.executor;
      ex.setParams(initializeParams(program, 7));
      for (let s = 0; s < 3; s++) {
        ex.zeroGrads();
        ex.forward([randomArray(new Rng(10 + s), 16 * 784)], 16);
        ex.backward([randomArray(new Rng(20 + s), 16 * 10)]);
        for (const [key, p] of ex.params) {
          const g = ex.grads.get(key)!;
          for (let i = 0; i < p.length; i++) p[i]! -= 0.1 * g[i]!;
        }
      }
      const weights = ex.trainableParams.slice();
      await wasm.dispose();
      return weights;
    };
    expect(await run()).toEqual(await run());
  });
});
