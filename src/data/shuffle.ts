// The order samples are visited in an epoch: a Fisher–Yates shuffle driven by the run's seeded
// RNG (whose state a checkpoint saves, so a resumed run shuffles the same way).
import type { Rng } from "../runtime/rng.ts";

/** A uniformly random permutation of 0..n−1 (Fisher–Yates, from the top down). */
export function shuffledOrder(n: number, rng: Rng): Int32Array {
  const order = identityOrder(n);
  for (let i = n - 1; i > 0; i--) {
    const j = randomBelow(rng, i + 1);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  return order;
}

/** Uniform integer in [0, n) for n <= 2^32, without modulo bias (rejection sampling). */
export function randomBelow(rng: Rng, n: number): number {
  const limit = 2 ** 32 - (2 ** 32 % n);
  for (;;) {
    const x = rng.nextUint32();
    if (x < limit) return x % n;
  }
}

export function identityOrder(n: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => i);
}

/** The order for one epoch: shuffled with `rng` when `shuffle` is on, else file order. */
export function epochOrder(n: number, shuffle: boolean, rng: Rng): Int32Array {
  return shuffle ? shuffledOrder(n, rng) : identityOrder(n);
}
