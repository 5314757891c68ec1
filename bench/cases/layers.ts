// MobileNetV1-shaped layers on netc's WebAssembly kernels alone (1 thread, default kernels):
// memory-bound depthwise and pointwise layers where layout and fusion matter more than peak
// FLOPS, and a 3×3 conv as im2col + GEMM. Rivals come with the whole-model case, later.
import type { Pad4 } from "../../src/runtime/ops.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { convOutputSize, createWasmKernels, type ConvWindow } from "../../src/runtime/wasm/host/kernels.ts";
import { depthwiseScratchFloats } from "../../src/runtime/wasm/gen/depthwise-kernel.ts";
import { randomArray } from "../../test/support/arrays.ts";
import { measure, type BenchCase, type Measurement } from "../harness.ts";

function geometry(size: number, channels: number, kernel: number, stride: number, pad: Pad4): ConvWindow {
  return { batch: 1, height: size, width: size, channels, kernel: [kernel, kernel], stride: [stride, stride], pad, dilation: [1, 1] };
}

export const layersCase: BenchCase = {
  name: "layers",
  async run(ctx) {
    const memory = createKernelMemory(64 << 20);
    const kernels = await createWasmKernels(memory);
    const heap = new BumpAllocator(memory);
    const timing = (fn: () => void) => measure(fn, { minRuns: 5, minTimeMs: ctx.quick ? 200 : 1000 });
    const measurements: Measurement[] = [];
    const add = (implementation: string, t: Awaited<ReturnType<typeof timing>>, flops: number) => {
      measurements.push({ implementation, threads: 1, timing: t, gflops: flops / (t.medianMs * 1e6) });
      ctx.log(`  ${implementation}: ${t.medianMs.toFixed(3)} ms`);
    };

    // Depthwise 3×3 + bias + relu6, 112×112×32 (MobileNetV1's first depthwise layer).
    const dw = geometry(112, 32, 3, 1, [1, 1, 1, 1]);
    const [oh, ow] = convOutputSize(dw);
    const image = heap.put(randomArray(1, 112 * 112 * 32));
    // Scratch for the packed path (one thread's share), as the executor plans it.
    const scratchFloats = Math.max(depthwiseScratchFloats(32, 112, 1), depthwiseScratchFloats(512, 14, 1), depthwiseScratchFloats(256, 14, 2));
    const scratch = heap.alloc(scratchFloats);
    const dwArgs = { image, weights: heap.put(randomArray(2, 9 * 32)), bias: heap.put(randomArray(3, 32)), activation: "relu6" as const, out: heap.alloc(oh * ow * 32), scratch, scratchFloats };
    add("depthwise 3×3 112²×32 +bias+relu6", await timing(() => kernels.depthwise(dw, dwArgs)), 2 * oh * ow * 32 * 9);
    // Wide inputs (the per-pixel interior path) and stride 2.
    for (const [size, channels, stride] of [[14, 512, 1], [28, 256, 2]] as const) {
      const g = geometry(size, channels, 3, stride, stride === 1 ? [1, 1, 1, 1] : [0, 1, 0, 1]);
      const [h, w] = convOutputSize(g);
      const args = {
        image: heap.put(randomArray(8, size * size * channels)),
        weights: heap.put(randomArray(9, 9 * channels)),
        bias: heap.put(randomArray(10, channels)),
        activation: "relu6" as const,
        out: heap.alloc(h * w * channels),
        scratch,
        scratchFloats,
      };
      add(`depthwise 3×3/${stride} ${size}²×${channels} +bias+relu6`, await timing(() => kernels.depthwise(g, args)), 2 * h * w * channels * 9);
    }

    // Pointwise 112²×32 → 64 + bias + relu6: a GEMM over pixels, no im2col.
    const pixels = 112 * 112;
    const packed = heap.alloc(kernels.packedBFloats(32, 64));
    kernels.packB({ k: 32, n: 64, b: heap.put(randomArray(4, 32 * 64)), dst: packed });
    const pwArgs = { m: pixels, n: 64, k: 32, a: image, bPacked: packed, c: heap.alloc(pixels * 64), bias: heap.put(randomArray(5, 64)), activation: "relu6" as const };
    add("pointwise 112²×32→64 +bias+relu6 (GEMM)", await timing(() => kernels.gemm(pwArgs)), 2 * pixels * 32 * 64);

    // 3×3 stride-2 conv 224²×3 → 32 (MobileNetV1's stem): im2col, then GEMM.
    const stem = geometry(224, 3, 3, 2, [0, 1, 0, 1]);
    const [sh, sw] = convOutputSize(stem);
    const rows = sh * sw;
    const stemImage = heap.put(randomArray(6, 224 * 224 * 3));
    const cols = heap.alloc(rows * 27);
    const stemPacked = heap.alloc(kernels.packedBFloats(27, 32));
    kernels.packB({ k: 27, n: 32, b: heap.put(randomArray(7, 27 * 32)), dst: stemPacked });
    const stemOut = heap.alloc(rows * 32);
    add("im2col 224²×3, 3×3/2", await timing(() => kernels.im2col(stem, stemImage, cols)), 0);
    add(
      "conv 3×3/2 224²×3→32 (im2col + GEMM)",
      await timing(() => {
        kernels.im2col(stem, stemImage, cols);
        kernels.gemm({ m: rows, n: 32, k: 27, a: cols, bPacked: stemPacked, c: stemOut, activation: "relu6" });
      }),
      2 * rows * 27 * 32,
    );
    return [{ name: "layers", description: "MobileNetV1 layers on netc-wasm, 1 thread, batch 1", measurements }];
  },
};
