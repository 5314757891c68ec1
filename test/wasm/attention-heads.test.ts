// The attention_heads export (src/runtime/wasm/gen/attention-kernel.ts: every head's scores, row
// softmax and weighted values of one sample in one call) against the same products computed
// head by head in float64, on one and two threads: head widths of 16 and 6 (a partial panel),
// keys that fill no whole panel, causal masks, and a cross-attention shape (s ≠ t). Guard
// bands around the output catch writes outside each head's columns.
import { afterAll, describe, expect, it } from "vitest";
import { BumpAllocator, createKernelMemory } from "../../src/runtime/wasm/host/bump-allocator.ts";
import { attentionWorkspaceFloats } from "../../src/runtime/wasm/gen/attention-kernel.ts";
import { createWasmKernels, type WasmKernels } from "../../src/runtime/wasm/host/kernels.ts";
import { expectGuardsIntact, guarded } from "./guards.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

/** out[i, h·d + j] = Σ_k softmax_k(scale·Q_h[i]·K_h[k]) V_h[k, j], keys after i masked when causal. */
function reference(q: Float32Array, k: Float32Array, v: Float32Array, t: number, s: number, ld: number, d: number, heads: number, scale: number, causal: boolean): Float64Array {
  const out = new Float64Array(t * ld);
  for (let h = 0; h < heads; h++) {
    for (let i = 0; i < t; i++) {
      const visible = causal ? Math.min(s, i + 1) : s;
      const scores = Array.from({ length: visible }, (_, key) => {
        let dot = 0;
        for (let j = 0; j < d; j++) dot += q[i * ld + h * d + j]! * k[key * ld + h * d + j]!;
        return scale * dot;
      });
      const max = Math.max(...scores);
      const e = scores.map((x) => Math.exp(x - max));
      const sum = e.reduce((a, b) => a + b, 0);
      for (let j = 0; j < d; j++) {
        let acc = 0;
        for (let key = 0; key < visible; key++) acc += (e[key]! / sum) * v[key * ld + h * d + j]!;
        out[i * ld + h * d + j] = acc;
      }
    }
  }
  return out;
}

const CASES = [
  { t: 50, s: 50, d: 16, heads: 4, causal: false },
  { t: 13, s: 13, d: 6, heads: 3, causal: true },
  { t: 7, s: 19, d: 16, heads: 2, causal: false },
  { t: 37, s: 37, d: 64, heads: 3, causal: false },
];

const disposers: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const dispose of disposers) await dispose();
});

for (const threads of [1, 2] as const) {
  describe(`attention_heads (${threads} thread${threads > 1 ? "s" : ""})`, () => {
    it("matches the per-head softmax(scale·Q·Kᵀ)·V", async () => {
      const memory = createKernelMemory(1 << 22);
      // A threshold of 0 hands every call with two or more heads to both threads.
      const kernels: WasmKernels = await createWasmKernels(memory, { threads, parallelMinMacs: 0 });
      disposers.push(() => kernels.dispose());
      const heap = new BumpAllocator(memory);
      for (const { t, s, d, heads, causal } of CASES) {
        heap.reset();
        const ld = heads * d;
        const q = randomArray(t + d, t * ld).map((x) => 2 * x);
        const k = randomArray(s + d + 1, s * ld).map((x) => 2 * x);
        const v = randomArray(s + d + 2, s * ld);
        const scale = 1 / Math.sqrt(d);
        const out = guarded(heap, new Float32Array(t * ld));
        const workspace = heap.alloc(threads * attentionWorkspaceFloats(t, s, d, kernels.panelWidth));
        kernels.attentionHeads({ q: heap.put(q), k: heap.put(k), v: heap.put(v), out, t, s, ld, d, heads, scale, causalOffset: causal ? 0 : undefined, workspace });
        const what = `t ${t}, s ${s}, d ${d}, ${heads} heads${causal ? ", causal" : ""}`;
        expect(relativeError(heap.f32(out, t * ld), reference(q, k, v, t, s, ld, d, heads, scale, causal), 1e-6), what).toBeLessThan(1e-5);
        expectGuardsIntact(heap, out, t * ld, what);
      }
    });
  });
}
