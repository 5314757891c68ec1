import { afterAll, describe, expect, it } from "vitest";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { detectRelaxedSimd } from "../../src/runtime/wasm/host/features.ts";
import { createWasmKernels, type KernelActivation, type WasmKernels } from "../../src/runtime/wasm/host/kernels.ts";
import { gemmReference, type GemmCase } from "./reference.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

const SIZES = [1, 3, 5, 17, 64];
const ACTIVATIONS: KernelActivation[] = ["none", "relu", "relu6"];

/** Runs one case through packB + gemm and returns C. */
function runGemm(kernels: WasmKernels, heap: BumpAllocator, t: GemmCase): Float32Array {
  heap.reset();
  const a = heap.put(t.a);
  const b = heap.put(t.b);
  const bPacked = heap.alloc(kernels.packedBFloats(t.k, t.n));
  const c = heap.put(t.c0);
  const bias = t.bias ? heap.put(t.bias) : undefined;
  kernels.packB({ k: t.k, n: t.n, b, transposed: t.transposedB, dst: bPacked });
  kernels.gemm({
    m: t.m,
    n: t.n,
    k: t.k,
    a,
    ...(t.transposedA ? { aRowStride: 1, aColStride: t.m } : {}),
    bPacked,
    c,
    bias,
    accumulate: t.accumulate,
    activation: t.activation,
  });
  return heap.f32(c, t.m * t.n).slice();
}

function makeCase(m: number, n: number, k: number, variant: number): GemmCase {
  const seed = m * 10007 + n * 101 + k + variant * 7919;
  return {
    m,
    n,
    k,
    a: randomArray(seed, m * k),
    transposedA: variant % 2 === 1,
    b: randomArray(seed + 1, k * n),
    transposedB: variant % 3 === 1,
    c0: randomArray(seed + 2, m * n),
    bias: variant % 4 < 2 ? randomArray(seed + 3, n) : null,
    accumulate: variant % 5 < 2,
    // Shift so relu and relu6 both clip something: values span about ±k/3.
    activation: ACTIVATIONS[variant % 3]!,
  };
}

const CONFIGS = [
  { name: "plain SIMD 4×8", options: { fma: false, tile: { rows: 4, vectors: 2 } } },
  { name: "plain SIMD 2×16", options: { fma: false, tile: { rows: 2, vectors: 4 } } },
  { name: "FMA 3×12", options: { fma: true, tile: { rows: 3, vectors: 3 } } },
  { name: "FMA 2×16 (the default)", options: { fma: true, tile: { rows: 2, vectors: 4 } } },
  { name: "FMA 4×8", options: { fma: true, tile: { rows: 4, vectors: 2 } } },
] as const;

describe("wasm GEMM", () => {
  it("finds relaxed SIMD in Node 20 once the V8 flag is set", async () => {
    expect(await detectRelaxedSimd()).toBe(true);
  });

  for (const { name, options } of CONFIGS) {
    it(`${name}: every M, N, K in ${SIZES.join(", ")} with transposes and epilogues`, async () => {
      const memory = createKernelMemory(1 << 20);
      const kernels = await createWasmKernels(memory, options);
      expect(kernels.fma).toBe(options.fma);
      const heap = new BumpAllocator(memory);
      let variant = 0;
      for (const m of SIZES)
        for (const n of SIZES)
          for (const k of SIZES) {
            const t = makeCase(m, n, k, variant++);
            const err = relativeError(runGemm(kernels, heap, t), gemmReference(t), 1e-6);
            expect(err, `M=${m} N=${n} K=${k} ${JSON.stringify({ ...t, a: 0, b: 0, c0: 0, bias: !!t.bias })}`).toBeLessThanOrEqual(1e-4);
          }
    });
  }

  it("clips with relu and relu6 where the plain product exceeds them", async () => {
    const memory = createKernelMemory(1 << 20);
    const kernels = await createWasmKernels(memory);
    const heap = new BumpAllocator(memory);
    // A = 1, B = a ramp from -8 to 8: C[i][j] = K·B[j], well past 0 and 6.
    const k = 4;
    const n = 17;
    const b = Float32Array.from({ length: k * n }, (_, i) => (i % n) - 8);
    for (const activation of ACTIVATIONS) {
      const t: GemmCase = { m: 5, n, k, a: new Float32Array(5 * k).fill(1), transposedA: false, b, transposedB: false, c0: new Float32Array(5 * n), bias: null, accumulate: false, activation };
      const got = runGemm(kernels, heap, t);
      expect(Math.min(...got)).toBe(activation === "none" ? -32 : 0);
      expect(Math.max(...got)).toBe(activation === "relu6" ? 6 : 32);
    }
  });

  it("K = 0 leaves bias (+ C when accumulating)", async () => {
    const memory = createKernelMemory(1 << 16);
    const kernels = await createWasmKernels(memory);
    const heap = new BumpAllocator(memory);
    const t: GemmCase = { m: 3, n: 5, k: 0, a: new Float32Array(0), transposedA: false, b: new Float32Array(0), transposedB: false, c0: randomArray(4, 15), bias: randomArray(5, 5), accumulate: true, activation: "none" };
    expect(relativeError(runGemm(kernels, heap, t), gemmReference(t), 1e-6)).toBeLessThanOrEqual(1e-6);
  });

  describe("two threads", () => {
    const created: WasmKernels[] = [];
    afterAll(async () => {
      for (const k of created) await k.dispose();
    });

    // parallelMinMacs 0 forces the split even on tiny shapes, covering both split directions.
    for (const [m, n, k] of [[64, 96, 33], [200, 20, 17], [5, 17, 64], [1, 64, 5], [96, 9, 3]] as const) {
      it(`M=${m} N=${n} K=${k} split across the helper thread`, async () => {
        const memory = createKernelMemory(1 << 20);
        const kernels = await createWasmKernels(memory, { threads: 2, parallelMinMacs: 0 });
        created.push(kernels);
        const heap = new BumpAllocator(memory);
        for (let variant = 0; variant < 6; variant++) {
          const t = makeCase(m, n, k, variant);
          expect(relativeError(runGemm(kernels, heap, t), gemmReference(t), 1e-6)).toBeLessThanOrEqual(1e-4);
        }
      });
    }

    it("refuses two threads on an unshared memory", async () => {
      const { wasm } = await import("../../src/runtime/wasm/host/webassembly-api.ts");
      const memory = new wasm.Memory({ initial: 1 });
      await expect(createWasmKernels(memory, { threads: 2 })).rejects.toThrow(/shared memory/);
    });

    it("reports a trap in the helper thread as an error", async () => {
      const memory = createKernelMemory(1 << 16, 1 << 16);
      const kernels = await createWasmKernels(memory, { threads: 2, parallelMinMacs: 0 });
      created.push(kernels);
      // The helper takes the first n0 columns. C at 2³² − 4·n0 puts its half past the end of
      // memory, while the caller's half wraps (i32 addresses) to offset 0 and succeeds.
      const n = 64;
      const n0 = Math.ceil(Math.ceil(n / kernels.panelWidth) / 2) * kernels.panelWidth;
      expect(() => kernels.gemm({ m: 1, n, k: 1, a: 0, bPacked: 0, c: 2 ** 32 - 4 * n0 })).toThrow(/helper thread: 'gemm' trapped/);
      // The helper is still usable afterwards.
      const heap = new BumpAllocator(memory);
      const t = makeCase(4, n, 3, 0);
      expect(relativeError(runGemm(kernels, heap, t), gemmReference(t), 1e-6)).toBeLessThanOrEqual(1e-4);
    });
  });
});
