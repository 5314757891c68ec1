// The WebAssembly backend's Gemm against the runtime's JavaScript GEMM, on the executor's arena.
import { describe, expect, it } from "vitest";
import { createArena } from "../../src/runtime/arena.ts";
import { jsGemm } from "../../src/runtime/gemm.ts";
import { createWasmBackend } from "../../src/runtime/wasm/wasm-backend.ts";
import { randomArray } from "../support/arrays.ts";
import { relativeError } from "../support/close.ts";

describe("wasm backend", () => {
  it("matches the JavaScript GEMM for every transpose, offsets and leading dimensions", async () => {
    const backend = await createWasmBackend({ workspaceBytes: 1 << 16 });
    const arena = createArena(1 << 20);
    expect(arena.memory).not.toBeNull();
    const gemm = backend.bind({ memory: arena.memory, workspaceOffset: 0, workspaceBytes: backend.workspaceBytes });
    const f32 = new Float32Array(arena.buffer);
    const pad = 3; // leading dimensions wider than the matrices
    let seed = 1;
    for (const [m, n, k] of [[1, 1, 1], [5, 17, 3], [17, 5, 64], [64, 33, 17]] as const)
      for (const transA of [false, true])
        for (const transB of [false, true])
          for (const accumulate of [false, true]) {
            const lda = (transA ? m : k) + pad;
            const ldb = (transB ? k : n) + pad;
            const ldc = n + pad;
            // A, B, C placed after the workspace at odd element offsets.
            const aOff = (1 << 14) + 1;
            const bOff = aOff + (transA ? k : m) * lda + 5;
            const cOff = bOff + (transB ? n : k) * ldb + 7;
            f32.set(randomArray(seed++, (transA ? k : m) * lda), aOff);
            f32.set(randomArray(seed++, (transB ? n : k) * ldb), bOff);
            const c0 = randomArray(seed++, m * ldc);
            f32.set(c0, cOff);
            const want = c0.slice();
            jsGemm.gemm(transA, transB, m, n, k, f32, aOff, lda, f32, bOff, ldb, want, 0, ldc, accumulate);
            gemm.gemm(transA, transB, m, n, k, f32, aOff, lda, f32, bOff, ldb, f32, cOff, ldc, accumulate);
            const err = relativeError(f32.subarray(cOff, cOff + m * ldc), want, 1e-6);
            expect(err, `m=${m} n=${n} k=${k} transA=${transA} transB=${transB} acc=${accumulate}`).toBeLessThanOrEqual(1e-4);
          }
  });

  it("falls back to JavaScript for operands outside the arena", async () => {
    const backend = await createWasmBackend();
    const arena = createArena(backend.workspaceBytes + (1 << 16));
    const gemm = backend.bind({ memory: arena.memory, workspaceOffset: 0, workspaceBytes: backend.workspaceBytes });
    const a = randomArray(1, 12);
    const b = randomArray(2, 12);
    const c = new Float32Array(9);
    const want = new Float32Array(9);
    gemm.gemm(false, false, 3, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false);
    jsGemm.gemm(false, false, 3, 3, 4, a, 0, 4, b, 0, 3, want, 0, 3, false);
    expect(relativeError(c, want, 1e-6)).toBeLessThanOrEqual(1e-6);
  });
});
