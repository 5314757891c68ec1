// The GEMM's last, narrower panel runs a tile of fewer vectors: every width a last panel can
// have (1 … panel width − 1 columns: whole vectors and partial ones) and every row remainder,
// with bias, accumulation and activations, against the float64 reference.
import { describe, expect, it } from "vitest";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { createWasmKernels, type KernelActivation } from "../../src/runtime/wasm/host/kernels.ts";
import { gemmReference, type GemmCase } from "./reference.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

const CONFIGS = [
  { name: "FMA 3×12", options: { fma: true, tile: { rows: 3, vectors: 3 } } },
  { name: "FMA 2×16 (the default)", options: { fma: true, tile: { rows: 2, vectors: 4 } } },
  { name: "plain SIMD 4×8", options: { fma: false, tile: { rows: 4, vectors: 2 } } },
  { name: "plain SIMD 2×16", options: { fma: false, tile: { rows: 2, vectors: 4 } } },
] as const;
const ACTIVATIONS: KernelActivation[] = ["none", "relu", "relu6"];

describe("GEMM narrow last panels", () => {
  for (const { name, options } of CONFIGS) {
    it(`${name}: every last-panel width and row remainder`, async () => {
      const memory = createKernelMemory(1 << 22);
      const kernels = await createWasmKernels(memory, options);
      const heap = new BumpAllocator(memory);
      const width = kernels.panelWidth;
      let variant = 0;
      for (let tail = 1; tail < width; tail++)
        for (const m of [1, 2, 3, 4, 5, 7]) {
          const n = width + tail;
          const k = 9;
          const seed = 31 * tail + m;
          const t: GemmCase = {
            m,
            n,
            k,
            a: randomArray(seed, m * k),
            transposedA: false,
            b: randomArray(seed + 1, k * n),
            transposedB: false,
            c0: randomArray(seed + 2, m * n),
            bias: variant % 2 ? randomArray(seed + 3, n) : null,
            accumulate: variant % 3 === 0,
            activation: ACTIVATIONS[variant++ % 3]!,
          };
          heap.reset();
          const bPacked = heap.alloc(kernels.packedBFloats(k, n));
          kernels.packB({ k, n, b: heap.put(t.b), dst: bPacked });
          const c = heap.put(t.c0);
          // A guard after C: the tail tile must not write past column n of the last row.
          const guard = heap.put(new Float32Array(8).fill(1234));
          kernels.gemm({ m, n, k, a: heap.put(t.a), bPacked, c, bias: t.bias ? heap.put(t.bias) : undefined, accumulate: t.accumulate, activation: t.activation });
          expect(relativeError(heap.f32(c, m * n), gemmReference(t), 1e-6), `m=${m} n=${n}`).toBeLessThanOrEqual(1e-5);
          expect([...heap.f32(guard, 8)]).toEqual(new Array(8).fill(1234));
        }
    });
  }
});
