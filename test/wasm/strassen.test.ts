// Strassen's multiplication on the WASM kernels (src/runtime/wasm/host/strassen.ts) against a
// float64 GEMM: the seven-product path, the ordinary product from the packed quarters (few
// rows, an odd last row, accumulation), chunks of a small workspace, strides, bias and each
// fused activation; and the block kernel's tails. Also the executor: an inference pointwise
// conv taking the Strassen path equals the JavaScript kernels, after its weights change too.
import { describe, expect, it } from "vitest";
import { createExecutor } from "../../src/runtime/exec/executor.ts";
import { initializeParams } from "../../src/runtime/init.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { createWasmExecutor } from "../../src/runtime/wasm/host/backend.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { createWasmKernels, type KernelActivation, type WasmKernels } from "../../src/runtime/wasm/host/kernels.ts";
import { packStrassenB, strassenGemm, strassenPackedFloats, strassenPays } from "../../src/runtime/wasm/host/strassen.ts";
import { ProgramBuilder } from "../runtime/program-builder.ts";
import type { GrowableWasmMemory } from "../../src/runtime/wasm/host/webassembly-api.ts";
import { gemmReference } from "./reference.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

interface Case {
  m: number;
  k: number;
  n: number;
  lda?: number;
  ldc?: number;
  bias?: boolean;
  activation?: KernelActivation;
  accumulate?: boolean;
  workspaceFloats?: number;
}

/** Runs strassenGemm on a case and returns its relative error against the float64 reference. */
function strassenError(kernels: WasmKernels, memory: GrowableWasmMemory, t: Case, seed: number): number {
  const { m, k, n } = t;
  const lda = t.lda ?? k;
  const ldc = t.ldc ?? n;
  const heap = new BumpAllocator(memory);
  const a = randomArray(seed, m * k);
  const b = randomArray(seed + 1, k * n);
  const c0 = randomArray(seed + 2, m * n);
  const bias = t.bias ? randomArray(seed + 3, n) : null;
  // A and C with wider rows than the matrix (lda, ldc), the extra columns left alone.
  const aStored = new Float32Array(m * lda);
  const cStored = new Float32Array(m * ldc).fill(7);
  for (let i = 0; i < m; i++) {
    aStored.set(a.subarray(i * k, (i + 1) * k), i * lda);
    cStored.set(c0.subarray(i * n, (i + 1) * n), i * ldc);
  }
  const aAt = heap.put(aStored);
  const cAt = heap.put(cStored);
  const biasAt = bias ? heap.put(bias) : undefined;
  const packed = heap.alloc(strassenPackedFloats(kernels, k, n));
  packStrassenB(kernels, { k, n, b: heap.put(b), dst: packed, temp: heap.alloc((k / 2) * (n / 2)) });
  const workspaceFloats = t.workspaceFloats ?? 1 << 18;
  strassenGemm(kernels, {
    m,
    n,
    k,
    a: aAt,
    lda,
    packed,
    c: cAt,
    ldc,
    bias: biasAt,
    activation: t.activation,
    accumulate: t.accumulate,
    workspace: heap.alloc(workspaceFloats),
    workspaceFloats,
  });
  const stored = heap.f32(cAt, m * ldc);
  const got = new Float32Array(m * n);
  for (let i = 0; i < m; i++) {
    got.set(stored.subarray(i * ldc, i * ldc + n), i * n);
    for (let j = n; j < ldc; j++) expect(stored[i * ldc + j], `C padding row ${i}`).toBe(7);
  }
  const want = gemmReference({
    m,
    n,
    k,
    a,
    transposedA: false,
    b,
    transposedB: false,
    c0,
    bias,
    accumulate: t.accumulate ?? false,
    activation: t.activation ?? "none",
  });
  return relativeError(got, want, 1e-6);
}

describe("Strassen GEMM", () => {
  it("decides by shape: even k and n of at least 256, at least 96 rows per thread, odd rows only when many", () => {
    expect(strassenPays(196, 512, 512)).toBe(true);
    expect(strassenPays(196, 256, 256)).toBe(true);
    expect(strassenPays(98, 512, 512)).toBe(true);
    expect(strassenPays(94, 512, 512)).toBe(false);
    expect(strassenPays(196, 512, 512, 2)).toBe(true);
    expect(strassenPays(190, 512, 512, 2)).toBe(false);
    expect(strassenPays(196, 128, 512)).toBe(false);
    expect(strassenPays(196, 512, 510)).toBe(true);
    expect(strassenPays(196, 512, 511)).toBe(false);
    expect(strassenPays(199, 512, 512)).toBe(false);
    expect(strassenPays(601, 512, 512)).toBe(true);
  });

  for (const [fma, threads] of [[true, 1], [false, 1], [true, 2]] as const) {
    it(`${fma ? "FMA" : "plain SIMD"}, ${threads} thread${threads > 1 ? "s" : ""}: equals the ordinary product on every path`, async () => {
      const memory = createKernelMemory(64 << 20);
      const kernels = await createWasmKernels(memory, { fma, threads });
      const cases: Case[] = [
        { m: 196, k: 256, n: 256, bias: true, activation: "relu6" }, // seven products
        { m: 200, k: 300, n: 270, lda: 310, ldc: 280, bias: true, activation: "relu" }, // halves no multiple of 16, strides
        { m: 513, k: 256, n: 256, activation: "relu" }, // odd: seven products and a last row
        { m: 37, k: 256, n: 256, bias: true }, // few rows: the ordinary product from quarters
        { m: 198, k: 512, n: 256, bias: true, activation: "relu6" }, // on two threads: blocks of 98 and 100 rows
        { m: 200, k: 256, n: 256, bias: true, accumulate: true, activation: "relu6" }, // accumulate: ordinary
        { m: 400, k: 256, n: 256, bias: true, workspaceFloats: 170 * 256 }, // chunks of 170 rows, then 60 ordinary
        { m: 5, k: 4, n: 6, bias: true, activation: "relu" }, // tiny, below a vector
      ];
      cases.forEach((t, i) => {
        expect(strassenError(kernels, memory, t, 100 * i + (fma ? 1 : 2)), JSON.stringify(t)).toBeLessThanOrEqual(1e-5);
      });
      await kernels.dispose();
    });
  }

  it("block combine: z = act(x + α·y + bias) with column tails, in place", async () => {
    const memory = createKernelMemory(1 << 20);
    const kernels = await createWasmKernels(memory);
    const heap = new BumpAllocator(memory);
    const [rows, cols, ld] = [3, 7, 9];
    const x = randomArray(1, rows * ld).map((v) => 8 * v);
    const y = randomArray(2, rows * ld).map((v) => 8 * v);
    const bias = randomArray(3, cols);
    const xAt = heap.put(x);
    kernels.blockCombine({ rows, cols, x: xAt, ldx: ld, y: heap.put(y), ldy: ld, alpha: -1, z: xAt, ldz: ld, bias: heap.put(bias), activation: "relu6" });
    const got = heap.f32(xAt, rows * ld);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < ld; c++) {
        const i = r * ld + c;
        const want = c < cols ? Math.min(6, Math.max(0, x[i]! - y[i]! + bias[c]!)) : x[i]!;
        expect(got[i]).toBeCloseTo(want, 5);
      }
    await kernels.dispose();
  });
});

describe("Strassen in the inference executor", () => {
  for (const [threads, how] of [[1, "1 thread"], [2, "2 threads: half of the rows each"]] as const) {
    it(`a 14×14×512 pointwise conv equals the JavaScript kernels, before and after its weights change (${how})`, async () => {
      const b = new ProgramBuilder();
      const x = b.input("x", [14, 14, 512]);
      const conv = b.op(
        { op: "conv", filters: 512, kernel: [1, 1], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1], groups: 1, bias: true },
        x,
        [14, 14, 512],
      );
      const program = b.build([b.op({ op: "relu6" }, conv, [14, 14, 512])]);
      const options = { maxBatch: 1, training: false };
      const input = randomArray(new Rng(1), 14 * 14 * 512);
      const js = createExecutor(program, options);
      const wasm = await createWasmExecutor(program, { ...options, wasm: { threads } });
      try {
        for (const seed of [2, 3]) {
          const params = initializeParams(program, seed);
          js.setParams(params);
          wasm.executor.setParams(params);
          const want = js.forward([input], 1)[0]!;
          const got = wasm.executor.forward([input], 1)[0]!;
          expect(relativeError(got, want, 1e-6)).toBeLessThanOrEqual(1e-5);
        }
      } finally {
        await wasm.dispose();
      }
    });
  }
});
