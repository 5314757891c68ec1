// GEMM: C[M,N] (+)= A[M,K]·B[K,N] + bias, then activation, with B pre-packed into column
// panels. A is read through two strides, so a transposed A (Aᵀ·B, for weight gradients) is
// the same kernel; a transposed B (A·Bᵀ, for input gradients) is a packing option.
//
// The microkernel keeps an MR×(4·NV) tile of C in MR·NV v128 accumulators. V8 11.3 gives
// wasm xmm0–xmm14, so 4×8 (8 accumulators + 4 A splats + 2 B vectors + 1 temporary) is the
// largest tile that does not spill; with a fused multiply-add there is no temporary.
import type { Code, ModuleBuilder } from "./emitter.ts";
import { FLAG_ACCUMULATE, FLAG_BIAS, emitActivation, ifFlag, loadActivation } from "./epilogue.ts";

export interface GemmShape {
  /** Rows of the register tile. */
  readonly mr: number;
  /** v128 vectors per tile row; the packed panel width is 4·nv columns. */
  readonly nv: number;
  /** Use `f32x4.relaxed_madd` (needs relaxed SIMD). */
  readonly fma: boolean;
}

/** Floats in B packed for a K×N product: ceil(N / width) panels of K rows of `width`. */
export function packedBFloats(k: number, n: number, panelWidth: number): number {
  return Math.ceil(n / panelWidth) * k * panelWidth;
}

/**
 * Cache lines of the next B panel a row tile touches (reads and drops) before its k loop: a
 * software prefetch, as wasm has none. The weights come from L3 or memory once per inference,
 * and a tile that streams its panel in line by line as it goes waits on every line; a few
 * touched ahead per tile arrive in parallel while the tile computes. More per tile stall it
 * (measured, MobileNetV1 on one thread: pointwise 20.17 ms without, 19.74 with 6, 19.89 with
 * 16, whose 7×7 layers lose 4%).
 */
const MAX_TOUCH_LINES = 6;

const TILE_PARAMS = [
  ["a", "i32"], ["b", "i32"], ["c", "i32"], ["k", "i32"], ["aRow", "i32"], ["aCol", "i32"],
  ["ldc", "i32"], ["nr", "i32"], ["bias", "i32"], ["flags", "i32"], ["count", "i32"],
  ["touch", "i32"], ["touchEnd", "i32"], ["touchLines", "i32"],
] as const;

/**
 * `count` (≥ 1) register tiles of `rows` rows and `nv` vectors down one packed B panel: tile t
 * is C[rows, nr] at c + t·rows·ldc from A rows at a + t·rows·aRow (row i, column k at
 * a + i·aRow + k·aCol bytes), times the panel at `b`, whose rows are `panelVectors` vectors
 * apart. One call per panel rather than per tile: the call costs as much as a few k steps,
 * which matters for short k (a 32-deep pointwise conv). Before its k loop each tile touches
 * `touchLines` cache lines from `touch` on, below `touchEnd` (the next panel: see
 * MAX_TOUCH_LINES), each tile the next ones. nr < 4·nv only on the last panel; a
 * last panel narrower than the panels gets a tile of fewer vectors, so it computes no padding
 * columns.
 */
function emitTile(m: ModuleBuilder, rows: number, { nv, fma }: GemmShape, panelVectors: number): number {
  const { index, code } = m.func(`gemm_tile${rows}x${nv}`, TILE_PARAMS, [], false);
  const width = 4 * nv;
  const acc = (r: number, v: number) => `acc${r}_${v}`;
  for (let r = 0; r < rows; r++) code.local(`a${r}`, "i32");
  for (let r = 0; r < rows; r++) for (let v = 0; v < nv; v++) code.local(acc(r, v), "v128");
  for (let v = 0; v < nv; v++) code.local(`b${v}`, "v128");
  code.local("splat", "v128");
  for (const l of ["kk", "act", "row", "bp", "line", "sink"]) code.local(l, "i32");
  code.local("t", "v128");

  code.loop(() => {
    // Touch this tile's lines of the next panel (see MAX_TOUCH_LINES), then compute.
    code.forRange("line", "touchLines", () => {
      code.get("touch").get("touchEnd").i32LtU();
      code.if(() => {
        code.get("sink").get("touch").i32Load().i32Or().set("sink");
        code.get("touch").i32Const(64).i32Add().set("touch");
      });
    });
    for (let r = 0; r < rows; r++) {
      code.get("a");
      if (r > 0) code.get("aRow").i32Const(r).i32Mul().i32Add();
      code.set(`a${r}`);
    }
    for (let r = 0; r < rows; r++) for (let v = 0; v < nv; v++) code.f32Const(0).f32x4Splat().set(acc(r, v));
    code.get("b").set("bp");
    code.get("k").set("kk");
    code.get("kk");
    code.if(() => {
      code.loop(() => {
        for (let v = 0; v < nv; v++) code.get("bp").v128Load(16 * v).set(`b${v}`);
        for (let r = 0; r < rows; r++) {
          code.get(`a${r}`).v128Load32Splat().set("splat");
          for (let v = 0; v < nv; v++) {
            if (fma) code.get("splat").get(`b${v}`).get(acc(r, v)).f32x4RelaxedMadd();
            else code.get(acc(r, v)).get("splat").get(`b${v}`).f32x4Mul().f32x4Add();
            code.set(acc(r, v));
          }
        }
        for (let r = 0; r < rows; r++) code.get(`a${r}`).get("aCol").i32Add().set(`a${r}`);
        code.get("bp").i32Const(16 * panelVectors).i32Add().set("bp");
        code.get("kk").i32Const(1).i32Sub().tee("kk").brIf(0);
      });
    });
    emitTileEpilogue(code, rows, nv, width);
    code.get("a").get("aRow").i32Const(rows).i32Mul().i32Add().set("a");
    code.get("c").get("ldc").i32Const(rows).i32Mul().i32Add().set("c");
    code.get("count").i32Const(1).i32Sub().tee("count").brIf(0);
  });
  return index;
}

/** Bias, accumulate, activation, store; vector loads/stores on full panels, lanes on the last. */
function emitTileEpilogue(code: Code, rows: number, nv: number, width: number): void {
  const acc = (r: number, v: number) => `acc${r}_${v}`;
  const all: string[] = [];
  for (let r = 0; r < rows; r++) for (let v = 0; v < nv; v++) all.push(acc(r, v));
  const full = () => code.get("nr").i32Const(width).i32Eq();
  // Reads `width` floats at the address on the stack-less `base` into vectors, lane by lane
  // when the panel is partial, and adds vector v to `target(v)`.
  const addRow = (base: () => void, target: (v: number) => string) => {
    full();
    code.if(
      () => {
        for (let v = 0; v < nv; v++) {
          code.get(target(v));
          base();
          code.v128Load(16 * v).f32x4Add().set(target(v));
        }
      },
      () => {
        for (let v = 0; v < nv; v++) {
          code.f32Const(0).f32x4Splat().set("t");
          for (let lane = 0; lane < 4; lane++) {
            const col = 4 * v + lane;
            code.get("nr").i32Const(col).i32GtS();
            code.if(() => {
              code.get("t");
              base();
              code.f32Load(4 * col).f32x4ReplaceLane(lane).set("t");
            });
          }
          code.get(target(v)).get("t").f32x4Add().set(target(v));
        }
      },
    );
  };

  ifFlag(code, "flags", FLAG_BIAS, () => {
    // Zeroed here: the epilogue runs once per tile of a call, and addRow adds into them.
    for (let v = 0; v < nv; v++) {
      code.local(`bias${v}`, "v128");
      code.f32Const(0).f32x4Splat().set(`bias${v}`);
    }
    addRow(() => code.get("bias"), (v) => `bias${v}`);
    for (let r = 0; r < rows; r++)
      for (let v = 0; v < nv; v++) code.get(acc(r, v)).get(`bias${v}`).f32x4Add().set(acc(r, v));
  });
  ifFlag(code, "flags", FLAG_ACCUMULATE, () => {
    code.get("c").set("row");
    for (let r = 0; r < rows; r++) {
      addRow(() => code.get("row"), (v) => acc(r, v));
      code.get("row").get("ldc").i32Add().set("row");
    }
  });
  loadActivation(code, "flags", "act");
  emitActivation(code, "act", all, "v128");

  code.get("c").set("row");
  for (let r = 0; r < rows; r++) {
    full();
    code.if(
      () => {
        for (let v = 0; v < nv; v++) code.get("row").get(acc(r, v)).v128Store(16 * v);
      },
      () => {
        for (let col = 0; col < width; col++) {
          code.get("nr").i32Const(col).i32GtS();
          code.if(() => code.get("row").get(acc(r, col >> 2)).f32x4ExtractLane(col & 3).f32Store(4 * col));
        }
      },
    );
    code.get("row").get("ldc").i32Add().set("row");
  }
}

/**
 * Exports `gemm(m, n, k, a, aRow, aCol, b, c, ldc, bias, flags)`: strides in bytes, `b` packed
 * by `pack_b`, `bias` (when FLAG_BIAS) n floats. Panels are the outer loop so one B panel
 * (K·width floats) stays in cache while A streams past it. Returns the function's index.
 */
export function emitGemm(m: ModuleBuilder, shape: GemmShape): number {
  // tiles[v - 1][rows - 1]: the tile of `rows` rows and v vectors.
  const tiles = Array.from({ length: shape.nv }, (_, v) =>
    Array.from({ length: shape.mr }, (_, r) => emitTile(m, r + 1, { ...shape, nv: v + 1 }, shape.nv)),
  );
  const width = 4 * shape.nv;
  const { index, code } = m.func("gemm", [
    ["m", "i32"], ["n", "i32"], ["k", "i32"], ["a", "i32"], ["aRow", "i32"], ["aCol", "i32"],
    ["b", "i32"], ["c", "i32"], ["ldc", "i32"], ["bias", "i32"], ["flags", "i32"],
  ]);
  for (const l of ["j", "i", "nr", "ap", "cp", "rest", "touch", "touchEnd", "touchLines", "panelBytes"]) code.local(l, "i32");
  code.get("k").i32Const(16 * shape.nv).i32Mul().set("panelBytes");
  const callTiles = (tile: number, count: () => void) => {
    code.get("ap").get("b").get("cp").get("k").get("aRow").get("aCol").get("ldc").get("nr");
    code.get("bias").get("j").i32Const(4).i32Mul().i32Add().get("flags");
    count();
    code.get("touch").get("touchEnd").get("touchLines");
    code.call(tile);
  };
  // All row tiles of the panel at column j with tiles of `vectors` vectors: the full ones in
  // one call, then the rest of the rows.
  const rowTiles = (vectors: number) => {
    const byRows = tiles[vectors - 1]!;
    code.get("a").set("ap");
    code.get("c").get("j").i32Const(4).i32Mul().i32Add().set("cp");
    code.get("m").i32Const(shape.mr).i32DivS().tee("i");
    code.if(() => {
      callTiles(byRows[shape.mr - 1]!, () => code.get("i"));
      code.get("ap").get("aRow").get("i").i32Mul().i32Const(shape.mr).i32Mul().i32Add().set("ap");
      code.get("cp").get("ldc").get("i").i32Mul().i32Const(shape.mr).i32Mul().i32Add().set("cp");
    });
    code.get("m").get("i").i32Const(shape.mr).i32Mul().i32Sub().set("rest");
    for (let rows = 1; rows < shape.mr; rows++) {
      code.get("rest").i32Const(rows).i32Eq();
      code.if(() => callTiles(byRows[rows - 1]!, () => code.i32Const(1)));
    }
  };
  // Panels needing v < nv vectors (the last one's nr ≤ 4·v): a narrower tile.
  const byWidth = (v: number) => {
    if (v === shape.nv) {
      rowTiles(v);
      return;
    }
    code.get("nr").i32Const(4 * v).i32LeS();
    code.if(() => rowTiles(v), () => byWidth(v + 1));
  };
  code.block(() =>
    code.loop(() => {
      code.get("j").get("n").i32GeS().brIf(1);
      // nr = min(width, n - j)
      code.i32Const(width).get("n").get("j").i32Sub().tee("nr").get("nr").i32Const(width).i32GtS().select().set("nr");
      // The next panel, if any, is [touch, touchEnd); each full row tile touches touchLines of
      // its lines: enough to cover it, at most MAX_TOUCH_LINES.
      code.get("b").get("panelBytes").i32Add().tee("touch").set("touchEnd");
      code.i32Const(0).set("touchLines");
      code.get("j").i32Const(width).i32Add().get("n").i32LtS();
      code.if(() => {
        code.get("touch").get("panelBytes").i32Add().set("touchEnd");
        code.get("panelBytes").i32Const(6).i32ShrU().get("m").i32Const(shape.mr).i32DivS().i32Const(1).i32Add().i32DivS().i32Const(1).i32Add().set("touchLines");
        code.get("touchLines").i32Const(MAX_TOUCH_LINES).get("touchLines").i32Const(MAX_TOUCH_LINES).i32LtS().select().set("touchLines");
      });
      byWidth(1);
      code.get("b").get("k").i32Const(16 * shape.nv).i32Mul().i32Add().set("b");
      code.get("j").i32Const(width).i32Add().set("j");
      code.br(0);
    }),
  );
  return index;
}

/**
 * Exports `pack_b(k, n, src, kStride, nStride, dst)`: element (kk, col) of B is read at
 * src + kk·kStride + col·nStride bytes (swap the strides for Bᵀ) and written to its panel,
 * zero-padding the last panel to the full width. Returns the function's index.
 */
export function emitPackB(m: ModuleBuilder, nv: number): number {
  const width = 4 * nv;
  const { index, code } = m.func("pack_b", [
    ["k", "i32"], ["n", "i32"], ["src", "i32"], ["kStride", "i32"], ["nStride", "i32"], ["dst", "i32"],
  ]);
  for (const l of ["j", "kk", "col", "p"]) code.local(l, "i32");
  code.block(() =>
    code.loop(() => {
      code.get("j").get("n").i32GeS().brIf(1);
      code.i32Const(0).set("kk");
      code.block(() =>
        code.loop(() => {
          code.get("kk").get("k").i32GeS().brIf(1);
          // p = address of (kk, j)
          code.get("src").get("kk").get("kStride").i32Mul().i32Add().get("j").get("nStride").i32Mul().i32Add().set("p");
          // Contiguous full panel row: vector copy. Otherwise gather lane by lane.
          code.get("nStride").i32Const(4).i32Eq().get("j").i32Const(width).i32Add().get("n").i32LeS().i32And();
          code.if(
            () => {
              for (let v = 0; v < nv; v++) code.get("dst").get("p").v128Load(16 * v).v128Store(16 * v);
            },
            () => {
              for (let l = 0; l < width; l++) {
                code.get("j").i32Const(l).i32Add().get("n").i32LtS();
                code.if(
                  () => code.get("dst").get("p").get("nStride").i32Const(l).i32Mul().i32Add().f32Load().f32Store(4 * l),
                  () => code.get("dst").f32Const(0).f32Store(4 * l),
                );
              }
            },
          );
          code.get("dst").i32Const(4 * width).i32Add().set("dst");
          code.get("kk").i32Const(1).i32Add().set("kk");
          code.br(0);
        }),
      );
      code.get("j").i32Const(width).i32Add().set("j");
      code.br(0);
    }),
  );
  return index;
}
