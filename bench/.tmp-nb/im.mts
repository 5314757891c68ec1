import { im2col } from "../../src/runtime/kernels/conv-geometry.ts";
import { createKernelMemory, BumpAllocator } from "../../src/runtime/wasm/arena.ts";
import { createWasmKernels } from "../../src/runtime/wasm/kernels.ts";
const memory = createKernelMemory(64 << 20); const k = await createWasmKernels(memory); const heap = new BumpAllocator(memory);
for (const [h, c, outH, pad] of [[28, 1, 28, 2], [14, 6, 10, 0]] as const) {
  const g = { h, w: h, c, outH, outW: outH, kh: 5, kw: 5, strideH: 1, strideW: 1, pad: [pad, pad, pad, pad] as const, dilationH: 1, dilationW: 1 };
  const img = heap.alloc(64 * h * h * c); const cols = heap.alloc(64 * outH * outH * 25 * c);
  const I = new Float32Array(memory.buffer, img, 64 * h * h * c); const C = new Float32Array(memory.buffer, cols, 64 * outH * outH * 25 * c);
  const wg = { batch: 64, height: h, width: h, channels: c, kernel: [5, 5] as const, stride: [1, 1] as const, pad: g.pad, dilation: [1, 1] as const };
  for (let r = 0; r < 3; r++) {
    let s = performance.now(); for (let i = 0; i < 10; i++) im2col(g, I, 0, 64, 0, c, C); const js = (performance.now() - s) / 10;
    s = performance.now(); for (let i = 0; i < 10; i++) k.im2col(wg, img, cols); const w = (performance.now() - s) / 10;
    console.log(h, c, "js", js.toFixed(2), "wasm", w.toFixed(2));
  }
}
process.exit(0);
