// One block of memory for every tensor the executor touches (params, grads, activations,
// scratch), preferably a WebAssembly.Memory so WASM kernels can work on it in place. It is sized
// once and never grown: memory.grow would detach every Float32Array view into it.

import type { WasmMemory } from "../wasm/host/webassembly-api.ts";

interface WasmMemoryConstructor {
  new (descriptor: { initial: number; maximum?: number; shared?: boolean }): WasmMemory;
}

const PAGE_BYTES = 65536;
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit

export interface Arena {
  /** The WebAssembly memory behind `buffer`, or null where one could not be made that large. */
  readonly memory: WasmMemory | null;
  readonly buffer: ArrayBufferLike;
}

/** A caller's memory as the arena, after checking it is large enough (it is never grown). */
export function existingArena(memory: WasmMemory, bytes: number): Arena {
  if (memory.buffer.byteLength < bytes) {
    throw new Error(
      `the given memory has ${memory.buffer.byteLength} bytes but the executor needs ${bytes} ` +
        `(size it with planMemory(program, options).totalBytes)`,
    );
  }
  return { memory, buffer: memory.buffer };
}

/** `shared` asks for a shared memory (for worker threads); without one, memory is null. */
export function createArena(bytes: number, shared = false): Arena {
  const pages = Math.max(1, Math.ceil(bytes / PAGE_BYTES));
  const Memory = (globalThis as { WebAssembly?: { Memory: WasmMemoryConstructor } }).WebAssembly?.Memory;
  if (Memory && pages <= MAX_PAGES) {
    try {
      const memory = new Memory({ initial: pages, maximum: pages, shared });
      return { memory, buffer: memory.buffer };
    } catch {
      // The engine refused this much wasm memory; a plain buffer still runs the JS kernels.
    }
  }
  try {
    return { memory: null, buffer: new ArrayBuffer(pages * PAGE_BYTES) };
  } catch (cause) {
    throw new Error(
      `cannot allocate ${(bytes / 2 ** 30).toFixed(2)} GiB for the model's tensors; ` +
        `use a smaller batch (maxBatch) or a smaller model`,
      { cause },
    );
  }
}
