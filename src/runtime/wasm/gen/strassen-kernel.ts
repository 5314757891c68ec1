// One block of Strassen's multiplication (see ../host/strassen.ts for the algebra) as a single export,
// so that it costs one call from JavaScript instead of seventeen, and so that a helper thread
// can run a block of rows on its own: the seven products call the module's `gemm`, the
// additions its `block_combine`.
import type { ModuleBuilder } from "./emitter.ts";
import { FLAG_ACCUMULATE } from "./epilogue.ts";

/**
 * Exports `strassen(rows, n, k, a, lda, packed, c, ldc, bias, flags, ws)`: C[rows, n] =
 * act(A[rows, k]·B + bias) for rows, k and n even, from B's quarter combinations P1…P7 packed
 * one after another at `packed` (each `pack_b` of a k/2 × n/2 block, panels `panelWidth`
 * wide). Strides in bytes; flags carry FLAG_BIAS and the activation (never FLAG_ACCUMULATE);
 * `ws` holds (rows/2)·(k/2 + n/2) floats of scratch: A's quarter sums S, then a product T.
 */
export function emitStrassen(m: ModuleBuilder, gemm: number, combine: number, panelWidth: number): void {
  const { code } = m.func("strassen", [
    ["rows", "i32"], ["n", "i32"], ["k", "i32"], ["a", "i32"], ["lda", "i32"], ["packed", "i32"],
    ["c", "i32"], ["ldc", "i32"], ["bias", "i32"], ["flags", "i32"], ["ws", "i32"],
  ]);
  const ints = ["q", "h", "w", "blockBytes", "sRow", "tRow", "t", "a11", "a12", "a21", "a22", "c11", "c12", "c21", "c22", "biasR"];
  for (const l of ints) code.local(l, "i32");
  code.get("rows").i32Const(1).i32ShrU().set("q");
  code.get("k").i32Const(1).i32ShrU().set("h");
  code.get("n").i32Const(1).i32ShrU().set("w");
  // One packed quarter: ceil(w / panelWidth) panels of h rows.
  code.get("w").i32Const(panelWidth - 1).i32Add().i32Const(panelWidth).i32DivS();
  code.get("h").i32Mul().i32Const(4 * panelWidth).i32Mul().set("blockBytes");
  code.get("h").i32Const(4).i32Mul().set("sRow");
  code.get("w").i32Const(4).i32Mul().set("tRow");
  code.get("ws").get("q").get("sRow").i32Mul().i32Add().set("t");
  // Quarter (down, across) of a matrix at `base` with row stride `ld`: q rows down, `cols` floats across.
  const quarter = (into: string, base: string, ld: string, down: boolean, cols: string | null) => {
    code.get(base);
    if (down) code.get("q").get(ld).i32Mul().i32Add();
    if (cols) code.get(cols).i32Const(4).i32Mul().i32Add();
    code.set(into);
  };
  quarter("a11", "a", "lda", false, null);
  quarter("a12", "a", "lda", false, "h");
  quarter("a21", "a", "lda", true, null);
  quarter("a22", "a", "lda", true, "h");
  quarter("c11", "c", "ldc", false, null);
  quarter("c12", "c", "ldc", false, "w");
  quarter("c21", "c", "ldc", true, null);
  quarter("c22", "c", "ldc", true, "w");
  code.get("bias").get("w").i32Const(4).i32Mul().i32Add().set("biasR"); // the right half's bias

  /** S = x + sign·y over the q×h quarters of A. */
  const sum = (x: string, sign: number, y: string) => {
    code.get("q").get("h").get(x).get("lda").get(y).get("lda").f32Const(sign);
    code.get("ws").get("sRow").i32Const(0).i32Const(0).call(combine);
  };
  /** `into` (row stride `ld`) = A-operand × P_i, with the given bias and flags. */
  const product = (a: string, ldA: string, i: number, into: string, ld: string, bias: () => void, flags: () => void) => {
    code.get("q").get("w").get("h").get(a).get(ldA).i32Const(4);
    code.get("packed").get("blockBytes").i32Const(i - 1).i32Mul().i32Add();
    code.get(into).get(ld);
    bias();
    flags();
    code.call(gemm);
  };
  const none = () => code.i32Const(0);
  /** z = x + sign·y over q×w quarters of C (or T), finished with bias and activation when asked. */
  const add = (z: string, sign: number, y: string, ldy: string, finish: string | null) => {
    code.get("q").get("w").get(z).get("ldc").get(y).get(ldy).f32Const(sign).get(z).get("ldc");
    if (finish) code.get(finish).get("flags");
    else code.i32Const(0).i32Const(0);
    code.call(combine);
  };
  const accumulateFinish = () => code.get("flags").i32Const(FLAG_ACCUMULATE).i32Or();

  sum("a11", 1, "a22");
  product("ws", "sRow", 1, "c11", "ldc", none, none); // C11 = M1
  sum("a21", 1, "a22");
  product("ws", "sRow", 2, "c21", "ldc", none, none); // C21 = M2
  code.get("q").get("w").get("c11").get("ldc").get("c21").get("ldc").f32Const(-1).get("c22").get("ldc").i32Const(0).i32Const(0).call(combine); // C22 = M1 − M2
  product("a11", "lda", 3, "c12", "ldc", none, none); // C12 = M3
  add("c22", 1, "c12", "ldc", null); // C22 = M1 − M2 + M3
  product("a22", "lda", 4, "t", "tRow", none, none); // T = M4
  add("c11", 1, "t", "tRow", null); // C11 = M1 + M4
  add("c21", 1, "t", "tRow", "bias"); // C21 = M2 + M4: done
  sum("a11", 1, "a12");
  product("ws", "sRow", 5, "t", "tRow", none, none); // T = M5
  add("c11", -1, "t", "tRow", null); // C11 = M1 + M4 − M5
  add("c12", 1, "t", "tRow", "biasR"); // C12 = M3 + M5: done
  sum("a21", -1, "a11");
  product("ws", "sRow", 6, "c22", "ldc", () => code.get("biasR"), accumulateFinish); // C22 += M6: done
  sum("a12", -1, "a22");
  product("ws", "sRow", 7, "c11", "ldc", () => code.get("bias"), accumulateFinish); // C11 += M7: done
}
