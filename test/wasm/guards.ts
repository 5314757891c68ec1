// Guard bands around a WebAssembly kernel's output: a write outside its range fails the test.
import { expect } from "vitest";
import type { BumpAllocator } from "../../src/runtime/wasm/host/bump-allocator.ts";

const GUARD = 8;
const GUARD_VALUE = 12345;

/** Places `values` with GUARD floats of GUARD_VALUE on both sides; returns the values' offset. */
export function guarded(heap: BumpAllocator, values: ArrayLike<number>): number {
  const at = heap.alloc(values.length + 2 * GUARD) + 4 * GUARD;
  heap.f32(at - 4 * GUARD, values.length + 2 * GUARD).fill(GUARD_VALUE);
  heap.f32(at, values.length).set(values);
  return at;
}

export function expectGuardsIntact(heap: BumpAllocator, at: number, length: number, what: string): void {
  const before = heap.f32(at - 4 * GUARD, GUARD);
  const after = heap.f32(at + 4 * length, GUARD);
  expect(
    [...before, ...after].every((v) => v === GUARD_VALUE),
    `${what}: wrote outside its range`,
  ).toBe(true);
}
