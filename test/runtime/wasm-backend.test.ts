// The WebAssembly backend gives the JavaScript results: single GEMMs (every transpose, K split
// over a small workspace, epilogue) and a whole training step of a conv net.
import { describe, expect, it } from "vitest";
import type { WasmMemory } from "../../src/runtime/wasm/host/webassembly-api.ts";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { jsGemm } from "../../src/runtime/gemm.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { createWasmExecutor, wasmBackend } from "../../src/runtime/wasm/host/backend.ts";
import { createWasmKernels } from "../../src/runtime/wasm/host/kernels.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";
import { ProgramBuilder } from "./program-builder.ts";

const { Memory } = (
  globalThis as unknown as {
    WebAssembly: { Memory: new (d: { initial: number; maximum: number; shared: boolean }) => WasmMemory };
  }
).WebAssembly;

function sharedMemory(bytes: number): WasmMemory {
  const pages = Math.ceil(bytes / 65536);
  return new Memory({ initial: pages, maximum: pages, shared: true });
}

describe("wasmBackend", () => {
  it("computes every GEMM form like jsGemm, splitting K over a small workspace", async () => {
    const memory = sharedMemory(1 << 20);
    const kernels = await createWasmKernels(memory);
    const workspaceBytes = 4 * 16 * 3 * kernels.panelWidth; // room for 48 K-rows of 1 panel
    const gemm = wasmBackend(kernels, workspaceBytes).bind({ memory, workspaceOffset: 0, workspaceBytes });
    const rng = new Rng(3);
    const floats = (n: number, at: number) => {
      const view = new Float32Array(memory.buffer, at, n);
      view.set(randomArray(rng, n));
      return view;
    };
    for (const transA of [false, true]) {
      for (const transB of [false, true]) {
        const [m, n, k] = [13, 7, 100]; // 100 > 48: three K slices
        const a = floats(m * k + 5, 65536);
        const b = floats(n * k + 3, 131072);
        const bias = floats(n + 1, 196608);
        const c = floats(m * n, 262144);
        const expected = c.slice();
        const lda = transA ? m : k;
        const ldb = transB ? k : n;
        const epilogue = { bias, biasOffset: 1, activation: "relu6" as const };
        jsGemm.gemm(transA, transB, m, n, k, a, 5, lda, b, 3, ldb, expected, 0, n, true, epilogue);
        gemm.gemm(transA, transB, m, n, k, a, 5, lda, b, 3, ldb, c, 0, n, true, epilogue);
        expect(relativeError(c, expected)).toBeLessThan(1e-5);
      }
    }
    await kernels.dispose();
  });

  it("runs a training step of a conv net like the JavaScript backend, and inference too", async () => {
    const b = new ProgramBuilder();
    let t = b.input("x", [8, 8, 3]);
    t = b.op(
      {
        op: "conv",
        filters: 8,
        kernel: [3, 3],
        stride: [2, 2],
        pad: [1, 1, 1, 1],
        dilation: [1, 1],
        groups: 1,
        bias: true,
      },
      t,
      [4, 4, 8],
    );
    t = b.op({ op: "relu" }, t, [4, 4, 8]);
    // 8 channels: im2col and col2im (input gradient) run the SIMD patch kernels.
    t = b.op(
      {
        op: "conv",
        filters: 8,
        kernel: [3, 2],
        stride: [1, 1],
        pad: [1, 1, 1, 1],
        dilation: [1, 2],
        groups: 1,
        bias: false,
      },
      t,
      [4, 4, 8],
    );
    // SIMD depthwise (multiplier 1, asymmetric pad, dilation) and the JavaScript one (multiplier 2).
    t = b.op(
      {
        op: "depthwise",
        kernel: [3, 3],
        stride: [1, 1],
        pad: [2, 1, 1, 2],
        dilation: [2, 1],
        multiplier: 1,
        bias: true,
      },
      t,
      [3, 5, 8],
    );
    t = b.op(
      {
        op: "depthwise",
        kernel: [2, 2],
        stride: [1, 2],
        pad: [0, 0, 0, 1],
        dilation: [1, 1],
        multiplier: 2,
        bias: false,
      },
      t,
      [2, 3, 16],
    );
    t = b.op({ op: "pointwise", filters: 6, bias: true }, t, [2, 3, 6]);
    t = b.op({ op: "flatten" }, t, [36]);
    t = b.op({ op: "dense", units: 5, bias: true }, t, [5]);
    const program = b.build([t]);
    const options = { maxBatch: 4, training: true, inputGrads: true };
    const params = initializeParams(program, 8);
    const input = randomArray(new Rng(4), 4 * 192);
    const outGrad = randomArray(new Rng(5), 4 * 5);

    const reference = createExecutor(program, options);
    reference.setParams(params);
    const expected = reference.forward([input], 4)[0].slice();
    reference.zeroGrads();
    reference.backward([outGrad]);

    const wasm = await createWasmExecutor(program, options);
    expect(wasm.accelerated).toBe(true);
    const ex = wasm.executor;
    ex.setParams(params);
    expect(relativeError(ex.forward([input], 4)[0], expected)).toBeLessThan(1e-5);
    ex.zeroGrads();
    ex.backward([outGrad]);
    for (const [key, grad] of reference.grads) expect(relativeError(ex.grads.get(key)!, grad)).toBeLessThan(1e-5);
    expect(relativeError(ex.inputGrads()[0], reference.inputGrads()[0])).toBeLessThan(1e-5);
    await wasm.dispose();

    const inference = await createWasmExecutor(program, { maxBatch: 4, training: false });
    inference.executor.setParams(params);
    reference.training = false;
    expect(relativeError(inference.executor.forward([input], 4)[0], reference.forward([input], 4)[0])).toBeLessThan(1e-5);
    await inference.dispose();
  });
});
