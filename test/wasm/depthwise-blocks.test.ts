// The depthwise kernel's packed path (3×3, no dilation, stride across 1, or 2 from 128
// channels: channel blocks of 16 repacked into a zero-bordered ring of input rows in scratch)
// against a direct float64 reference, with the fallbacks it leaves to the other paths
// (channels past the last whole vector, other windows, dilations and strides), on one and two
// threads, with and without FMA; and the executor kernel (wasmDepthwise) with the scratch its
// sizing plans, against the JavaScript kernel.
import { afterAll, describe, expect, it } from "vitest";
import type { Pad4 } from "../../src/runtime/ops.ts";
import type { ForwardCall } from "../../src/runtime/kernel.ts";
import { depthwiseKernel } from "../../src/runtime/reference/depthwise.ts";
import { wasmDepthwise, wasmDepthwiseSizing } from "../../src/runtime/wasm/ops/depthwise.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { depthwiseScratchFloats } from "../../src/runtime/wasm/gen/depthwise-kernel.ts";
import { convOutputSize, createWasmKernels, type ConvWindow, type KernelActivation, type WasmKernels } from "../../src/runtime/wasm/host/kernels.ts";
import { depthwiseReference } from "./reference.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

interface Case {
  size: [number, number];
  kernel?: [number, number];
  channels: number;
  stride: [number, number];
  pad: Pad4;
  dilation?: number;
  batch?: number;
}

const s1: [number, number] = [1, 1];
const s2: [number, number] = [2, 2];
const same: Pad4 = [1, 1, 1, 1];

/** MobileNetV1's depthwise layers. */
const MOBILENET: Case[] = [
  { size: [112, 112], channels: 32, stride: s1, pad: same },
  { size: [112, 112], channels: 64, stride: s2, pad: same },
  { size: [56, 56], channels: 128, stride: s1, pad: same },
  { size: [56, 56], channels: 128, stride: s2, pad: same },
  { size: [28, 28], channels: 256, stride: s1, pad: same },
  { size: [28, 28], channels: 256, stride: s2, pad: same },
  { size: [14, 14], channels: 512, stride: s1, pad: same },
  { size: [14, 14], channels: 512, stride: s2, pad: same },
  { size: [7, 7], channels: 1024, stride: s1, pad: same },
];

const EDGES: Case[] = [
  // Channels not a multiple of 16 or of 4 (the tail runs on the general path).
  ...[1, 3, 4, 5, 8, 17, 20, 33, 36].flatMap((channels): Case[] => [
    { size: [9, 10], channels, stride: s1, pad: same, batch: 2 },
    { size: [10, 9], channels, stride: s2, pad: same },
  ]),
  // Stride 2 takes the packed path from 128 channels.
  { size: [9, 10], channels: 129, stride: s2, pad: same, batch: 2 },
  { size: [8, 7], channels: 132, stride: s2, pad: [0, 1, 0, 1] },
  { size: [7, 9], channels: 146, stride: s2, pad: [1, 0, 2, 0] },
  { size: [5, 6], channels: 160, stride: [1, 2], pad: [0, 0, 0, 0] },
  { size: [6, 7], channels: 48, stride: s1, pad: [0, 0, 0, 0] },
  { size: [7, 8], channels: 24, stride: s2, pad: [0, 1, 0, 1], batch: 3 },
  { size: [8, 7], channels: 20, stride: s2, pad: [1, 0, 1, 0] },
  { size: [5, 9], channels: 16, stride: s1, pad: [2, 0, 1, 3] },
  { size: [6, 6], channels: 12, stride: s1, pad: [2, 2, 2, 2] },
  { size: [9, 9], channels: 16, stride: [3, 1], pad: same },
  { size: [9, 9], channels: 16, stride: [1, 2], pad: same },
  { size: [1, 1], channels: 16, stride: s1, pad: same },
  { size: [2, 3], channels: 16, stride: s2, pad: same },
  { size: [3, 3], channels: 64, stride: s1, pad: [0, 0, 0, 0] },
  // Not the packed path: dilation, other windows, stride 3 across.
  { size: [9, 11], channels: 12, stride: s1, pad: [2, 2, 2, 2], dilation: 2, batch: 2 },
  { size: [9, 8], kernel: [5, 5], channels: 21, stride: s1, pad: [2, 2, 2, 2] },
  { size: [7, 9], kernel: [1, 3], channels: 8, stride: s1, pad: [0, 0, 1, 1] },
  { size: [10, 10], channels: 8, stride: [3, 3], pad: same },
];

function geometry(c: Case): ConvWindow {
  const dilation = c.dilation ?? 1;
  return {
    batch: c.batch ?? 1,
    height: c.size[0],
    width: c.size[1],
    channels: c.channels,
    kernel: c.kernel ?? [3, 3],
    stride: c.stride,
    pad: c.pad,
    dilation: [dilation, dilation],
  };
}

const describeCase = (c: Case) =>
  `${c.batch ?? 1}×${c.size.join("×")}×${c.channels} k${(c.kernel ?? [3, 3]).join("×")} s${c.stride} p${c.pad} d${c.dilation ?? 1}`;

/** Runs every case with the scratch the packed path needs (placed first, at offset 0, with a
 * canary after it) and checks each activation, with and without bias, against the reference. */
function check(kernels: WasmKernels, heap: BumpAllocator, cases: Case[], seed: number): void {
  cases.forEach((c, index) => {
    heap.reset();
    const g = geometry(c);
    const [oh, ow] = convOutputSize(g);
    const scratchFloats = kernels.threads * depthwiseScratchFloats(g.channels, ow, g.stride[1]);
    const scratch = heap.alloc(scratchFloats);
    const canary = heap.put(new Float32Array(64).fill(7));
    const image = randomArray(seed + index, g.batch * g.height * g.width * g.channels).map((v) => 4 * v);
    const weights = randomArray(seed + index + 100, g.kernel[0] * g.kernel[1] * g.channels);
    const imageAt = heap.put(image);
    const weightsAt = heap.put(weights);
    for (const bias of [randomArray(seed + index + 200, g.channels), null]) {
      const biasAt = bias ? heap.put(bias) : undefined;
      for (const activation of ["none", "relu", "relu6"] as KernelActivation[]) {
        const out = heap.alloc(g.batch * oh * ow * g.channels);
        kernels.depthwise(g, { image: imageAt, weights: weightsAt, bias: biasAt, activation, out, scratch, scratchFloats });
        const want = depthwiseReference(g, image, weights, bias, activation);
        const label = `${describeCase(c)} ${activation} ${bias ? "bias" : "no bias"}`;
        expect(relativeError(heap.f32(out, want.length), want, 1e-6), label).toBeLessThanOrEqual(1e-4);
      }
    }
    expect([...heap.f32(canary, 64)].every((v) => v === 7), `${describeCase(c)}: wrote past its scratch`).toBe(true);
  });
}

describe("depthwise packed path", () => {
  const created: WasmKernels[] = [];
  afterAll(async () => {
    for (const k of created) await k.dispose();
  });

  for (const fma of [false, true]) {
    it(`equals the direct convolution on MobileNetV1's shapes and at the edges (one thread, ${fma ? "FMA" : "plain SIMD"})`, async () => {
      const memory = createKernelMemory(1 << 24);
      const kernels = await createWasmKernels(memory, { fma });
      check(kernels, new BumpAllocator(memory), [...MOBILENET, ...EDGES], 1);
    });
  }

  it("equals the direct convolution split across two threads (by images, output rows or channels)", async () => {
    const memory = createKernelMemory(1 << 24, 1 << 26);
    // parallelMinMacs 0 splits every call, however small.
    const kernels = await createWasmKernels(memory, { threads: 2, parallelMinMacs: 0 });
    created.push(kernels);
    check(kernels, new BumpAllocator(memory), [...MOBILENET, ...EDGES], 2);
  });

  it("runs in the executor's kernel with the scratch its sizing plans, as the JavaScript kernel", async () => {
    const memory = createKernelMemory(1 << 24, 1 << 26);
    const kernels = await createWasmKernels(memory, { threads: 2 });
    created.push(kernels);
    const heap = new BumpAllocator(memory);
    const kernel = wasmDepthwise(kernels);
    for (const [index, c] of [MOBILENET[0]!, MOBILENET[7]!, EDGES.find((c) => c.channels === 17)!, EDGES.find((c) => c.channels === 129)!].entries()) {
      heap.reset();
      const g = geometry(c);
      const [oh, ow] = convOutputSize(g);
      const attrs = { op: "depthwise", kernel: g.kernel, stride: g.stride, pad: g.pad, dilation: g.dilation, multiplier: 1 } as const;
      const batch = g.batch;
      const inShapes = [[g.height, g.width, g.channels]];
      const outShape = [oh, ow, g.channels];
      const scratchFloats = wasmDepthwiseSizing.scratchSize!({ attrs, inShapes, outShape, maxBatch: batch, training: false } as never);
      expect(scratchFloats).toBeGreaterThan(0);
      const f32 = (data: Float32Array) => heap.f32(heap.put(data), data.length);
      const image = f32(randomArray(index + 300, batch * g.height * g.width * g.channels));
      const weights = f32(randomArray(index + 301, 9 * g.channels));
      const bias = f32(randomArray(index + 302, g.channels));
      const call = (output: Float32Array, scratch: Float32Array) =>
        ({ attrs, batch, inShapes, outShape, inputs: [image], output, params: [weights, bias], scratch, activation: "relu6", training: false }) as unknown as ForwardCall<"depthwise">;
      const got = heap.f32(heap.alloc(batch * oh * ow * g.channels), batch * oh * ow * g.channels);
      kernel.forward(call(got, heap.f32(heap.alloc(scratchFloats), scratchFloats)));
      const want = new Float32Array(got.length);
      depthwiseKernel.forward(call(want, new Float32Array(0)));
      expect(relativeError(got, want, 1e-6), describeCase(c)).toBeLessThanOrEqual(1e-4);
    }
  });
});
