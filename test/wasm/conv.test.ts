// im2col + GEMM against a direct convolution; col2im as im2col's adjoint; depthwise.
import { describe, expect, it } from "vitest";
import type { Pad4 } from "../../src/runtime/ops.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { convOutputSize, createWasmKernels, type ConvWindow, type KernelActivation } from "../../src/runtime/wasm/host/kernels.ts";
import { convReference, depthwiseReference } from "./reference.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

interface Window {
  kernel: [number, number];
  stride: [number, number];
  pad: Pad4;
  dilation: [number, number];
}

const WINDOWS: Window[] = [
  { kernel: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1] },
  { kernel: [3, 3], stride: [2, 2], pad: [0, 1, 0, 1], dilation: [1, 1] },
  { kernel: [5, 5], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1] },
  { kernel: [1, 1], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1] },
  { kernel: [3, 2], stride: [2, 1], pad: [2, 0, 1, 3], dilation: [2, 3] },
  { kernel: [7, 7], stride: [2, 2], pad: [3, 3, 3, 3], dilation: [1, 1] },
];
const CHANNELS = [1, 3, 5, 16, 17, 36];

function geometries(): ConvWindow[] {
  const out: ConvWindow[] = [];
  let i = 0;
  for (const w of WINDOWS)
    for (const channels of CHANNELS) {
      const size = 5 + (i++ % 4) * 3;
      out.push({ batch: 1 + (i % 2), height: size, width: size + 1, channels, ...w });
    }
  return out;
}

function describeGeometry(g: ConvWindow): string {
  return `${g.batch}×${g.height}×${g.width}×${g.channels} k${g.kernel} s${g.stride} p${g.pad} d${g.dilation}`;
}

for (const fma of [false, true]) {
  describe(`wasm conv kernels (${fma ? "FMA" : "plain SIMD"})`, () => {
    it("im2col + GEMM equals a direct convolution", async () => {
      const memory = createKernelMemory(1 << 22);
      const kernels = await createWasmKernels(memory, { fma });
      const heap = new BumpAllocator(memory);
      for (const [index, g] of geometries().entries()) {
        heap.reset();
        const filters = [1, 7, 16][index % 3]!;
        const [oh, ow] = convOutputSize(g);
        const rows = g.batch * oh * ow;
        const depth = g.kernel[0] * g.kernel[1] * g.channels;
        const image = randomArray(index + 1, g.batch * g.height * g.width * g.channels);
        const kernel = randomArray(index + 100, depth * filters);
        const imageAt = heap.put(image);
        const cols = heap.alloc(rows * depth);
        const packed = heap.alloc(kernels.packedBFloats(depth, filters));
        const out = heap.alloc(rows * filters);
        kernels.im2col(g, imageAt, cols);
        kernels.packB({ k: depth, n: filters, b: heap.put(kernel), dst: packed });
        kernels.gemm({ m: rows, n: filters, k: depth, a: cols, bPacked: packed, c: out });
        const err = relativeError(heap.f32(out, rows * filters), convReference(g, image, kernel, filters), 1e-6);
        expect(err, describeGeometry(g)).toBeLessThanOrEqual(1e-4);
      }
    });

    it("col2im is the adjoint of im2col: <im2col(x), y> = <x, col2im(y)>", async () => {
      const memory = createKernelMemory(1 << 22);
      const kernels = await createWasmKernels(memory, { fma });
      const heap = new BumpAllocator(memory);
      for (const [index, g] of geometries().entries()) {
        heap.reset();
        const [oh, ow] = convOutputSize(g);
        const pixels = g.batch * g.height * g.width * g.channels;
        const colFloats = g.batch * oh * ow * g.kernel[0] * g.kernel[1] * g.channels;
        const x = randomArray(index + 7, pixels);
        const y = randomArray(index + 8, colFloats);
        const cols = heap.alloc(colFloats);
        kernels.im2col(g, heap.put(x), cols);
        const back = heap.put(new Float32Array(pixels).fill(0.5)); // col2im adds onto what is there
        kernels.col2im(g, heap.put(y), back);
        const colsValues = heap.f32(cols, colFloats);
        const backValues = heap.f32(back, pixels);
        let lhs = 0;
        let rhs = 0;
        for (let i = 0; i < colFloats; i++) lhs += colsValues[i]! * y[i]!;
        for (let i = 0; i < pixels; i++) rhs += x[i]! * (backValues[i]! - 0.5);
        expect(Math.abs(lhs - rhs) / Math.max(1, Math.abs(lhs)), describeGeometry(g)).toBeLessThanOrEqual(1e-4);
      }
    });

    it("depthwise equals a direct depthwise convolution, with bias and activations", async () => {
      const memory = createKernelMemory(1 << 22);
      const kernels = await createWasmKernels(memory, { fma });
      const heap = new BumpAllocator(memory);
      const activations: KernelActivation[] = ["none", "relu", "relu6"];
      for (const [index, g] of geometries().entries()) {
        heap.reset();
        const [oh, ow] = convOutputSize(g);
        // Scaled so some outputs pass 6 and relu6 clips.
        const image = randomArray(index + 3, g.batch * g.height * g.width * g.channels).map((v) => 4 * v);
        const weights = randomArray(index + 4, g.kernel[0] * g.kernel[1] * g.channels);
        const bias = index % 2 === 0 ? randomArray(index + 5, g.channels) : null;
        const activation = activations[index % 3]!;
        const out = heap.alloc(g.batch * oh * ow * g.channels);
        kernels.depthwise(g, { image: heap.put(image), weights: heap.put(weights), bias: bias ? heap.put(bias) : undefined, activation, out });
        const want = depthwiseReference(g, image, weights, bias, activation);
        expect(relativeError(heap.f32(out, want.length), want, 1e-6), `${describeGeometry(g)} ${activation}`).toBeLessThanOrEqual(1e-4);
      }
    });
  });
}
