// jsGemm against a plain triple loop over every transpose combination, odd sizes (not multiples
// of the 4×4 block), padded leading dimensions, offsets, accumulation and the bias epilogue.
import { describe, expect, it } from "vitest";
import { jsGemm } from "../../src/runtime/gemm.ts";
import { Rng } from "../../src/runtime/rng.ts";
import { randomArray } from "../support/arrays.ts";

function naive(
  transA: boolean,
  transB: boolean,
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  lda: number,
  b: Float32Array,
  bOff: number,
  ldb: number,
  c: Float64Array,
  cOff: number,
  ldc: number,
  bias?: Float32Array,
): void {
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = bias ? bias[1 + j] : 0;
      for (let p = 0; p < k; p++) {
        sum +=
          (transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) *
          (transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j]);
      }
      c[cOff + i * ldc + j] += sum;
    }
  }
}

describe("jsGemm", () => {
  const rng = new Rng(17);
  for (const transA of [false, true]) {
    for (const transB of [false, true]) {
      for (const accumulate of [false, true]) {
        it(`transA=${transA} transB=${transB} accumulate=${accumulate}`, () => {
          for (const [m, n, k] of [
            [1, 1, 1],
            [5, 7, 3],
            [8, 4, 9],
            [13, 6, 25],
          ]) {
            const lda = (transA ? m : k) + 2;
            const ldb = (transB ? k : n) + 1;
            const ldc = n + 3;
            const a = randomArray(rng, 3 + lda * (transA ? k : m));
            const b = randomArray(rng, 2 + ldb * (transB ? n : k));
            const c = randomArray(rng, 5 + ldc * m);
            const bias = randomArray(rng, n + 1);
            const expected = Float64Array.from(c);
            if (!accumulate) for (let i = 0; i < m; i++) expected.fill(0, 5 + i * ldc, 5 + i * ldc + n);
            naive(transA, transB, m, n, k, a, 3, lda, b, 2, ldb, expected, 5, ldc, bias);
            jsGemm.gemm(transA, transB, m, n, k, a, 3, lda, b, 2, ldb, c, 5, ldc, accumulate, { bias, biasOffset: 1 });
            c.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
          }
        });
      }
    }
  }
});
