// Where does handing half a GEMM to the helper thread start to pay? Times square GEMMs on one
// thread and split over two (forced), to choose `parallelMinMacs`. Run: npx tsx bench/thread-threshold.ts
import { BumpAllocator, createKernelMemory } from "../src/runtime/wasm/host/bump-allocator.ts";
import { createWasmKernels } from "../src/runtime/wasm/host/kernels.ts";
import { measure } from "./harness.ts";

const memory = createKernelMemory(16 << 20);
const one = await createWasmKernels(memory);
const two = await createWasmKernels(memory, { threads: 2, parallelMinMacs: 0 });
const heap = new BumpAllocator(memory);
for (const n of [16, 32, 48, 64, 96, 128, 256]) {
  heap.reset();
  const a = heap.alloc(n * n);
  const packed = heap.alloc(one.packedBFloats(n, n));
  const c = heap.alloc(n * n);
  const args = { m: n, n, k: n, a, bPacked: packed, c };
  const t1 = await measure(() => one.gemm(args), { minRuns: 200, maxRuns: 2000, minTimeMs: 300 });
  const t2 = await measure(() => two.gemm(args), { minRuns: 200, maxRuns: 2000, minTimeMs: 300 });
  console.log(`${n}³ (${n ** 3} MACs): 1 thread ${(t1.medianMs * 1000).toFixed(1)} µs, 2 threads ${(t2.medianMs * 1000).toFixed(1)} µs`);
}
await two.dispose();
