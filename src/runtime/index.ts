// The public runtime API: NHWC Float32Array kernels (forward and backward) for every op, a
// planned-memory executor with reverse-mode autodiff, seeded weight initialisation.
export type * from "./ops.ts";
export type { AttrsFor, BackwardCall, ForwardCall, Kernel, KernelTable, Shape, SizeQuery } from "./kernel.ts";
export { sizeOf } from "./kernel.ts";
export type { FusedActivation, Gemm, GemmEpilogue } from "./gemm.ts";
export { jsGemm } from "./gemm.ts";
export type { Backend, BackendArena } from "./exec/backend.ts";
export { jsBackend } from "./exec/backend.ts";
export type { WasmExecutor } from "./wasm/host/backend.ts";
export { createWasmExecutor, wasmBackend } from "./wasm/host/backend.ts";
export type { WasmMemory } from "./wasm/host/webassembly-api.ts";
export { referenceKernels } from "./reference/registry.ts";
export type { Executor, ExecutorOptions } from "./exec/executor.ts";
export { createExecutor } from "./exec/executor.ts";
export { initializeParams } from "./init.ts";
export type { MemoryPlan, PlanOptions } from "./exec/plan.ts";
export { planMemory } from "./exec/plan.ts";
export { sliceProgram } from "./exec/slice-program.ts";
export type { RngState } from "./rng.ts";
export { Rng } from "./rng.ts";
export type { Decoder } from "./exec/decoder.ts";
export { createDecoder, decoderRefusal } from "./exec/decoder.ts";
export { TokenRangeError } from "./reference/embedding.ts";
export type { KernelParam } from "./kernel.ts";
