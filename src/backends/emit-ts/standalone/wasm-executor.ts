// The WebAssembly side of an emitted module (left out with `--kernels js`): registers the kernel
// modules netc compile embedded, picks the best one this engine compiles (relaxed-SIMD FMA,
// else plain SIMD), and builds the runtime's executor on it the way createWasmExecutor does,
// but synchronously, so importing the module is enough.
import type { Executor } from "../../../runtime/exec/executor.ts";
import { createExecutor } from "../../../runtime/exec/executor.ts";
import type { Program } from "../../../runtime/ops.ts";
import { createWasmArena, wasmBackend } from "../../../runtime/wasm/host/backend.ts";
import { instantiateWasmKernels } from "../../../runtime/wasm/host/kernels.ts";
import { decodeBase64 } from "./compiled-model.ts";
import type { KernelModuleConfig } from "./embedded-kernels.ts";
import {
  canCompileKernelModule,
  embedKernelModule,
} from "./embedded-kernels.ts";

/** Which kernels run: WebAssembly SIMD with fused multiply-add, plain SIMD, or TypeScript. */
export type KernelsInUse = "wasm-fma" | "wasm-simd" | "js";

/** A kernel module netc compile built, base64-encoded. */
export interface EmbeddedKernelModule {
  readonly config: KernelModuleConfig;
  readonly base64: string;
}

export interface ExecutorSettings {
  readonly maxBatch: number;
  readonly training: boolean;
  readonly seed: number;
}

/** An executor on the WebAssembly kernels, or null where the engine cannot run them. */
export type WasmExecutorFactory = (
  program: Program,
  settings: ExecutorSettings,
) => { readonly executor: Executor; readonly kernels: KernelsInUse } | null;

/** Relaxed SIMD is behind a V8 flag in Node 20 that can be set at run time (browsers have it on). */
function enableRelaxedSimdInNode(): void {
  const node = (
    globalThis as {
      process?: { getBuiltinModule?: (id: string) => unknown };
    }
  ).process;
  const v8 = node?.getBuiltinModule?.("node:v8") as
    { setFlagsFromString(flag: string): void } | undefined;
  v8?.setFlagsFromString("--experimental-wasm-relaxed-simd");
}

/** The first embedded kernel module (best first) this engine compiles, or null. */
function usableKernels(
  modules: readonly EmbeddedKernelModule[],
): KernelModuleConfig | null {
  for (const { config, base64 } of modules)
    embedKernelModule(config, decodeBase64(base64));
  for (const { config } of modules) {
    if (config.gemm.fma && !canCompileKernelModule(config))
      enableRelaxedSimdInNode();
    if (canCompileKernelModule(config)) return config;
  }
  return null;
}

export function embeddedWasmExecutors(
  modules: readonly EmbeddedKernelModule[],
): WasmExecutorFactory {
  const config = usableKernels(modules);
  return (program, settings) => {
    if (!config) return null;
    const { memory, workspaceBytes } = createWasmArena(
      program,
      settings,
      false,
    );
    if (!memory) return null;
    try {
      const kernels = instantiateWasmKernels(memory, { fma: config.gemm.fma });
      const executor = createExecutor(program, {
        ...settings,
        backend: wasmBackend(kernels, workspaceBytes),
        memory,
      });
      return { executor, kernels: config.gemm.fma ? "wasm-fma" : "wasm-simd" };
    } catch {
      // The engine refused to compile or instantiate: the TypeScript kernels still run.
      return null;
    }
  };
}
