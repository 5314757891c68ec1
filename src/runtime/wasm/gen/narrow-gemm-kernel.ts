// GEMM for narrow results, C[M,N] (+)= A·B with N small (a LeNet conv has 6 or 16 filters):
// B is read as stored, row by row — no packing — and C in blocks of up to 16 columns, so no
// lanes are wasted on panel padding (the packed GEMM's 12-wide panels hold 6 or 16 columns in
// 12 or 24 lanes). Each k step is a rank-1 update of a register tile of C: splats of one A
// column, vectors of one B row. A is read through two strides, which makes the same kernel
// the filter gradient Xᵀ·dY of a conv (A = the patch matrix read transposed, K = batch·pixels:
// long) and its forward X·W (A = the patch matrix, K = kh·kw·C: short). K runs in chunks so
// the rows a chunk reads stay in cache while every tile of C passes over them.
// Also exports the column sums of a matrix (a bias gradient).
import type { Code, ModuleBuilder } from "./emitter.ts";
import { FLAG_ACCUMULATE, FLAG_BIAS, emitActivation, loadActivation } from "./epilogue.ts";

/** Rows of K per chunk: a chunk of a 150-wide A is 150 KB, of a 16-wide B 16 KB. */
const K_CHUNK = 256;

/** Columns of C per block: up to 4 vectors. */
const MAX_VECTORS = 4;

/** Tile rows for a block of `vectors` vectors: accumulators + B vectors + a splat (+ a
 * temporary without FMA) within V8's 15 usable xmm registers. */
function tileRows(vectors: number): number {
  return [0, 8, 4, 3, 2][vectors]!;
}

const TILE_PARAMS = [
  ["a", "i32"], ["aRow", "i32"], ["aCol", "i32"], ["b", "i32"], ["ldb", "i32"], ["kc", "i32"], ["outer", "i32"],
  ["aJump", "i32"], ["c", "i32"], ["ldc", "i32"], ["nr", "i32"], ["bias", "i32"], ["flags", "i32"],
  ["count", "i32"],
] as const;

/**
 * `count` (≥ 1) tiles down the rows, tile t being C[rows, nr] at c + t·rows·ldc (row stride
 * ldc) (+)= Σ over outer·kc steps of A (from a + t·rows·aRow) times B, then bias and activation
 * per flags: one call for many tiles, as the packed GEMM's (a call costs a few k steps). The
 * k steps run as `outer` runs of kc: A's row r is read at a + r·aRow, advancing aCol per step
 * and aJump more after each run (a conv's window rows); B's row at b, advancing ldb per step.
 * Lanes past nr (only in the last vector) are computed from whatever B holds there but never
 * stored. Strides in bytes; outer ≥ 1, kc ≥ 1.
 */
function emitTile(m: ModuleBuilder, rows: number, vectors: number, fma: boolean): number {
  const { index, code } = m.func(`narrow_gemm_tile${rows}x${vectors}`, TILE_PARAMS, [], false);
  const acc = (r: number, v: number) => `acc${r}_${v}`;
  for (let r = 1; r < rows; r++) code.local(`offset${r}`, "i32");
  for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) code.local(acc(r, v), "v128");
  for (let v = 0; v < vectors; v++) code.local(`b${v}`, "v128");
  for (const l of ["splat", "value"]) code.local(l, "v128");
  for (const l of ["row", "act", "full", "kk", "ap", "bp", "runs"]) code.local(l, "i32");
  // Row r of the tile is read at ap + offset_r: one pointer advances, the engine folds the
  // offsets into the loads' addressing.
  for (let r = 1; r < rows; r++) code.get("aRow").i32Const(r).i32Mul().set(`offset${r}`);
  code.loop(() => {
    for (let r = 0; r < rows; r++) for (let v = 0; v < vectors; v++) code.f32Const(0).f32x4Splat().set(acc(r, v));
    code.get("a").set("ap");
    code.get("b").set("bp");
    code.get("outer").set("runs");
    code.loop(() => {
      code.get("kc").set("kk");
      code.loop(() => {
        for (let v = 0; v < vectors; v++) code.get("bp").v128Load(16 * v).set(`b${v}`);
        for (let r = 0; r < rows; r++) {
          code.get("ap");
          if (r > 0) code.get(`offset${r}`).i32Add();
          code.v128Load32Splat().set("splat");
          for (let v = 0; v < vectors; v++) {
            if (fma) code.get("splat").get(`b${v}`).get(acc(r, v)).f32x4RelaxedMadd();
            else code.get(acc(r, v)).get("splat").get(`b${v}`).f32x4Mul().f32x4Add();
            code.set(acc(r, v));
          }
        }
        code.get("ap").get("aCol").i32Add().set("ap");
        code.get("bp").get("ldb").i32Add().set("bp");
        code.get("kk").i32Const(1).i32Sub().tee("kk").brIf(0);
      });
      code.get("ap").get("aJump").i32Add().set("ap");
      code.get("runs").i32Const(1).i32Sub().tee("runs").brIf(0);
    });
    emitTileEpilogue(code, rows, vectors, acc);
    code.get("a").get("aRow").i32Const(rows).i32Mul().i32Add().set("a");
    code.get("c").get("ldc").i32Const(rows).i32Mul().i32Add().set("c");
    code.get("count").i32Const(1).i32Sub().tee("count").brIf(0);
  });
  return index;
}

/** value += the 4 floats at `address` + 16v, or only the first nr − 4v of them lane by lane. */
function addVector(code: Code, address: () => void, v: number, partial: boolean): void {
  if (!partial) {
    code.get("value");
    address();
    code.v128Load(16 * v).f32x4Add().set("value");
    return;
  }
  for (let lane = 0; lane < 4; lane++) {
    code.get("nr").i32Const(4 * v + lane).i32GtS();
    code.if(() => {
      code.get("value").get("value").f32x4ExtractLane(lane);
      address();
      code.f32Load(16 * v + 4 * lane).f32Add().f32x4ReplaceLane(lane).set("value");
    });
  }
}

/** Per row and vector: (+ C) (+ bias), activation, store — lane by lane past nr. */
function emitTileEpilogue(code: Code, rows: number, vectors: number, acc: (r: number, v: number) => string): void {
  loadActivation(code, "flags", "act");
  code.get("nr").i32Const(4 * vectors).i32Eq().set("full");
  code.get("c").set("row");
  for (let r = 0; r < rows; r++) {
    for (let v = 0; v < vectors; v++) {
      const last = v === vectors - 1;
      // Only the last vector can be partial; emit both forms for it.
      const body = (partial: boolean) => {
        code.get(acc(r, v)).set("value");
        code.get("flags").i32Const(FLAG_ACCUMULATE).i32And();
        code.if(() => addVector(code, () => code.get("row"), v, partial));
        code.get("flags").i32Const(FLAG_BIAS).i32And();
        code.if(() => addVector(code, () => code.get("bias"), v, partial));
        emitActivation(code, "act", ["value"], "v128");
        if (!partial) {
          code.get("row").get("value").v128Store(16 * v);
          return;
        }
        for (let lane = 0; lane < 4; lane++) {
          code.get("nr").i32Const(4 * v + lane).i32GtS();
          code.if(() => code.get("row").get("value").f32x4ExtractLane(lane).f32Store(16 * v + 4 * lane));
        }
      };
      if (last) {
        code.get("full");
        code.if(
          () => body(false),
          () => body(true),
        );
      } else {
        body(false);
      }
    }
    code.get("row").get("ldc").i32Add().set("row");
  }
}

/** out[0, n) += Σ_k X[k, 0, n) with row kk at x + kk·ldx bytes, a vector at a time. */
function emitColumnSums(m: ModuleBuilder): void {
  const { code } = m.func("column_sums", [["n", "i32"], ["k", "i32"], ["x", "i32"], ["ldx", "i32"], ["out", "i32"]]);
  for (const l of ["j", "p", "kk"]) code.local(l, "i32");
  code.local("sum", "v128");
  code.block(() =>
    code.loop(() => {
      code.get("j").get("n").i32GeS().brIf(1);
      code.f32Const(0).f32x4Splat().set("sum");
      code.get("x").get("j").i32Const(4).i32Mul().i32Add().set("p");
      code.get("k").set("kk");
      code.block(() =>
        code.loop(() => {
          code.get("kk").i32Eqz().brIf(1);
          code.get("sum").get("p").v128Load().f32x4Add().set("sum");
          code.get("p").get("ldx").i32Add().set("p");
          code.get("kk").i32Const(1).i32Sub().set("kk");
          code.br(0);
        }),
      );
      code.get("out").get("j").i32Const(4).i32Mul().i32Add().set("p");
      for (let lane = 0; lane < 4; lane++) {
        code.get("j").i32Const(lane).i32Add().get("n").i32LtS();
        code.if(() => code.get("p").get("p").f32Load(4 * lane).get("sum").f32x4ExtractLane(lane).f32Add().f32Store(4 * lane));
      }
      code.get("j").i32Const(4).i32Add().set("j");
      code.br(0);
    }),
  );
}

/**
 * Exports `narrow_gemm(m, n, k, a, aRow, aCol, b, ldb, c, ldc, bias, flags)`: C = A·B with
 * A element (i, kk) at a + i·aRow + kk·aCol, B element (kk, j) at b + kk·ldb + 4j and C (i, j)
 * at c + i·ldc + 4j (strides in bytes); flags (epilogue.ts) add C's old value, add bias[j]
 * and apply the activation. And `column_sums(n, k, x, ldx, out)`: out[j] += Σ_kk X[kk, j].
 * Both read rows of B (X) as whole vectors: the caller guarantees 12 readable bytes past each
 * row's n-th float (lanes past n are never stored).
 */
export function emitNarrowGemm(m: ModuleBuilder, tiles: NarrowTiles): void {
  const { code } = m.func("narrow_gemm", [
    ["m", "i32"], ["n", "i32"], ["k", "i32"], ["a", "i32"], ["aRow", "i32"], ["aCol", "i32"], ["b", "i32"],
    ["ldb", "i32"], ["c", "i32"], ["ldc", "i32"], ["bias", "i32"], ["flags", "i32"],
  ]);
  for (const l of ["k0", "kc", "j", "nr", "i", "rest", "chunkFlags"]) code.local(l, "i32");
  const callTile = (rows: number, vectors: number, count: () => void) => {
    // A at row i, column k0; B at row k0, column j; C at (i, j); bias at j.
    code.get("a").get("i").get("aRow").i32Mul().i32Add().get("k0").get("aCol").i32Mul().i32Add().get("aRow").get("aCol");
    code.get("b").get("k0").get("ldb").i32Mul().i32Add().get("j").i32Const(4).i32Mul().i32Add().get("ldb").get("kc");
    code.i32Const(1).i32Const(0); // one run, no jump
    code.get("c").get("i").get("ldc").i32Mul().i32Add().get("j").i32Const(4).i32Mul().i32Add().get("ldc").get("nr");
    code.get("bias").get("j").i32Const(4).i32Mul().i32Add().get("chunkFlags");
    count();
    code.call(tiles.get(`${rows}x${vectors}`)!);
  };
  code.block(() =>
    code.loop(() => {
      code.get("k0").get("k").i32GeS().brIf(1);
      code.get("k").get("k0").i32Sub().tee("kc").i32Const(K_CHUNK).get("kc").i32Const(K_CHUNK).i32LtS().select().set("kc");
      // Later chunks add to C; bias and activation belong after the last one.
      code.get("flags").get("flags").i32Const(FLAG_ACCUMULATE).i32Or().get("k0").i32Eqz().select().set("chunkFlags");
      code.get("k0").get("kc").i32Add().get("k").i32LtS();
      code.if(() => code.get("chunkFlags").i32Const(FLAG_ACCUMULATE).i32And().set("chunkFlags"));
      forEachColumnBlock(code, "n", () => emitRowTiles(code, "m", callTile));
      code.get("k0").get("kc").i32Add().set("k0");
      code.br(0);
    }),
  );
  emitColumnSums(m);
}

/** The register tiles, keyed `${rows}x${vectors}`: function indices for `call`. */
export type NarrowTiles = ReadonlyMap<string, number>;

export function emitNarrowTiles(m: ModuleBuilder, fma: boolean): NarrowTiles {
  const tiles = new Map<string, number>();
  for (let vectors = 1; vectors <= MAX_VECTORS; vectors++) {
    for (let rows = 1; rows <= tileRows(vectors); rows++) tiles.set(`${rows}x${vectors}`, emitTile(m, rows, vectors, fma));
  }
  return tiles;
}

/** `for (j = 0; j < n; j += 16)` with local nr = min(16, n − j) (locals j, nr; n a local). */
export function forEachColumnBlock(code: Code, n: string, body: () => void): void {
  code.i32Const(0).set("j");
  code.block(() =>
    code.loop(() => {
      code.get("j").get(n).i32GeS().brIf(1);
      code.get(n).get("j").i32Sub().tee("nr").i32Const(4 * MAX_VECTORS).get("nr").i32Const(4 * MAX_VECTORS).i32LtS().select().set("nr");
      body();
      code.get("j").i32Const(4 * MAX_VECTORS).i32Add().set("j");
      code.br(0);
    }),
  );
}

/**
 * Covers `count` (a local) rows with tiles for the current block's width (local nr): the full
 * tiles of tileRows(vectors) rows in one call, then one smaller tile for the rest. `tile(rows,
 * vectors, tiles)` emits a call for tiles from row i (a local) on, pushing `tiles()` as its
 * last argument (locals i, rest).
 */
export function emitRowTiles(code: Code, count: string, tile: (rows: number, vectors: number, tiles: () => void) => void): void {
  for (let vectors = 1; vectors <= MAX_VECTORS; vectors++) {
    // This block needs `vectors` vectors: nr in (4·(vectors−1), 4·vectors].
    code.get("nr").i32Const(4 * (vectors - 1)).i32GtS().get("nr").i32Const(4 * vectors).i32LeS().i32And();
    code.if(() => {
      const mr = tileRows(vectors);
      code.i32Const(0).set("i");
      code.get(count).i32Const(mr).i32DivS().tee("rest");
      code.if(() => tile(mr, vectors, () => code.get("rest")));
      code.get("rest").i32Const(mr).i32Mul().set("i");
      code.get(count).get("i").i32Sub().set("rest");
      for (let rows = 1; rows < mr; rows++) {
        code.get("rest").i32Const(rows).i32Eq();
        code.if(() => tile(rows, vectors, () => code.i32Const(1)));
      }
    });
  }
}
