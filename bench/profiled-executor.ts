// For the profilers: a WebAssembly executor built as createWasmExecutor builds it, with every
// kernel's forward and backward timed and reported by program node (and, optionally, the GEMM
// wrapped too, to time each call by shape).
import type { Gemm } from "../src/runtime/gemm.ts";
import { createExecutor, type Executor } from "../src/runtime/exec/executor.ts";
import { referenceKernels } from "../src/runtime/index.ts";
import type { Kernel, KernelTable } from "../src/runtime/kernel.ts";
import type { OpName, Program } from "../src/runtime/ops.ts";
import { createWasmArena, wasmBackend } from "../src/runtime/wasm/host/backend.ts";
import { createWasmKernels } from "../src/runtime/wasm/host/kernels.ts";
import { nodeOfCall } from "./node-of-call.ts";

export interface Profiling {
  readonly threads?: 1 | 2;
  /** Milliseconds (default: wall time, performance.now). */
  readonly clock?: () => number;
  /** Called after each kernel call with its program node's index and its time. */
  readonly onTime: (pass: "forward" | "backward", node: number, ms: number) => void;
  readonly wrapGemm?: (gemm: Gemm) => Gemm;
}

export async function profiledWasmExecutor(
  program: Program,
  options: { readonly maxBatch: number; readonly training: boolean },
  profiling: Profiling,
): Promise<{ executor: Executor; dispose(): Promise<void> }> {
  const { threads = 1, clock = () => performance.now(), onTime, wrapGemm } = profiling;
  const nodeOf = nodeOfCall(program);
  const timed = <K extends OpName>(kernel: Kernel<K>): Kernel<K> => ({
    ...kernel,
    forward(call) {
      const t = clock();
      kernel.forward(call);
      onTime("forward", nodeOf(call), clock() - t);
    },
    backward(call) {
      const t = clock();
      kernel.backward(call);
      onTime("backward", nodeOf(call), clock() - t);
    },
  });
  const { memory, workspaceBytes } = createWasmArena(program, options, threads === 2);
  const kernels = await createWasmKernels(memory!, { threads });
  const backend = wasmBackend(kernels, workspaceBytes);
  const table = { ...referenceKernels, ...backend.kernels } as KernelTable;
  const wrapped = Object.fromEntries(Object.entries(table).map(([op, k]) => [op, timed(k as Kernel<OpName>)]));
  const executor = createExecutor(program, {
    ...options,
    backend: {
      ...backend,
      kernels: wrapped as Partial<KernelTable>,
      ...(wrapGemm ? { bind: (arena: Parameters<typeof backend.bind>[0]) => wrapGemm(backend.bind(arena)) } : {}),
    },
    memory: memory!,
  });
  return { executor, dispose: () => kernels.dispose() };
}
