// A backend supplies the GEMM the executor's kernels call, and optionally its own kernels for
// some ops. `bind` runs once per executor, after its arena exists: a WebAssembly backend
// instantiates its module on that memory and finds every tensor at `array.byteOffset`. The
// arena is sized once and never grown, so views and byte offsets stay valid.
// The backend's kernels are planned like the reference ones (their scratchSize/savedSize size
// the arena) and reach per-executor state through `call.gemm`, the object `bind` returned,
// which may implement more than Gemm (e.g. WASM im2col or depthwise entry points).
import type { WasmMemory } from "../wasm/host/webassembly-api.ts";
import type { Gemm } from "../gemm.ts";
import { jsGemm } from "../gemm.ts";
import type { KernelTable } from "../kernel.ts";

export interface BackendArena {
  /** The executor's memory; null where the engine could not provide a WebAssembly.Memory of
   * this size (or a shared one), in which case a WASM backend must fall back to JavaScript. */
  readonly memory: WasmMemory | null;
  /** Byte offset and size of the workspace reserved for the backend (16-byte aligned). */
  readonly workspaceOffset: number;
  readonly workspaceBytes: number;
  /** Bytes [0, constantBytes) of the arena hold weights that change only when the executor's
   * `paramsChanged()` calls the bound Gemm's `paramsChanged` (0 for training executors, whose
   * optimizer rewrites them every step): what the backend derives from them may be cached. */
  readonly constantBytes?: number;
}

export interface Backend {
  /** Bytes of arena the backend wants for itself (packing panels, thread control blocks). */
  readonly workspaceBytes: number;
  /** Whether the arena must be a shared WebAssembly.Memory (kernels on worker threads). */
  readonly sharedMemory: boolean;
  /** Kernels replacing the reference ones for some ops. */
  readonly kernels?: Partial<KernelTable>;
  bind(arena: BackendArena): Gemm;
}

/** The reference backend: pure JavaScript, no workspace. */
export const jsBackend: Backend = {
  workspaceBytes: 0,
  sharedMemory: false,
  bind: () => jsGemm,
};
