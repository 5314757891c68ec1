// The matrix-multiply interface every GEMM-shaped kernel (conv, pointwise, dense, and their
// gradients) goes through, so a WebAssembly SIMD implementation can replace the JavaScript one.
// Arrays are row-major Float32Array views; element offsets (not byte offsets) locate each
// matrix. When the views live in the executor's WebAssembly.Memory, a WASM implementation
// finds its byte address as `array.byteOffset + 4 * offset`.
import type { col2imAdd, im2col } from "./reference/conv-geometry.ts";

export interface Gemm {
  /**
   * C[m×n] = (accumulate ? C : 0) + op(A)·op(B), then the epilogue, where op(A) is m×k and
   * op(B) is k×n. A is stored m×k (lda ≥ k), or k×m when transA (lda ≥ m); B is stored k×n
   * (ldb ≥ n), or n×k when transB (ldb ≥ k); C is m×n with ldc ≥ n.
   */
  gemm(
    transA: boolean,
    transB: boolean,
    m: number,
    n: number,
    k: number,
    a: Float32Array,
    aOffset: number,
    lda: number,
    b: Float32Array,
    bOffset: number,
    ldb: number,
    c: Float32Array,
    cOffset: number,
    ldc: number,
    accumulate: boolean,
    epilogue?: GemmEpilogue,
  ): void;
  /** The executor's weights changed: drop anything cached from them (packed panels). */
  paramsChanged?(): void;
  /** Faster versions of the conv kernels' patch copies (reference/conv-geometry.ts's `im2col`
   * and `col2imAdd`, same arguments and results), where the backend has them. */
  im2col?: typeof im2col;
  col2imAdd?: typeof col2imAdd;
  /** Faster versions of attention's row softmax and its backward (reference/attention.ts's
   * `softmaxRows` and `softmaxRowsGrad`, same arguments and results). */
  softmaxRows?: SoftmaxRows;
  softmaxRowsGrad?: SoftmaxRowsGrad;
  /** Attention's per-head products of one sample in one call, where the backend has it: for
   * every head h, A_h = softmax(scale·Q_h·K_hᵀ)·V_h (causal: row i sees keys 0 … i), head h
   * the columns [h·d, h·d + d) of Q, K, V and A, which lie in `buf` with rows of `ld` floats
   * (Q and A t rows, K and V s rows). False when it cannot; the caller then runs the heads. */
  attentionHeads?: AttentionHeads;
}

export type AttentionHeads = (
  buf: Float32Array,
  at: { readonly q: number; readonly k: number; readonly v: number; readonly a: number },
  t: number,
  s: number,
  ld: number,
  d: number,
  heads: number,
  scale: number,
  causal: boolean,
) => boolean;

/** Softmax of `rows` rows of len scores at `at`, scaled, in place; row i sees keys
 * 0 … i + offset when causal (the rest become 0). */
export type SoftmaxRows = (
  scores: Float32Array,
  at: number,
  rows: number,
  len: number,
  scale: number,
  causal: boolean,
  offset: number,
) => void;

/** dx (+)= scale·y·(dy − Σ dy·y) per row (dx may be dy when not accumulating). */
export type SoftmaxRowsGrad = (
  y: Float32Array,
  yAt: number,
  dy: Float32Array,
  dyAt: number,
  dx: Float32Array,
  dxAt: number,
  rows: number,
  len: number,
  scale: number,
  accumulate: boolean,
) => void;

export type FusedActivation = "relu" | "relu6";

/** Work a SIMD kernel fuses into its write-back of C (applied in this order). */
export interface GemmEpilogue {
  /** Adds bias[biasOffset + j] to column j of every row. */
  readonly bias?: Float32Array;
  readonly biasOffset?: number;
  readonly activation?: FusedActivation;
}

/** The pure-JavaScript reference GEMM: 4×4 register blocks (16 running sums in locals). */
export const jsGemm: Gemm = {
  gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, epilogue) {
    if (!accumulate) {
      for (let i = 0; i < m; i++) c.fill(0, cOff + i * ldc, cOff + i * ldc + n);
    }
    // Element (i, p) of op(A) is a[aOff + i·aRow + p·aCol]; (p, j) of op(B) is b[bOff + p·bRow + j·bCol].
    const aRow = transA ? 1 : lda;
    const aCol = transA ? lda : 1;
    const bRow = transB ? 1 : ldb;
    const bCol = transB ? ldb : 1;
    gemmStrided(m, n, k, a, aOff, aRow, aCol, b, bOff, bRow, bCol, c, cOff, ldc);
    if (epilogue) applyEpilogue(epilogue, m, n, c, cOff, ldc);
  },
};

/** Bias then activation over the m×n matrix at c[cOff…] (row stride ldc), in place. */
export function applyEpilogue(
  { bias, biasOffset = 0, activation }: GemmEpilogue,
  m: number,
  n: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  const ceiling = activation === "relu6" ? 6 : Infinity;
  for (let i = 0; i < m; i++) {
    const ci = cOff + i * ldc;
    if (bias) for (let j = 0; j < n; j++) c[ci + j] += bias[biasOffset + j];
    if (activation) for (let j = 0; j < n; j++) c[ci + j] = Math.min(Math.max(c[ci + j], 0), ceiling);
  }
}

function gemmStrided(
  m: number,
  n: number,
  k: number,
  a: Float32Array,
  aOff: number,
  aRow: number,
  aCol: number,
  b: Float32Array,
  bOff: number,
  bRow: number,
  bCol: number,
  c: Float32Array,
  cOff: number,
  ldc: number,
): void {
  const m4 = m - (m % 4);
  const n4 = n - (n % 4);
  for (let i = 0; i < m4; i += 4) {
    const a0 = aOff + i * aRow;
    const a1 = a0 + aRow;
    const a2 = a1 + aRow;
    const a3 = a2 + aRow;
    const c0 = cOff + i * ldc;
    const c1 = c0 + ldc;
    const c2 = c1 + ldc;
    const c3 = c2 + ldc;
    // prettier-ignore
    for (let j = 0; j < n4; j += 4) {
      let s00 = 0, s01 = 0, s02 = 0, s03 = 0;
      let s10 = 0, s11 = 0, s12 = 0, s13 = 0;
      let s20 = 0, s21 = 0, s22 = 0, s23 = 0;
      let s30 = 0, s31 = 0, s32 = 0, s33 = 0;
      let pb = bOff + j * bCol;
      for (let p = 0, pa = 0; p < k; p++, pa += aCol, pb += bRow) {
        const x0 = a[a0 + pa], x1 = a[a1 + pa], x2 = a[a2 + pa], x3 = a[a3 + pa];
        const y0 = b[pb], y1 = b[pb + bCol], y2 = b[pb + 2 * bCol], y3 = b[pb + 3 * bCol];
        s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
        s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
        s20 += x2 * y0; s21 += x2 * y1; s22 += x2 * y2; s23 += x2 * y3;
        s30 += x3 * y0; s31 += x3 * y1; s32 += x3 * y2; s33 += x3 * y3;
      }
      c[c0 + j] += s00; c[c0 + j + 1] += s01; c[c0 + j + 2] += s02; c[c0 + j + 3] += s03;
      c[c1 + j] += s10; c[c1 + j + 1] += s11; c[c1 + j + 2] += s12; c[c1 + j + 3] += s13;
      c[c2 + j] += s20; c[c2 + j + 1] += s21; c[c2 + j + 2] += s22; c[c2 + j + 3] += s23;
      c[c3 + j] += s30; c[c3 + j + 1] += s31; c[c3 + j + 2] += s32; c[c3 + j + 3] += s33;
    }
    for (let j = n4; j < n; j++) {
      let s0 = 0,
        s1 = 0,
        s2 = 0,
        s3 = 0;
      for (let p = 0, pa = 0, pb = bOff + j * bCol; p < k; p++, pa += aCol, pb += bRow) {
        const y = b[pb];
        s0 += a[a0 + pa] * y;
        s1 += a[a1 + pa] * y;
        s2 += a[a2 + pa] * y;
        s3 += a[a3 + pa] * y;
      }
      c[c0 + j] += s0;
      c[c1 + j] += s1;
      c[c2 + j] += s2;
      c[c3 + j] += s3;
    }
  }
  for (let i = m4; i < m; i++) {
    const ai = aOff + i * aRow;
    const ci = cOff + i * ldc;
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0, pa = ai, pb = bOff + j * bCol; p < k; p++, pa += aCol, pb += bRow) s += a[pa] * b[pb];
      c[ci + j] += s;
    }
  }
}
