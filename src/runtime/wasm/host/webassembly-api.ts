// ES2022's lib (our tsconfig) has no WebAssembly types, and the DOM lib would drag in far
// more; these are the few parts of the WebAssembly JS API the kernels use, typed structurally
// so a real WebAssembly.Memory fits. The runtime's arena (exec/arena.ts) uses WasmMemory too.

export interface WasmMemory {
  /** An ArrayBuffer, or a SharedArrayBuffer for a shared memory. */
  readonly buffer: ArrayBufferLike;
}

export interface GrowableWasmMemory extends WasmMemory {
  grow(pages: number): number;
}

/** A compiled module; opaque here, cloneable to worker threads. */
export interface WasmModule {
  readonly __wasmModule?: never;
}

interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => WasmModule;
  Instance: new (module: WasmModule, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number; shared?: boolean }) => GrowableWasmMemory;
}

export const wasm: WasmApi = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
