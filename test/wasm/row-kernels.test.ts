// The row kernels of sequence models (src/runtime/wasm/gen/row-kernel.ts) against the reference
// kernels: layernorm and rmsnorm forward and backward, softmax rows (scaled, causal) and the
// softmax backward, on row lengths with and without a partial last vector. Guard bands
// around every output catch writes outside its range.
import { describe, expect, it } from "vitest";
import { runBackward } from "../runtime/kernel-harness.ts";
import { softmaxRows } from "../../src/runtime/reference/attention.ts";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { createWasmKernels, type WasmKernels } from "../../src/runtime/wasm/host/kernels.ts";
import { expectGuardsIntact, guarded } from "./guards.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

async function setUp(fma: boolean): Promise<{ kernels: WasmKernels; heap: BumpAllocator }> {
  const memory = createKernelMemory(1 << 22);
  return { kernels: await createWasmKernels(memory, { fma }), heap: new BumpAllocator(memory) };
}

const SHAPES: [number, number][] = [
  [3, 1],
  [4, 7],
  [2, 16],
  [5, 37],
  [2, 768],
  // Causal rows of every visible length up to 40: blocks of four vectors, single vectors, floats.
  [40, 45],
];

for (const fma of [false, true]) {
  describe(`wasm row kernels (${fma ? "FMA" : "plain SIMD"})`, () => {
    for (const centre of [true, false]) {
      const op = centre ? "layernorm" : "rmsnorm";
      it(`${op} forward and backward match the reference kernel`, async () => {
        const { kernels, heap } = await setUp(fma);
        for (const [rows, c] of SHAPES) {
          heap.reset();
          const x = randomArray(rows + c, rows * c).map((v) => 3 * v + 0.5);
          const gamma = randomArray(c + 1, c);
          const beta = randomArray(c + 2, c);
          const dy = randomArray(c + 3, rows * c);
          const attrs = centre ? ({ op: "layernorm", eps: 1e-5 } as const) : ({ op: "rmsnorm", eps: 1e-6 } as const);
          const params = centre ? [gamma, beta] : [gamma];
          const ref = runBackward({ attrs, inShapes: [[c]], outShape: [c], batch: rows }, [x], params, dy);
          const xAt = heap.put(x);
          const gammaAt = heap.put(gamma);
          const betaAt = centre ? heap.put(beta) : undefined;
          const yAt = guarded(heap, new Float32Array(rows * c));
          const statsAt = guarded(heap, new Float32Array(2 * rows));
          kernels.layernorm({
            x: xAt,
            gamma: gammaAt,
            beta: betaAt,
            y: yAt,
            stats: statsAt,
            rows,
            c,
            eps: attrs.eps,
            centre,
          });
          const what = `${op} [${rows}, ${c}]`;
          expect(relativeError(heap.f32(yAt, rows * c), ref.output, 1e-6), what).toBeLessThan(2e-6);
          expectGuardsIntact(heap, yAt, rows * c, what);
          expectGuardsIntact(heap, statsAt, 2 * rows, `${what} stats`);
          const dx0 = randomArray(7, rows * c);
          const dxAt = guarded(heap, dx0);
          const dgammaAt = guarded(heap, new Float32Array(c));
          const dbetaAt = centre ? guarded(heap, new Float32Array(c)) : undefined;
          kernels.layernormGrad({
            x: xAt,
            gamma: gammaAt,
            stats: statsAt,
            dy: heap.put(dy),
            dx: dxAt,
            dgamma: dgammaAt,
            dbeta: dbetaAt,
            rows,
            c,
            centre,
          });
          const wantDx = Array.from(dx0, (v, i) => v + ref.inGrads[0][i]);
          expect(relativeError(heap.f32(dxAt, rows * c), wantDx, 1e-6), `${what} dx`).toBeLessThan(1e-5);
          expect(relativeError(heap.f32(dgammaAt, c), ref.paramGrads[0]!, 1e-6), `${what} dgamma`).toBeLessThan(1e-5);
          if (dbetaAt)
            expect(relativeError(heap.f32(dbetaAt, c), ref.paramGrads[1]!, 1e-6), `${what} dbeta`).toBeLessThan(1e-5);
          for (const [at, n] of [
            [dxAt, rows * c],
            [dgammaAt, c],
          ] as const)
            expectGuardsIntact(heap, at, n, `${what} grads`);
        }
      });
    }

    it("softmax rows match the reference, scaled, causal or not, masked entries exactly 0", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const [rows, len] of SHAPES) {
        for (const causalOffset of [undefined, 0, 2]) {
          heap.reset();
          const scores = randomArray(rows * len, rows * len).map((v) => 20 * v);
          const want = scores.slice();
          softmaxRows(want, 0, rows, len, 0.35, causalOffset !== undefined, causalOffset ?? 0);
          const at = guarded(heap, scores);
          kernels.softmaxRows({ p: at, rows, len, scale: 0.35, causalOffset });
          const got = heap.f32(at, rows * len);
          const what = `softmax [${rows}, ${len}] offset ${causalOffset}`;
          expect(relativeError(got, want, 1e-6), what).toBeLessThan(1e-6);
          want.forEach((w, i) => {
            if (w === 0) expect(got[i], what).toBe(0);
          });
          expectGuardsIntact(heap, at, rows * len, what);
        }
      }
    });

    it("softmax rows find the maximum wherever it sits (a missed one overflows e^x)", async () => {
      const { kernels, heap } = await setUp(fma);
      const len = 45;
      // Row i has 1000 at position i, the rest small: the weights are 1 there and ~0 elsewhere
      // (e^−87 at most: the exponent is clamped there).
      const scores = randomArray(7, len * len).map((v) => 5 * v);
      for (let i = 0; i < len; i++) scores[i * len + i] = 1000;
      const at = heap.put(scores);
      kernels.softmaxRows({ p: at, rows: len, len, scale: 0.35 });
      const got = heap.f32(at, len * len);
      for (let i = 0; i < len; i++) {
        for (let j = 0; j < len; j++) {
          if (i === j) expect(got[i * len + j], `row ${i}, key ${j}`).toBe(1);
          else expect(got[i * len + j], `row ${i}, key ${j}`).toBeLessThan(1e-37);
        }
      }
    });

    it("softmax backward: dx (+)= scale·y·(dy − Σ dy·y), in place when not accumulating", async () => {
      const { kernels, heap } = await setUp(fma);
      for (const [rows, len] of SHAPES) {
        heap.reset();
        const y = randomArray(len, rows * len).map((v) => Math.abs(v));
        const dy = randomArray(len + 1, rows * len);
        const dx0 = randomArray(len + 2, rows * len);
        const want = new Float32Array(rows * len);
        for (let r = 0; r < rows; r++) {
          let dot = 0;
          for (let j = 0; j < len; j++) dot += dy[r * len + j] * y[r * len + j];
          for (let j = 0; j < len; j++) want[r * len + j] = 0.5 * y[r * len + j] * (dy[r * len + j] - dot);
        }
        const yAt = heap.put(y);
        const dxAt = guarded(heap, dx0);
        kernels.softmaxGrad({ y: yAt, dy: heap.put(dy), dx: dxAt, rows, len, scale: 0.5, accumulate: true });
        expect(
          relativeError(
            heap.f32(dxAt, rows * len),
            Array.from(dx0, (v, i) => v + want[i]), 1e-6,
          ),
          `[${rows}, ${len}]`,
        ).toBeLessThan(1e-5);
        expectGuardsIntact(heap, dxAt, rows * len, "softmax grad");
        const inPlace = guarded(heap, dy);
        kernels.softmaxGrad({ y: yAt, dy: inPlace, dx: inPlace, rows, len, scale: 0.5, accumulate: false });
        expect(relativeError(heap.f32(inPlace, rows * len), want, 1e-6), `in place [${rows}, ${len}]`).toBeLessThan(1e-5);
      }
    });
  });
}
