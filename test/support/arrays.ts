// Random test inputs, shared by the kernel, WebAssembly and executor tests.
import { Rng } from "../../src/runtime/rng.ts";

/** `n` uniform values in [−scale, scale): drawn from `source`, or from a generator seeded with it
 * (each array of a case its own seed, so a failure reproduces on its own). */
export function randomArray(source: Rng | number, n: number, scale = 1): Float32Array {
  const rng = typeof source === "number" ? new Rng(source) : source;
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = scale * (2 * rng.uniform() - 1);
  return a;
}
