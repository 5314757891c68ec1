// One level of Strassen's algorithm for GEMMs whose B is a constant weight matrix (inference):
// C = A·B from seven half-size products instead of eight, 12.5% fewer multiply-adds for a few
// block additions. B's seven quarter combinations are packed once, with the weights, so each
// call adds only A's quarters and combines the products (block-kernel.ts); bias and
// activation land with each quarter's last contribution. MobileNetV1's 14×14×512 pointwise
// convs gain ~8% this way. Rounding changes a little (sums of quarters), well within 1e-5
// relative for weights and activations of a network's usual scale.
//
// With A = [A11 A12; A21 A22] and B likewise (k and n even):
//   P1 = B11 + B22   M1 = (A11 + A22)·P1     C11 = M1 + M4 − M5 + M7
//   P2 = B11         M2 = (A21 + A22)·P2     C12 = M3 + M5
//   P3 = B12 − B22   M3 = A11·P3             C21 = M2 + M4
//   P4 = B21 − B11   M4 = A22·P4             C22 = M1 − M2 + M3 + M6
//   P5 = B22         M5 = (A11 + A12)·P5
//   P6 = B11 + B12   M6 = (A21 − A11)·P6
//   P7 = B21 + B22   M7 = (A12 − A22)·P7
// Row blocks too short for that (an odd last row, the rest of a long A) use the same packed
// quarters as an ordinary product: C1 = (A1 + A2)·P2 + A2·P4, C2 = A1·P3 + (A1 + A2)·P5 (A1, A2 the column
// halves of A), which is A·B exactly since B21 = P4 + P2 and B12 = P3 + P5.
import type { FusedActivation, WasmKernels } from "./kernels.ts";

/** Row blocks shorter than this take the ordinary product: below it the block additions cost
 * more than the multiply-adds they save (measured: 128×512×512 breaks even, 196×512×512 gains
 * 5%, 784×512×512 7%). */
const MIN_ROWS = 160;

/** An odd row, done alone, reads all of B: with fewer rows than this, not worth it. */
const ODD_ROWS_MIN = 512;

/** Whether an m×k by k×n product gains from Strassen (k, n even, halves ≥ 128). */
export function strassenPays(m: number, k: number, n: number): boolean {
  return k % 2 === 0 && n % 2 === 0 && k >= 256 && n >= 256 && m >= MIN_ROWS && (m % 2 === 0 || m >= ODD_ROWS_MIN);
}

/** Floats of the seven packed quarter combinations of a k×n B. */
export function strassenPackedFloats(kernels: WasmKernels, k: number, n: number): number {
  return 7 * kernels.packedBFloats(k / 2, n / 2);
}

/**
 * Packs P1…P7 of the k×n B at `b` (row stride ldb floats) one after another at `dst`, summing
 * quarters in `temp` ((k/2)·(n/2) floats). Addresses in bytes.
 */
export function packStrassenB(kernels: WasmKernels, args: { k: number; n: number; b: number; ldb?: number; dst: number; temp: number }): void {
  const { k, n, b, dst, temp } = args;
  const ldb = args.ldb ?? n;
  const [h, w] = [k / 2, n / 2];
  const b11 = b;
  const b12 = b + 4 * w;
  const b21 = b + 4 * h * ldb;
  const b22 = b21 + 4 * w;
  const blockBytes = 4 * kernels.packedBFloats(h, w);
  // [x, sign, y]: x + sign·y, or x alone.
  const combinations: [number, number, number][] = [
    [b11, 1, b22], [b11, 0, b11], [b12, -1, b22], [b21, -1, b11], [b22, 0, b22], [b11, 1, b12], [b21, 1, b22],
  ];
  combinations.forEach(([x, sign, y], i) => {
    const out = dst + i * blockBytes;
    if (sign === 0) {
      kernels.packB({ k: h, n: w, b: x, ldb, dst: out });
      return;
    }
    kernels.blockCombine({ rows: h, cols: w, x, ldx: ldb, y, ldy: ldb, alpha: sign, z: temp, ldz: w });
    kernels.packB({ k: h, n: w, b: temp, dst: out });
  });
}

export interface StrassenGemmArgs {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  /** A [m, k] row-major with row stride lda floats (default k). */
  readonly a: number;
  readonly lda?: number;
  /** P1…P7 as packStrassenB wrote them. */
  readonly packed: number;
  readonly c: number;
  readonly ldc?: number;
  readonly bias?: number;
  readonly activation?: FusedActivation;
  /** Add to C instead of overwriting it (before the activation). */
  readonly accumulate?: boolean;
  /** Scratch for A's quarter sums and one product: at least (k/2)·rows floats for some even rows ≥ 2. */
  readonly workspace: number;
  readonly workspaceFloats: number;
}

/** C (+)= A·B + bias, then the activation, from B packed by packStrassenB. */
export function strassenGemm(kernels: WasmKernels, args: StrassenGemmArgs): void {
  const { m, n, k } = args;
  const lda = args.lda ?? k;
  const ldc = args.ldc ?? n;
  const [h, w] = [k / 2, n / 2];
  const blockBytes = 4 * kernels.packedBFloats(h, w);
  const p = (i: number) => args.packed + (i - 1) * blockBytes;
  // Rows per Strassen chunk: S (q×h) and T (q×w) in the workspace, q = rows / 2.
  const strassenRows = 2 * Math.floor(args.workspaceFloats / (h + w));
  const plainRows = Math.floor(args.workspaceFloats / h);
  if (plainRows < 1) throw new Error(`strassenGemm: a workspace of ${args.workspaceFloats} floats is under one row of ${h}`);
  let r0 = 0;
  while (r0 < m) {
    const left = m - r0;
    const rows = Math.min(left - (left % 2), strassenRows);
    const at = { a: args.a + 4 * r0 * lda, c: args.c + 4 * r0 * ldc };
    if (!args.accumulate && rows >= MIN_ROWS) {
      strassenBlock(kernels, { ...args, ...at, rows, lda, ldc, h, w, p });
      r0 += rows;
    } else {
      const count = Math.min(left, plainRows);
      plainBlock(kernels, { ...args, ...at, rows: count, lda, ldc, h, w, p });
      r0 += count;
    }
  }
}

interface Block {
  readonly a: number;
  readonly c: number;
  readonly rows: number;
  readonly lda: number;
  readonly ldc: number;
  readonly h: number;
  readonly w: number;
  readonly p: (i: number) => number;
  readonly bias?: number;
  readonly activation?: FusedActivation;
  readonly accumulate?: boolean;
  readonly workspace: number;
}

/** Rows [0, rows) by Strassen's seven products (rows even). */
function strassenBlock(kernels: WasmKernels, blk: Block): void {
  const { lda, ldc, h, w, p, workspace: s } = blk;
  const q = blk.rows / 2;
  const t = s + 4 * q * h;
  const [a11, a12] = [blk.a, blk.a + 4 * h];
  const [a21, a22] = [a11 + 4 * q * lda, a12 + 4 * q * lda];
  const [c11, c12] = [blk.c, blk.c + 4 * w];
  const [c21, c22] = [c11 + 4 * q * ldc, c12 + 4 * q * ldc];
  const [biasLeft, biasRight] = blk.bias === undefined ? [undefined, undefined] : [blk.bias, blk.bias + 4 * w];
  const { activation } = blk;
  const sum = (x: number, sign: number, y: number) =>
    kernels.blockCombine({ rows: q, cols: h, x, ldx: lda, y, ldy: lda, alpha: sign, z: s, ldz: h });
  const product = (a: number, ldA: number, i: number, c: number, ldC: number, extra: { accumulate?: boolean; bias?: number; activation?: FusedActivation } = {}) =>
    kernels.gemm({ m: q, n: w, k: h, a, aRowStride: ldA, bPacked: p(i), c, ldc: ldC, ...extra });
  // c = c + sign·y (+ bias, activation when given).
  const add = (c: number, sign: number, y: number, ldy: number, bias?: number, act?: FusedActivation) =>
    kernels.blockCombine({ rows: q, cols: w, x: c, ldx: ldc, y, ldy, alpha: sign, z: c, ldz: ldc, bias, activation: act });

  sum(a11, 1, a22);
  product(s, h, 1, c11, ldc); // C11 = M1
  sum(a21, 1, a22);
  product(s, h, 2, c21, ldc); // C21 = M2
  kernels.blockCombine({ rows: q, cols: w, x: c11, ldx: ldc, y: c21, ldy: ldc, alpha: -1, z: c22, ldz: ldc }); // C22 = M1 − M2
  product(a11, lda, 3, c12, ldc); // C12 = M3
  add(c22, 1, c12, ldc); // C22 = M1 − M2 + M3
  product(a22, lda, 4, t, w); // T = M4
  add(c11, 1, t, w); // C11 = M1 + M4
  add(c21, 1, t, w, biasLeft, activation); // C21 = M2 + M4: done
  sum(a11, 1, a12);
  product(s, h, 5, t, w); // T = M5
  add(c11, -1, t, w); // C11 = M1 + M4 − M5
  add(c12, 1, t, w, biasRight, activation); // C12 = M3 + M5: done
  sum(a21, -1, a11);
  product(s, h, 6, c22, ldc, { accumulate: true, bias: biasRight, activation }); // C22 += M6: done
  sum(a12, -1, a22);
  product(s, h, 7, c11, ldc, { accumulate: true, bias: biasLeft, activation }); // C11 += M7: done
}

/** Rows [0, rows) as the ordinary product from the packed quarters (any rows). */
function plainBlock(kernels: WasmKernels, blk: Block): void {
  const { rows, lda, ldc, h, w, p, workspace: s, activation } = blk;
  const [a1, a2] = [blk.a, blk.a + 4 * h];
  const [c1, c2] = [blk.c, blk.c + 4 * w];
  const [bias1, bias2] = blk.bias === undefined ? [undefined, undefined] : [blk.bias, blk.bias + 4 * w];
  kernels.blockCombine({ rows, cols: h, x: a1, ldx: lda, y: a2, ldy: lda, alpha: 1, z: s, ldz: h }); // S = A1 + A2
  const product = (a: number, ldA: number, i: number, c: number, extra: { accumulate?: boolean; bias?: number; activation?: FusedActivation }) =>
    kernels.gemm({ m: rows, n: w, k: h, a, aRowStride: ldA, bPacked: p(i), c, ldc, ...extra });
  product(s, h, 2, c1, { accumulate: blk.accumulate });
  product(a2, lda, 4, c1, { accumulate: true, bias: bias1, activation });
  product(a1, lda, 3, c2, { accumulate: blk.accumulate });
  product(s, h, 5, c2, { accumulate: true, bias: bias2, activation });
}
