// The inference fast paths of the conv kernels against direct float64 references: the depthwise
// kernel's interior paths (no bounds checks: the 3×3 row sweep with weights in registers, and
// the per-pixel walk for wider inputs, strides and other windows) at the shapes and edges they
// must handle, and depthwise and im2col split across the helper thread (by images, or by output
// rows of one image: the lower half runs as a window shifted by a negative top pad).
import { afterAll, describe, expect, it } from "vitest";
import type { Pad4 } from "../../src/runtime/ops.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { convOutputSize, createWasmKernels, type ConvWindow, type KernelActivation, type WasmKernels } from "../../src/runtime/wasm/host/kernels.ts";
import { convReference, depthwiseReference } from "./reference.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

interface Case {
  size: [number, number];
  kernel?: [number, number];
  channels: number;
  stride: number;
  pad: Pad4;
  dilation: number;
  batch: number;
}

// 3×3 unless given. The row sweep takes stride 1 and C ≤ 256 in multiples of 4; 260 and 6
// channels, stride 2 and other windows take the per-pixel interior path; images too small for
// an interior take the general path only.
const CASES: Case[] = [
  { size: [12, 13], channels: 32, stride: 1, pad: [1, 1, 1, 1], dilation: 1, batch: 1 },
  { size: [11, 9], channels: 64, stride: 2, pad: [0, 1, 0, 1], dilation: 1, batch: 2 },
  { size: [8, 8], channels: 256, stride: 1, pad: [1, 1, 1, 1], dilation: 1, batch: 1 },
  { size: [7, 10], channels: 8, stride: 2, pad: [1, 1, 1, 1], dilation: 1, batch: 1 },
  { size: [9, 11], channels: 12, stride: 1, pad: [2, 2, 2, 2], dilation: 2, batch: 2 },
  { size: [10, 7], channels: 4, stride: 3, pad: [2, 0, 0, 3], dilation: 1, batch: 1 },
  { size: [6, 6], channels: 260, stride: 1, pad: [1, 1, 1, 1], dilation: 1, batch: 1 },
  { size: [6, 5], channels: 6, stride: 1, pad: [1, 1, 1, 1], dilation: 1, batch: 2 },
  { size: [2, 3], channels: 16, stride: 1, pad: [1, 1, 1, 1], dilation: 1, batch: 1 },
  { size: [3, 3], channels: 16, stride: 1, pad: [0, 0, 0, 0], dilation: 1, batch: 1 },
  { size: [9, 8], kernel: [5, 3], channels: 21, stride: 1, pad: [2, 2, 1, 1], dilation: 1, batch: 1 },
];

function geometry(c: Case): ConvWindow {
  return {
    batch: c.batch,
    height: c.size[0],
    width: c.size[1],
    channels: c.channels,
    kernel: c.kernel ?? [3, 3],
    stride: [c.stride, c.stride],
    pad: c.pad,
    dilation: [c.dilation, c.dilation],
  };
}

const describeCase = (c: Case) => `${c.batch}×${c.size.join("×")}×${c.channels} s${c.stride} p${c.pad} d${c.dilation}`;

function checkDepthwise(kernels: WasmKernels, heap: BumpAllocator, c: Case, index: number): void {
  heap.reset();
  const g = geometry(c);
  const [oh, ow] = convOutputSize(g);
  // Scaled so that some outputs pass 6 and relu6 clips.
  const image = randomArray(index + 1, g.batch * g.height * g.width * g.channels).map((v) => 4 * v);
  const weights = randomArray(index + 2, g.kernel[0] * g.kernel[1] * g.channels);
  const bias = index % 2 === 0 ? randomArray(index + 3, g.channels) : null;
  const imageAt = heap.put(image);
  const weightsAt = heap.put(weights);
  const biasAt = bias ? heap.put(bias) : undefined;
  for (const activation of ["none", "relu", "relu6"] as KernelActivation[]) {
    const out = heap.alloc(g.batch * oh * ow * g.channels);
    kernels.depthwise(g, { image: imageAt, weights: weightsAt, bias: biasAt, activation, out });
    const want = depthwiseReference(g, image, weights, bias, activation);
    expect(relativeError(heap.f32(out, want.length), want, 1e-6), `${describeCase(c)} ${activation}`).toBeLessThanOrEqual(1e-4);
  }
}

describe("depthwise 3×3 fast path", () => {
  for (const fma of [false, true]) {
    it(`equals a direct depthwise convolution at interiors, borders and fallbacks (${fma ? "FMA" : "plain SIMD"})`, async () => {
      const memory = createKernelMemory(1 << 22);
      const kernels = await createWasmKernels(memory, { fma });
      const heap = new BumpAllocator(memory);
      CASES.forEach((c, i) => checkDepthwise(kernels, heap, c, i));
    });
  }
});

describe("conv kernels on two threads", () => {
  const created: WasmKernels[] = [];
  afterAll(async () => {
    for (const k of created) await k.dispose();
  });
  const twoThreads = async () => {
    const memory = createKernelMemory(1 << 22, 1 << 26);
    // parallelMinMacs 0 splits every call, however small.
    const kernels = await createWasmKernels(memory, { threads: 2, parallelMinMacs: 0 });
    created.push(kernels);
    return { kernels, heap: new BumpAllocator(memory) };
  };

  it("depthwise split by images and by output rows equals the direct convolution", async () => {
    const { kernels, heap } = await twoThreads();
    CASES.forEach((c, i) => checkDepthwise(kernels, heap, c, i));
  });

  it("im2col split by images and by output rows, then GEMM, equals the direct convolution", async () => {
    const { kernels, heap } = await twoThreads();
    for (const [index, c] of CASES.entries()) {
      heap.reset();
      const g = geometry(c);
      const filters = 5;
      const [oh, ow] = convOutputSize(g);
      const rows = g.batch * oh * ow;
      const depth = g.kernel[0] * g.kernel[1] * g.channels;
      const image = randomArray(index + 11, g.batch * g.height * g.width * g.channels);
      const kernel = randomArray(index + 12, depth * filters);
      const cols = heap.alloc(rows * depth);
      const packed = heap.alloc(kernels.packedBFloats(depth, filters));
      const out = heap.alloc(rows * filters);
      kernels.im2col(g, heap.put(image), cols);
      kernels.packB({ k: depth, n: filters, b: heap.put(kernel), dst: packed });
      kernels.gemm({ m: rows, n: filters, k: depth, a: cols, bPacked: packed, c: out });
      expect(relativeError(heap.f32(out, rows * filters), convReference(g, image, kernel, filters), 1e-6), describeCase(c)).toBeLessThanOrEqual(1e-4);
    }
  });
});
