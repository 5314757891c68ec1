// The WebAssembly compiler an emitted module passes in for the runtime's (emit-ts.ts binds
// wasm/gen/kernels-module.ts's `compileKernelModule` to this one): `netc compile` built the kernel
// module's bytes (with the runtime's own emitter, for each configuration the module may ask for)
// and embedded them, so the module carries no WebAssembly emitter.
import type { KernelModuleConfig } from "../../../runtime/wasm/gen/kernels-module.ts";
import {
  wasm,
  type WasmModule,
} from "../../../runtime/wasm/host/webassembly-api.ts";

export type { KernelModuleConfig } from "../../../runtime/wasm/gen/kernels-module.ts";

const embedded = new Map<string, Uint8Array>();
const compiled = new Map<string, WasmModule>();

/** Registers the bytes netc compile built for `config`. */
export function embedKernelModule(
  config: KernelModuleConfig,
  bytes: Uint8Array,
): void {
  embedded.set(JSON.stringify(config), bytes);
}

/** The compiled module for a configuration (what kernels-module.ts's function of this name returns). */
export function compileKernelModule(config: KernelModuleConfig): WasmModule {
  const key = JSON.stringify(config);
  let module = compiled.get(key);
  if (!module) {
    const bytes = embedded.get(key);
    if (!bytes)
      throw new Error(
        `no embedded kernel module for ${key}; recompile the model`,
      );
    module = new wasm.Module(bytes);
    compiled.set(key, module);
  }
  return module;
}

/** Whether this engine compiles the embedded module for `config` (SIMD, relaxed SIMD). */
export function canCompileKernelModule(config: KernelModuleConfig): boolean {
  const bytes = embedded.get(JSON.stringify(config));
  return (
    bytes !== undefined &&
    typeof wasm?.validate === "function" &&
    wasm.validate(bytes)
  );
}
