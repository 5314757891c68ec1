// The public runtime API: NHWC Float32Array kernels (forward and backward) for every op, a
// planned-memory executor with reverse-mode autodiff, seeded weight initialisation.
export type * from "./ops.ts";
export type { AttrsFor, BackwardCall, ForwardCall, Kernel, KernelTable, Shape, SizeQuery } from "./kernel.ts";
export { sizeOf } from "./kernel.ts";
export type { FusedActivation, Gemm, GemmEpilogue } from "./gemm.ts";
export { jsGemm } from "./gemm.ts";
export type { Backend, BackendArena } from "./backend.ts";
export { jsBackend } from "./backend.ts";
export type { WasmExecutor } from "./wasm-backend.ts";
export { createWasmExecutor, wasmBackend } from "./wasm-backend.ts";
export type { WasmMemory } from "./arena.ts";
export { referenceKernels } from "./kernels/registry.ts";
export type { Executor, ExecutorOptions } from "./executor.ts";
export { createExecutor } from "./executor.ts";
export { initializeParams } from "./init.ts";
export type { MemoryPlan, PlanOptions } from "./plan.ts";
export { planMemory } from "./plan.ts";
export { sliceProgram } from "./slice-program.ts";
export type { RngState } from "./rng.ts";
export { Rng } from "./rng.ts";
export type { Decoder } from "./decoder.ts";
export { createDecoder, decoderRefusal } from "./decoder.ts";
export { TokenRangeError } from "./kernels/embedding.ts";
export type { KernelParam } from "./kernel.ts";
