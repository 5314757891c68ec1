// One level of Strassen's algorithm for GEMMs whose B is a constant weight matrix (inference):
// C = A·B from seven half-size products instead of eight, 12.5% fewer multiply-adds for a few
// block additions. B's seven quarter combinations are packed once, with the weights, so each
// call adds only A's quarters and combines the products (one `strassen` call into the kernel
// module, ../gen/strassen-kernel.ts; on two threads each takes half of the rows); bias and
// activation land with each quarter's last contribution. MobileNetV1's 14×14×512 pointwise
// convs gain ~6% this way. Rounding changes a little (sums of quarters), well within 1e-5
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
import type { KernelActivation, StrassenBlockArgs, WasmKernels } from "./kernels.ts";

/** Rows per thread below which a block takes the ordinary product: there the block additions
 * and the products' shorter tiles cost what the multiply-adds save (measured on one thread:
 * 48×1024×1024 loses 1%, 98×512×512 gains 2%, 128×512×512 4%, 196×512×512 6%). */
const MIN_ROWS = 96;

/** An odd row, done alone, reads all of B: with fewer rows than this, not worth it. */
const ODD_ROWS_MIN = 512;

/** Whether an m×k by k×n product gains from Strassen (k, n even, halves ≥ 128) on `threads`
 * threads, each taking a block of the rows. */
export function strassenPays(m: number, k: number, n: number, threads: 1 | 2 = 1): boolean {
  const enough = m >= threads * MIN_ROWS && (m % 2 === 0 || m >= ODD_ROWS_MIN);
  return k % 2 === 0 && n % 2 === 0 && k >= 256 && n >= 256 && enough;
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

export interface StrassenGemmArgs extends Omit<StrassenBlockArgs, "rows"> {
  /** Rows of A and C (any count: the kernel's blocks take even ones). */
  readonly m: number;
  /** Add to C instead of overwriting it (before the activation). */
  readonly accumulate?: boolean;
  /** Scratch for A's quarter sums and one product: at least (k/2)·rows floats for some even rows ≥ 2. */
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
    if (!args.accumulate && rows >= kernels.threads * MIN_ROWS) {
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
  readonly activation?: KernelActivation;
  readonly accumulate?: boolean;
  readonly workspace: number;
}

/** Rows [0, rows) by Strassen's seven products (rows even), in the kernel module. */
function strassenBlock(kernels: WasmKernels, blk: Block): void {
  const { rows, lda, ldc, h, w, p, bias, activation, workspace } = blk;
  kernels.strassen({ rows, n: 2 * w, k: 2 * h, a: blk.a, lda, packed: p(1), c: blk.c, ldc, bias, activation, workspace });
}

/** Rows [0, rows) as the ordinary product from the packed quarters (any rows). */
function plainBlock(kernels: WasmKernels, blk: Block): void {
  const { rows, lda, ldc, h, w, p, workspace: s, activation } = blk;
  const [a1, a2] = [blk.a, blk.a + 4 * h];
  const [c1, c2] = [blk.c, blk.c + 4 * w];
  const [bias1, bias2] = blk.bias === undefined ? [undefined, undefined] : [blk.bias, blk.bias + 4 * w];
  kernels.blockCombine({ rows, cols: h, x: a1, ldx: lda, y: a2, ldy: lda, alpha: 1, z: s, ldz: h }); // S = A1 + A2
  const product = (a: number, ldA: number, i: number, c: number, extra: { accumulate?: boolean; bias?: number; activation?: KernelActivation }) =>
    kernels.gemm({ m: rows, n: w, k: h, a, aRowStride: ldA, bPacked: p(i), c, ldc, ...extra });
  product(s, h, 2, c1, { accumulate: blk.accumulate });
  product(a2, lda, 4, c1, { accumulate: true, bias: bias1, activation });
  product(a1, lda, 3, c2, { accumulate: blk.accumulate });
  product(s, h, 5, c2, { accumulate: true, bias: bias2, activation });
}
