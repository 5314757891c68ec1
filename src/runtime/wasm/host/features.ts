// Feature detection for the WebAssembly kernels. Relaxed SIMD (a true fused multiply-add) is
// off by default in Node 20 but can be switched on at run time; browsers since Chrome 114
// have it on. We ask the engine to validate a tiny module rather than trusting versions.
import { ModuleBuilder } from "../gen/emitter.ts";
import { wasm } from "./webassembly-api.ts";

/** A module with one function `(v128, v128, v128) → v128` doing `f32x4.relaxed_madd`. */
function relaxedMaddProbe(): Uint8Array {
  const m = new ModuleBuilder({ shared: false });
  const { code } = m.func("madd", [["a", "v128"], ["b", "v128"], ["c", "v128"]], ["v128"]);
  code.get("a").get("b").get("c").f32x4RelaxedMadd();
  return m.encode();
}

/** A module with one function `(v128, v128) → v128` doing `f32x4.add`. */
function simdProbe(): Uint8Array {
  const m = new ModuleBuilder({ shared: false });
  const { code } = m.func("add", [["a", "v128"], ["b", "v128"]], ["v128"]);
  code.get("a").get("b").f32x4Add();
  return m.encode();
}

let simd: boolean | undefined;

/** Whether this engine has WebAssembly with fixed-width SIMD (every engine netc's kernels need;
 * without it, the executor runs the JavaScript kernels). */
export function detectSimd(): boolean {
  simd ??= wasm !== undefined && wasm.validate(simdProbe());
  return simd;
}

let relaxedSimd: boolean | undefined;

/**
 * Whether `f32x4.relaxed_madd` compiles here. In Node it first sets V8's
 * `--experimental-wasm-relaxed-simd` flag (process-wide, so worker threads inherit it); the
 * flag must be set before the kernels are compiled, which `createWasmKernels` ensures.
 */
export async function detectRelaxedSimd(): Promise<boolean> {
  if (relaxedSimd !== undefined) return relaxedSimd;
  const probe = relaxedMaddProbe();
  if (!wasm.validate(probe) && typeof process !== "undefined" && process.versions?.node) {
    const v8 = await import("node:v8");
    v8.setFlagsFromString("--experimental-wasm-relaxed-simd");
  }
  const valid = wasm.validate(probe);
  relaxedSimd = valid;
  return valid;
}
