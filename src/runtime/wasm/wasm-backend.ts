// The runtime Backend (src/runtime/backend.ts) over the WebAssembly kernels: its Gemm finds
// each operand in the executor's arena by byte offset, packs B into the backend's workspace
// and runs the SIMD GEMM in place. Operands outside the arena, or a B too large for the
// workspace, go to the JavaScript GEMM, so results never depend on sizes.
import type { Backend } from "../backend.ts";
import { jsGemm, type Gemm } from "../gemm.ts";
import { detectRelaxedSimd } from "./features.ts";
import { instantiateWasmKernels } from "./kernels.ts";

export interface WasmBackendOptions {
  /** Fused multiply-add kernels; "auto" (default) when the engine has relaxed SIMD. */
  readonly fma?: boolean | "auto";
  /** Arena bytes reserved for packed B panels; bounds the largest B packed (default 16 MiB). */
  readonly workspaceBytes?: number;
}

export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<Backend> {
  const hasFma = await detectRelaxedSimd();
  const fma = options.fma === "auto" || options.fma === undefined ? hasFma : options.fma && hasFma;
  const workspaceBytes = options.workspaceBytes ?? 16 << 20;
  return {
    workspaceBytes,
    sharedMemory: false,
    bind(arena): Gemm {
      const memory = arena.memory;
      if (!memory) return jsGemm;
      const kernels = instantiateWasmKernels(memory, { fma });
      const inArena = (x: Float32Array) => x.buffer === memory.buffer;
      return {
        gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate) {
          if (!inArena(a) || !inArena(b) || !inArena(c) || 4 * kernels.packedBFloats(k, n) > arena.workspaceBytes) {
            jsGemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
            return;
          }
          const bPacked = arena.workspaceOffset;
          kernels.packB({ k, n, b: b.byteOffset + 4 * bOff, ldb, transposed: transB, dst: bPacked });
          kernels.gemm({
            m,
            n,
            k,
            a: a.byteOffset + 4 * aOff,
            aRowStride: transA ? 1 : lda,
            aColStride: transA ? lda : 1,
            bPacked,
            c: c.byteOffset + 4 * cOff,
            ldc,
            accumulate,
          });
        },
      };
    },
  };
}
