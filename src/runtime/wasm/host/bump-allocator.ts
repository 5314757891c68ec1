// A tiny bump allocator over a WebAssembly.Memory, for tests, benchmarks and simple callers.
// (The runtime's executor plans its own arena; this is the minimum needed to place tensors.)
import { wasm, type GrowableWasmMemory } from "./webassembly-api.ts";

const PAGE = 65536;
/** Offsets are aligned to a cache line so v128 accesses never straddle one needlessly. */
const ALIGN = 64;

/** A shared memory (usable by helper threads) of at least `bytes`, growable to `maxBytes`. */
export function createKernelMemory(bytes: number, maxBytes = 1 << 30): GrowableWasmMemory {
  const initial = Math.max(1, Math.ceil(bytes / PAGE));
  return new wasm.Memory({ initial, maximum: Math.max(initial, Math.ceil(maxBytes / PAGE)), shared: true });
}

export class BumpAllocator {
  private top: number;

  /** Allocates from byte `start` upward (0 by default). */
  constructor(readonly memory: GrowableWasmMemory, start = 0) {
    this.top = start;
  }

  /** Reserves `floats` float32s and returns their byte offset, growing the memory if needed. */
  alloc(floats: number): number {
    const offset = Math.ceil(this.top / ALIGN) * ALIGN;
    this.top = offset + 4 * floats;
    const missing = this.top - this.memory.buffer.byteLength;
    if (missing > 0) this.memory.grow(Math.ceil(missing / PAGE));
    return offset;
  }

  /** Places a copy of `data` in the memory and returns its byte offset. */
  put(data: ArrayLike<number>): number {
    const offset = this.alloc(data.length);
    this.f32(offset, data.length).set(data);
    return offset;
  }

  /** A fresh view (views must be re-made after the memory grows). */
  f32(offset: number, floats: number): Float32Array {
    return new Float32Array(this.memory.buffer, offset, floats);
  }

  /** Frees everything allocated. */
  reset(start = 0): void {
    this.top = start;
  }
}
