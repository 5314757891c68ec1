// How close a result is to its reference, shared by every numeric test.
import { expect } from "vitest";

/** Largest |actual − expected| relative to max(floor, largest |expected|): with the default floor
 * 1, an absolute error for small references and a relative one for large. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>, floor = 1): number {
  if (actual.length !== expected.length) throw new Error(`length ${actual.length} vs ${expected.length}`);
  let worst = 0;
  let scale = floor;
  for (let i = 0; i < expected.length; i++) {
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return worst / scale;
}

export interface CloseOptions {
  readonly rtol?: number;
  readonly atol?: number;
  /** Names the compared values in the failure message. */
  readonly what?: string;
}

/** |actual − expected| ≤ atol + rtol·|expected| at every element (NaN never is); a failure names
 * the worst element. */
export function expectClose(
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  { rtol = 1e-5, atol = 1e-6, what = "values" }: CloseOptions = {},
): void {
  expect(actual.length, `${what}: length`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const excess = Math.abs(actual[i]! - expected[i]!) - (atol + rtol * Math.abs(expected[i]!));
    if (!(excess <= worstExcess)) {
      worst = i;
      worstExcess = Number.isNaN(excess) ? Infinity : excess;
    }
  }
  if (worst >= 0) expect.fail(`${what}: element ${worst} is ${actual[worst]}, expected ${expected[worst]}`);
}
