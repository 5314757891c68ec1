// The executor's Backend over the WebAssembly SIMD kernels (src/runtime/wasm/): every GEMM packs
// its B operand into the backend's workspace (a slice of K rows at a time, so any size fits) and
// runs the SIMD GEMM in place on the executor's arena, with bias and activation fused into the
// write-back; depthwise forward (multiplier 1) runs the SIMD depthwise kernel. Operands outside
// the kernels' memory fall back to the JavaScript kernels.
import { createArena } from "./arena.ts";
import type { Backend } from "./backend.ts";
import type { Executor, ExecutorOptions } from "./executor.ts";
import { createExecutor } from "./executor.ts";
import type { Gemm } from "./gemm.ts";
import { jsGemm } from "./gemm.ts";
import type { Kernel } from "./kernel.ts";
import { depthwiseKernel } from "./kernels/depthwise.ts";
import type { Program } from "./ops.ts";
import { planMemory } from "./plan.ts";
import type { WasmKernelOptions, WasmKernels } from "./wasm/kernels.ts";
import { createWasmKernels } from "./wasm/kernels.ts";

/** Default workspace: 4 MiB of packed B panels. */
const DEFAULT_WORKSPACE_BYTES = 1 << 22;

/**
 * A backend for an executor created with `{ memory: kernels.memory }` (the kernels must have
 * been instantiated on the memory the executor runs in; size it with `planMemory`).
 */
export function wasmBackend(kernels: WasmKernels, workspaceBytes = DEFAULT_WORKSPACE_BYTES): Backend {
  return {
    workspaceBytes,
    sharedMemory: kernels.threads === 2,
    kernels: { depthwise: wasmDepthwise(kernels) },
    bind(arena) {
      if (arena.memory !== kernels.memory) return jsGemm;
      return wasmGemm(kernels, arena.workspaceOffset, Math.floor(arena.workspaceBytes / 4));
    },
  };
}

export interface WasmExecutor {
  readonly executor: Executor;
  /** Whether the WebAssembly kernels run (false: the engine could not give a WebAssembly memory
   * that large, and the executor runs the JavaScript kernels). */
  readonly accelerated: boolean;
  /** Stops the kernels' helper thread, if any. */
  dispose(): Promise<void>;
}

/**
 * An executor on the WebAssembly kernels: plans the arena, makes it a WebAssembly memory (shared
 * for 2 threads), instantiates the kernels on it (asynchronous), then builds the executor over it.
 */
export async function createWasmExecutor(
  program: Program,
  options: Omit<ExecutorOptions, "backend" | "memory"> & {
    readonly wasm?: WasmKernelOptions;
    readonly workspaceBytes?: number;
  },
): Promise<WasmExecutor> {
  const workspaceBytes = options.workspaceBytes ?? DEFAULT_WORKSPACE_BYTES;
  const shared = options.wasm?.threads === 2; // only helper threads need a shared memory
  const sizing: Backend = { workspaceBytes, sharedMemory: shared, bind: () => jsGemm };
  const { memory } = createArena(planMemory(program, { ...options, backend: sizing }).totalBytes, shared);
  if (!memory) return { executor: createExecutor(program, options), accelerated: false, dispose: async () => {} };
  const kernels = await createWasmKernels(memory, options.wasm);
  const executor = createExecutor(program, { ...options, backend: wasmBackend(kernels, workspaceBytes), memory });
  return { executor, accelerated: true, dispose: () => kernels.dispose() };
}

/** Depthwise with the SIMD forward for multiplier 1 (backward and other multipliers: JavaScript). */
function wasmDepthwise(kernels: WasmKernels): Kernel<"depthwise"> {
  return {
    ...depthwiseKernel,
    forward(call) {
      const { attrs, batch, inShapes, inputs, output, params } = call;
      const [image, weights, bias] = [inputs[0], params[0], params[1]];
      const arrays = bias ? [image, weights, bias, output] : [image, weights, output];
      if (attrs.multiplier !== 1 || arrays.some((x) => x.buffer !== kernels.memory.buffer)) {
        depthwiseKernel.forward(call);
        return;
      }
      const [height, width, channels] = inShapes[0];
      kernels.depthwise(
        {
          batch,
          height,
          width,
          channels,
          kernel: attrs.kernel,
          stride: attrs.stride,
          pad: attrs.pad,
          dilation: attrs.dilation,
        },
        { image: image.byteOffset, weights: weights.byteOffset, bias: bias?.byteOffset, out: output.byteOffset },
      );
    },
  };
}

function wasmGemm(kernels: WasmKernels, workspace: number, workspaceFloats: number): Gemm {
  const buffer = kernels.memory.buffer;
  const panel = kernels.panelWidth;
  return {
    gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, epilogue) {
      const paddedN = Math.ceil(n / panel) * panel;
      const kStep = Math.floor(workspaceFloats / paddedN);
      const bias = epilogue?.bias;
      const foreign = [a, b, c, ...(bias ? [bias] : [])].some((x) => x.buffer !== buffer);
      if (foreign || kStep < 1 || m === 0 || n === 0 || k === 0) {
        jsGemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, epilogue);
        return;
      }
      const at = (array: Float32Array, offset: number) => array.byteOffset + 4 * offset;
      for (let k0 = 0; k0 < k; k0 += kStep) {
        const rows = Math.min(kStep, k - k0);
        const last = k0 + rows >= k;
        // B rows k0… (columns k0… of the stored matrix when transposed).
        kernels.packB({
          k: rows,
          n,
          b: at(b, bOff + (transB ? k0 : k0 * ldb)),
          ldb,
          transposed: transB,
          dst: workspace,
        });
        kernels.gemm({
          m,
          n,
          k: rows,
          a: at(a, aOff + (transA ? k0 * lda : k0)),
          aRowStride: transA ? 1 : lda,
          aColStride: transA ? lda : 1,
          bPacked: workspace,
          c: at(c, cOff),
          ldc,
          accumulate: accumulate || k0 > 0,
          // The epilogue belongs after the whole sum.
          bias: last && bias ? at(bias, epilogue?.biasOffset ?? 0) : undefined,
          activation: last ? epilogue?.activation : undefined,
        });
      }
    },
  };
}
