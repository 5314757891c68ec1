// The WebAssembly kernels behind the training fast paths, against float64 formulas and the
// pure-TypeScript reference kernels: element-wise activations and their gradients, pools
// forward and backward, patches/addPatches (im2col/col2im by window rows), the narrow GEMM,
// column sums, the depthwise backward, and the add / mul broadcasts. Every kernel is checked with a guard band around its output so a write
// outside the given ranges fails.
import { describe, expect, it } from "vitest";
import { jsGemm } from "../../src/runtime/gemm.ts";
import type { ForwardCall } from "../../src/runtime/kernel.ts";
import { onePlusErf } from "../../src/runtime/reference/activation.ts";
import { col2imAdd, im2col } from "../../src/runtime/reference/conv-geometry.ts";
import { depthwiseBackward, depthwiseGeometry } from "../../src/runtime/reference/depthwise.ts";
import { avgpoolKernel, maxpoolKernel } from "../../src/runtime/reference/pool.ts";
import type { Pad4 } from "../../src/runtime/ops.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import {
  convOutputSize,
  createWasmKernels,
  type ConvWindow,
  type ElementwiseActivation,
  type KernelActivation,
  type WasmKernels,
} from "../../src/runtime/wasm/host/kernels.ts";
import { expectGuardsIntact, guarded } from "./guards.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Each activation and its derivative, written in terms of the output y — or of the input x
 * where `fromInput` (the `_grad` export then takes x). */
const FORMULAS: Record<ElementwiseActivation, { value: (x: number) => number; derivative: (v: number) => number; fromInput?: boolean }> = {
  relu: { value: (x) => Math.max(x, 0), derivative: (y) => (y > 0 ? 1 : 0) },
  relu6: { value: (x) => Math.min(Math.max(x, 0), 6), derivative: (y) => (y > 0 && y < 6 ? 1 : 0) },
  sigmoid: { value: sigmoid, derivative: (y) => y * (1 - y) },
  tanh: { value: Math.tanh, derivative: (y) => 1 - y * y },
  swish: { value: (x) => x * sigmoid(x), derivative: (x) => sigmoid(x) * (1 + x * (1 - sigmoid(x))), fromInput: true },
  // Exact GELU with the reference's erf (reference/activation.ts), in float64.
  gelu: {
    value: (x) => 0.5 * x * onePlusErf(x * Math.SQRT1_2),
    derivative: (x) => 0.5 * onePlusErf(x * Math.SQRT1_2) + (x * Math.exp(-0.5 * x * x)) / Math.sqrt(2 * Math.PI),
    fromInput: true,
  },
};

/** max |got − want| / |want| over entries with |want| above `floor`. */
function pointwiseRelativeError(got: ArrayLike<number>, want: ArrayLike<number>, floor: number): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(want[i]!) > floor) worst = Math.max(worst, Math.abs(got[i]! - want[i]!) / Math.abs(want[i]!));
  }
  return worst;
}

async function setUp(fma: boolean): Promise<{ kernels: WasmKernels; heap: BumpAllocator }> {
  const memory = createKernelMemory(1 << 24);
  const kernels = await createWasmKernels(memory, { fma });
  return { kernels, heap: new BumpAllocator(memory) };
}

interface PoolCase {
  batch: number;
  height: number;
  width: number;
  channels: number;
  kernel: [number, number];
  stride: [number, number];
  pad: Pad4;
  includePad: boolean;
}

const POOL_CASES: PoolCase[] = [
  { batch: 2, height: 8, width: 8, channels: 6, kernel: [2, 2], stride: [2, 2], pad: [0, 0, 0, 0], includePad: false },
  { batch: 1, height: 7, width: 9, channels: 21, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], includePad: true },
  { batch: 1, height: 7, width: 9, channels: 3, kernel: [3, 3], stride: [2, 2], pad: [1, 1, 1, 1], includePad: false },
  // Overlapping windows: backward must accumulate.
  { batch: 2, height: 6, width: 5, channels: 16, kernel: [3, 2], stride: [1, 1], pad: [1, 0, 0, 1], includePad: false },
  { batch: 1, height: 5, width: 5, channels: 1, kernel: [5, 5], stride: [1, 1], pad: [2, 2, 2, 2], includePad: true },
];

function poolOutput(c: PoolCase): [number, number] {
  return convOutputSize({ ...c, dilation: [1, 1] });
}

function poolCall(c: PoolCase, op: "maxpool" | "avgpool", x: Float32Array): ForwardCall<"maxpool"> {
  const [oh, ow] = poolOutput(c);
  const attrs = { op, kernel: c.kernel, stride: c.stride, pad: c.pad, includePad: c.includePad };
  return {
    attrs: attrs as ForwardCall<"maxpool">["attrs"],
    batch: c.batch,
    inShapes: [[c.height, c.width, c.channels]],
    outShape: [oh, ow, c.channels],
    inputs: [x],
    output: new Float32Array(c.batch * oh * ow * c.channels),
    params: [],
    saved: new Float32Array(0),
    scratch: new Float32Array(0),
    training: true,
    rng: new Rng(1),
    gemm: jsGemm,
    activation: null,
  };
}

const PATCH_GEOMETRIES: ConvWindow[] = [
  { batch: 2, height: 8, width: 8, channels: 1, kernel: [5, 5], stride: [1, 1], pad: [2, 2, 2, 2], dilation: [1, 1] },
  { batch: 1, height: 7, width: 6, channels: 6, kernel: [5, 5], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1] },
  { batch: 2, height: 9, width: 7, channels: 3, kernel: [3, 3], stride: [2, 2], pad: [1, 0, 0, 1], dilation: [1, 1] },
  { batch: 1, height: 9, width: 9, channels: 5, kernel: [3, 2], stride: [1, 2], pad: [2, 1, 1, 3], dilation: [2, 2] },
  { batch: 1, height: 6, width: 6, channels: 17, kernel: [2, 4], stride: [2, 1], pad: [0, 1, 2, 1], dilation: [1, 1] },
];

function jsGeometry(g: ConvWindow) {
  const [outH, outW] = convOutputSize(g);
  return {
    h: g.height,
    w: g.width,
    c: g.channels,
    outH,
    outW,
    kh: g.kernel[0],
    kw: g.kernel[1],
    strideH: g.stride[0],
    strideW: g.stride[1],
    pad: g.pad,
    dilationH: g.dilation[0],
    dilationW: g.dilation[1],
  };
}

for (const fma of [false, true]) {
  describe(`wasm training kernels (${fma ? "FMA" : "plain SIMD"})`, () => {
    it("computes the activations to 1e-6 of the float64 formulas, in place or not, on any length", async () => {
      const { kernels, heap } = await setUp(fma);
      // A sweep over [−12, 12] (both tanh branches, saturation) plus tiny values.
      const sweep = Float32Array.from({ length: 24001 }, (_, i) => (i - 12000) * 1e-3);
      const tiny = Float32Array.from({ length: 203 }, (_, i) => (i - 101) * 1e-7);
      for (const kind of ["relu", "relu6", "sigmoid", "tanh", "swish", "gelu"] as const) {
        for (const x of [sweep, tiny, sweep.subarray(0, 7), sweep.subarray(3, 4)]) {
          heap.reset();
          const xAt = guarded(heap, x);
          const yAt = guarded(heap, new Float32Array(x.length));
          kernels.activation(kind, { x: xAt, y: yAt, n: x.length });
          const want = Array.from(x, FORMULAS[kind].value);
          // GELU's negative tail is x·erfc(|x|/√2)/2 = x·t·e^{−x²/2 + P(t)}/2: the rounding of
          // that float32 exponent (−10 near x = −4.5, −72 at x = −12) alone moves the result by
          // up to 2e-6 relative above 1e-6, and ~1e-5 relative in the far tail.
          const floor = kind === "gelu" ? 1e-6 : 1e-30;
          const bound = kind === "gelu" ? 3e-6 : 1e-6;
          expect(pointwiseRelativeError(heap.f32(yAt, x.length), want, floor), `${kind} n=${x.length}`).toBeLessThanOrEqual(bound);
          if (kind === "gelu") expect(pointwiseRelativeError(heap.f32(yAt, x.length), want, 1e-30), "gelu tail").toBeLessThanOrEqual(5e-5);
          expectGuardsIntact(heap, yAt, x.length, kind);
          kernels.activation(kind, { x: xAt, y: xAt, n: x.length }); // in place
          expect(pointwiseRelativeError(heap.f32(xAt, x.length), want, floor), `${kind} in place`).toBeLessThanOrEqual(bound);
          expectGuardsIntact(heap, xAt, x.length, kind);
        }
      }
    });

    it("adds dy·f'(y) into dx from the activation's output (swish: from its input)", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const kind of ["relu", "relu6", "sigmoid", "tanh", "swish", "gelu"] as const) {
        for (const n of [1, 4, 13, 1000]) {
          heap.reset();
          const x = randomArray(n, n).map((v) => 8 * v);
          const { value, derivative, fromInput } = FORMULAS[kind];
          const v = fromInput ? x : Float32Array.from(x, value);
          const dy = randomArray(n + 1, n);
          const dx0 = randomArray(n + 2, n);
          const dxAt = guarded(heap, dx0);
          kernels.activationGrad(kind, { y: heap.put(v), dy: heap.put(dy), dx: dxAt, n });
          const want = Array.from(dx0, (d, i) => d + dy[i]! * derivative(v[i]!));
          expect(relativeError(heap.f32(dxAt, n), want, 1e-6), `${kind} n=${n}`).toBeLessThanOrEqual(1e-6);
          expectGuardsIntact(heap, dxAt, n, `${kind} grad`);
        }
      }
    });

    it("pools like the reference kernels, forward and backward (ties go to the first maximum)", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const [index, c] of POOL_CASES.entries()) {
        const size = c.batch * c.height * c.width * c.channels;
        // Quantised values make ties common; one plane of −∞ checks max's start value.
        const x = randomArray(index + 1, size).map((v, i) => (i % 29 === 0 ? -Infinity : Math.round(4 * v) / 4));
        for (const op of ["maxpool", "avgpool"] as const) {
          heap.reset();
          const call = poolCall(c, op, x);
          const [oh, ow] = poolOutput(c);
          const outFloats = c.batch * oh * ow * c.channels;
          const reference = (op === "maxpool" ? maxpoolKernel : avgpoolKernel) as unknown as typeof maxpoolKernel;
          reference.forward(call);
          const g = { ...c, out: [oh, ow] as [number, number], kind: op === "maxpool" ? ("max" as const) : ("avg" as const) };
          const xAt = heap.put(x);
          const outAt = guarded(heap, new Float32Array(outFloats));
          kernels.pool(g, { image: xAt, out: outAt });
          const what = `${op} case ${index}`;
          expect([...heap.f32(outAt, outFloats)], what).toEqual([...call.output].map((v) => expect.closeTo(v, 5)));
          expectGuardsIntact(heap, outAt, outFloats, what);

          const dy = randomArray(index + 50, outFloats);
          const dx0 = randomArray(index + 60, size);
          const dxWant = dx0.slice();
          reference.backward({ ...call, outGrad: dy, inGrads: [dxWant], paramGrads: [] });
          // Max backward finds each window's max again, or takes it from the forward's output.
          for (const pooled of [undefined, outAt]) {
            const dxAt = guarded(heap, dx0);
            kernels.poolGrad(g, { image: xAt, dy: heap.put(dy), dx: dxAt, pooled });
            expect(relativeError(heap.f32(dxAt, size), dxWant, 1e-6), `${what} backward`).toBeLessThanOrEqual(1e-6);
            expectGuardsIntact(heap, dxAt, size, `${what} backward`);
          }
        }
      }
    });

    it("builds patch matrices like im2col and adds them back like col2im", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const [index, g] of PATCH_GEOMETRIES.entries()) {
        heap.reset();
        const js = jsGeometry(g);
        const imageFloats = g.batch * g.height * g.width * g.channels;
        const colFloats = g.batch * js.outH * js.outW * js.kh * js.kw * g.channels;
        const image = randomArray(index + 1, imageFloats);
        const want = new Float32Array(colFloats);
        im2col(js, image, 0, g.batch, 0, g.channels, want);
        const colsAt = guarded(heap, new Float32Array(colFloats).fill(7)); // every entry must be written
        kernels.patches(g, heap.put(image), colsAt);
        expect(heap.f32(colsAt, colFloats), `patches ${index}`).toEqual(want);
        expectGuardsIntact(heap, colsAt, colFloats, `patches ${index}`);

        const cols = randomArray(index + 2, colFloats);
        const base = randomArray(index + 3, imageFloats);
        const summed = base.slice();
        col2imAdd(js, cols, 0, g.batch, 0, g.channels, summed);
        const imageAt = guarded(heap, base);
        kernels.addPatches(g, heap.put(cols), imageAt);
        expect(relativeError(heap.f32(imageAt, imageFloats), summed, 1e-6), `addPatches ${index}`).toBeLessThanOrEqual(1e-6);
        expectGuardsIntact(heap, imageAt, imageFloats, `addPatches ${index}`);
      }
    });

    it("multiplies narrow matrices: every n up to two blocks, long K in chunks, transposed A, epilogue", async () => {
      const { kernels, heap } = await setUp(fma);
      const activations: KernelActivation[] = ["none", "relu", "relu6"];
      let index = 0;
      for (const n of [1, 3, 4, 6, 9, 12, 16, 17, 29, 33]) {
        for (const [m, k] of [[1, 1], [7, 25], [13, 600], [26, 3]] as const) {
          for (const transposedA of [false, true]) {
            index++;
            heap.reset();
            const a = randomArray(index, m * k);
            const b = randomArray(index + 1000, k * n);
            const c0 = randomArray(index + 2000, m * n).map((v) => 3 * v);
            const bias = index % 2 ? randomArray(index + 3000, n) : null;
            const accumulate = index % 3 === 0;
            const activation = activations[index % 3]!;
            const want = new Float32Array(c0);
            const epilogue = { bias: bias ?? undefined, activation: activation === "none" ? undefined : activation };
            // prettier-ignore
            jsGemm.gemm(transposedA, false, m, n, k, a, 0, transposedA ? m : k, b, 0, n, want, 0, n, accumulate, epilogue);
            const cAt = guarded(heap, c0);
            kernels.narrowGemm({
              m,
              n,
              k,
              a: heap.put(a),
              aRowStride: transposedA ? 1 : k,
              aColStride: transposedA ? m : 1,
              b: heap.put(b),
              c: cAt,
              bias: bias ? heap.put(bias) : undefined,
              accumulate,
              activation,
            });
            const what = `m${m} n${n} k${k} transposedA=${transposedA} accumulate=${accumulate} bias=${!!bias} ${activation}`;
            expect(relativeError(heap.f32(cAt, m * n), want, 1e-6), what).toBeLessThanOrEqual(1e-5);
            expectGuardsIntact(heap, cAt, m * n, what);
          }
        }
      }
    });

    it("convolves and takes filter gradients straight from a padded image, as patches + GEMM do", async () => {
      const { kernels, heap } = await setUp(fma);
      const cases: ConvWindow[] = [
        { batch: 2, height: 12, width: 12, channels: 1, kernel: [5, 5], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1] },
        { batch: 2, height: 9, width: 8, channels: 6, kernel: [5, 5], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1] },
        { batch: 1, height: 11, width: 10, channels: 3, kernel: [3, 2], stride: [2, 3], pad: [0, 0, 0, 0], dilation: [2, 1] },
      ];
      for (const [index, g] of cases.entries()) {
        for (const filters of [6, 16, 21]) {
          heap.reset();
          const js = jsGeometry(g);
          const rows = g.batch * js.outH * js.outW;
          const rowLen = js.kh * js.kw * g.channels;
          const image = randomArray(index + 1, g.batch * g.height * g.width * g.channels);
          const weights = randomArray(index + 2, rowLen * filters);
          const bias = randomArray(index + 3, filters);
          const cols = new Float32Array(rows * rowLen);
          im2col(js, image, 0, g.batch, 0, g.channels, cols);
          const want = new Float32Array(rows * filters);
          jsGemm.gemm(false, false, rows, filters, rowLen, cols, 0, rowLen, weights, 0, filters, want, 0, filters, false, { bias, activation: "relu" });
          const imageAt = heap.put(image);
          const outAt = guarded(heap, new Float32Array(rows * filters).fill(9));
          kernels.convNarrow(g, { image: imageAt, weights: heap.put([...weights, 0, 0, 0]), filters, out: outAt, bias: heap.put(bias), activation: "relu" });
          const what = `case ${index}, ${filters} filters`;
          expect(relativeError(heap.f32(outAt, rows * filters), want, 1e-6), what).toBeLessThanOrEqual(1e-5);
          expectGuardsIntact(heap, outAt, rows * filters, what);

          const dy = randomArray(index + 4, rows * filters);
          const dw0 = randomArray(index + 5, rowLen * filters);
          const dwWant = dw0.slice();
          jsGemm.gemm(true, false, rowLen, filters, rows, cols, 0, rowLen, dy, 0, filters, dwWant, 0, filters, true);
          const dwAt = guarded(heap, dw0);
          kernels.convFilterGrad(g, { image: imageAt, dy: heap.put([...dy, 0, 0, 0]), filters, dw: dwAt });
          expect(relativeError(heap.f32(dwAt, rowLen * filters), dwWant, 1e-6), `${what} filter gradient`).toBeLessThanOrEqual(1e-5);
          expectGuardsIntact(heap, dwAt, rowLen * filters, `${what} filter gradient`);
        }
      }
    });

    it("pads images with zeros", async () => {
      const { kernels, heap } = await setUp(fma);
      const g = { batch: 2, height: 3, width: 4, channels: 3 };
      const pad = [1, 2, 0, 3] as const;
      const image = randomArray(1, 2 * 3 * 4 * 3);
      const [hp, wp] = [3 + 1 + 2, 4 + 0 + 3];
      const want = new Float32Array(2 * hp * wp * 3);
      for (let b = 0; b < 2; b++)
        for (let y = 0; y < 3; y++)
          for (let x = 0; x < 4; x++)
            for (let c = 0; c < 3; c++) want[((b * hp + y + 1) * wp + x) * 3 + c] = image[((b * 3 + y) * 4 + x) * 3 + c]!;
      const outAt = guarded(heap, new Float32Array(want.length).fill(5));
      kernels.padImage(g, pad, heap.put(image), outAt);
      expect(heap.f32(outAt, want.length)).toEqual(want);
      expectGuardsIntact(heap, outAt, want.length, "padImage");
    });

    it("adds column sums into a bias gradient", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const [n, k] of [[1, 5], [6, 301], [16, 64], [19, 7]] as const) {
        heap.reset();
        const x = randomArray(n + k, n * k);
        const out0 = randomArray(n, n);
        const want = Array.from(out0, (v, j) => {
          let s = v;
          for (let i = 0; i < k; i++) s += x[i * n + j]!;
          return s;
        });
        const outAt = guarded(heap, out0);
        kernels.columnSums({ n, k, x: heap.put(x), out: outAt });
        expect(relativeError(heap.f32(outAt, n), want, 1e-6), `n${n} k${k}`).toBeLessThanOrEqual(1e-5);
        expectGuardsIntact(heap, outAt, n, `n${n} k${k}`);
      }
    });

    it("accumulates the depthwise input and weight gradients as the reference kernel does", async () => {
      const { kernels, heap } = await setUp(fma);
      const cases: ConvWindow[] = [
        { batch: 2, height: 7, width: 6, channels: 8, kernel: [3, 3], stride: [1, 1], pad: [1, 1, 1, 1], dilation: [1, 1] },
        { batch: 1, height: 9, width: 8, channels: 13, kernel: [3, 3], stride: [2, 2], pad: [0, 1, 0, 1], dilation: [1, 1] },
        { batch: 1, height: 8, width: 9, channels: 6, kernel: [5, 3], stride: [1, 2], pad: [2, 2, 1, 0], dilation: [2, 1] },
        { batch: 3, height: 4, width: 4, channels: 1, kernel: [2, 2], stride: [1, 1], pad: [0, 0, 0, 0], dilation: [1, 1] },
      ];
      cases.forEach((g, index) => {
        const [oh, ow] = convOutputSize(g);
        const c = g.channels;
        const geometry = depthwiseGeometry({ ...g, multiplier: 1 }, [g.height, g.width, c], [oh, ow, c]);
        const image = randomArray(index + 1, g.batch * g.height * g.width * c);
        const weights = randomArray(index + 2, g.kernel[0] * g.kernel[1] * c);
        const dy = randomArray(index + 3, g.batch * oh * ow * c);
        const dx0 = randomArray(index + 4, image.length);
        const dw0 = randomArray(index + 5, weights.length);
        for (const [withDx, withDw] of [[true, true], [true, false], [false, true]] as const) {
          heap.reset();
          const dxAt = guarded(heap, dx0);
          const dwAt = guarded(heap, dw0);
          kernels.depthwiseGrad(g, {
            image: heap.put(image),
            weights: heap.put(weights),
            dy: heap.put(dy),
            dx: withDx ? dxAt : undefined,
            dweights: withDw ? dwAt : undefined,
          });
          const [wantDx, wantDw] = [dx0.slice(), dw0.slice()];
          depthwiseBackward(geometry, 1, g.batch, image, weights, dy, withDx ? wantDx : null, withDw ? wantDw : null);
          const label = `case ${index} dx ${withDx} dw ${withDw}`;
          expect(relativeError(heap.f32(dxAt, dx0.length), wantDx, 1e-6), `${label}: dx`).toBeLessThanOrEqual(1e-5);
          expect(relativeError(heap.f32(dwAt, dw0.length), wantDw, 1e-6), `${label}: dweights`).toBeLessThanOrEqual(1e-5);
          expectGuardsIntact(heap, dxAt, dx0.length, `${label}: dx`);
          expectGuardsIntact(heap, dwAt, dw0.length, `${label}: dweights`);
        }
      });
    });

    it("adds and multiplies same-shape arrays exactly, in place or not, on any length", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const kind of ["add", "mul"] as const) {
        for (const n of [1, 3, 4, 13, 1000]) {
          heap.reset();
          const x = randomArray(n, n);
          const w = randomArray(n + 1, n);
          const want = Float32Array.from(x, (v, i) => (kind === "add" ? v + w[i]! : v * w[i]!));
          const [xAt, wAt] = [heap.put(x), heap.put(w)];
          const yAt = guarded(heap, new Float32Array(n));
          kernels.combine(kind, { x: xAt, w: wAt, y: yAt, n });
          expect(heap.f32(yAt, n), `${kind} n=${n}`).toEqual(want);
          expectGuardsIntact(heap, yAt, n, kind);
          kernels.combine(kind, { x: xAt, w: wAt, y: wAt, n }); // into the second operand
          expect(heap.f32(wAt, n), `${kind} n=${n} in place`).toEqual(want);
        }
      }
    });

    it("scales each pixel's channels by a per-sample channel vector, any channel count", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const [batch, pixels, channels] of [[1, 49, 1152], [2, 6, 7], [3, 5, 4], [1, 3, 1]] as const) {
        heap.reset();
        const x = randomArray(channels, batch * pixels * channels);
        const scale = randomArray(channels + 1, batch * channels);
        const want = Float32Array.from(x, (v, i) => {
          const b = Math.floor(i / (pixels * channels));
          return v * scale[b * channels + (i % channels)]!;
        });
        const xAt = heap.put(x);
        const sAt = heap.put(scale);
        const yAt = guarded(heap, new Float32Array(x.length));
        kernels.scaleChannels({ x: xAt, s: sAt, y: yAt, batch, pixels, channels });
        expect(heap.f32(yAt, x.length), `${batch}×${pixels}×${channels}`).toEqual(want);
        expectGuardsIntact(heap, yAt, x.length, "scaleChannels");
        kernels.scaleChannels({ x: xAt, s: sAt, y: xAt, batch, pixels, channels }); // in place
        expect(heap.f32(xAt, x.length), `${batch}×${pixels}×${channels} in place`).toEqual(want);
      }
    });
  });
}
