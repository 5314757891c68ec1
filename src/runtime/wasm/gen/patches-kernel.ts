// im2col / col2im (the same row layout as col2im-kernel.ts: row (b, oy, ox) holds the window
// in (ky, kx, c) order) moving whole kernel rows at once: where a window's row lies inside the
// image (dilation 1 across), its kw·C floats are contiguous in both the image and the patch
// row, so one run of vectors moves them. Few channels gain most: a 5×5 window over a
// 1-channel image is 5 runs of 5 floats instead of 25 single-float pieces.
import type { Code, ModuleBuilder } from "./emitter.ts";

const GEOMETRY_PARAMS = [
  ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["kh", "i32"], ["kw", "i32"],
  ["sh", "i32"], ["sw", "i32"], ["padTop", "i32"], ["padLeft", "i32"], ["dh", "i32"], ["dw", "i32"],
  ["oh", "i32"], ["ow", "i32"],
] as const;

type Move = "copy" | "zero" | "add";

/**
 * Moves `bytes` (local) between the image at local `pixel` and the patch row at local `col`:
 * copy pixel→col, zero col, or add col into pixel; vectors first, then the rest — for copies
 * and zeroing of at least a vector, as one last vector overlapping the previous one.
 */
function emitRun(code: Code, move: Move, bytes: string): void {
  const at = (base: string, offset: () => void) => {
    code.get(base);
    offset();
    code.i32Add();
  };
  const step = (width: 16 | 4, offset: () => void) => {
    const vector = width === 16;
    if (move === "copy") {
      at("col", offset);
      at("pixel", offset);
      if (vector) code.v128Load().v128Store();
      else code.f32Load().f32Store();
    } else if (move === "zero") {
      at("col", offset);
      if (vector) code.f32Const(0).f32x4Splat().v128Store();
      else code.f32Const(0).f32Store();
    } else {
      at("pixel", offset);
      at("pixel", offset);
      if (vector) code.v128Load();
      else code.f32Load();
      at("col", offset);
      if (vector) code.v128Load().f32x4Add().v128Store();
      else code.f32Load().f32Add().f32Store();
    }
  };
  const loop = (width: 16 | 4) =>
    code.block(() =>
      code.loop(() => {
        code.get("x").i32Const(width).i32Add().get(bytes).i32GtS().brIf(1);
        step(width, () => code.get("x"));
        code.get("x").i32Const(width).i32Add().set("x");
        code.br(0);
      }),
    );
  code.i32Const(0).set("x");
  if (move === "add") {
    loop(16);
    loop(4);
    return;
  }
  const last = () => code.get(bytes).i32Const(16).i32Sub();
  // 16…32 bytes (a 5×5 window row of one channel): two overlapping vectors, no loop.
  code.get(bytes).i32Const(16).i32Sub().i32Const(17).i32LtU();
  code.if(
    () => {
      step(16, () => code.i32Const(0));
      step(16, last);
    },
    () => {
      loop(16);
      code.get("x").get(bytes).i32LtS();
      code.if(() => {
        code.get(bytes).i32Const(16).i32GeS();
        code.if(
          () => step(16, last),
          () => loop(4),
        );
      });
    },
  );
}

/**
 * inner = the number of output columns, from oxLo on, whose window rows lie inside the image
 * as contiguous runs (dilation 1 across): ox·sw − left ≥ 0 and ox·sw − left + kw ≤ w, so
 * oxLo = ⌈left/sw⌉ and oxHi = min(ow, ⌊(w − kw + left)/sw⌋ + 1); inner = 0 if none.
 */
function emitInteriorColumns(code: Code): void {
  code.get("padLeft").get("sw").i32Add().i32Const(1).i32Sub().get("sw").i32DivS().set("oxLo");
  code.get("w").get("kw").i32Sub().get("padLeft").i32Add().tee("oxHi").get("sw").i32DivS().i32Const(1).i32Add();
  code.i32Const(0).get("oxHi").i32Const(0).i32GeS().select().set("oxHi"); // no column fits
  code.get("oxHi").get("ow").get("oxHi").get("ow").i32LtS().select().set("oxHi");
  code.get("oxHi").get("oxLo").i32Sub().set("inner");
  code.i32Const(0).get("inner").get("inner").i32Const(0).i32LtS().select().set("inner");
  code.get("inner").i32Const(0).get("dw").i32Const(1).i32Eq().select().set("inner");
}

/** `for (ox = from; ox < to; ox++)` over i32 locals named by `from` and `to`. */
function columns(code: Code, from: string, to: string, body: () => void): void {
  code.get(from).set("ox");
  code.block(() =>
    code.loop(() => {
      code.get("ox").get(to).i32GeS().brIf(1);
      body();
      code.get("ox").i32Const(1).i32Add().set("ox");
      code.br(0);
    }),
  );
}

/**
 * The loop nest: for each image row b, oy and kernel row ky (so the image row iy and its
 * address are computed once), the output columns: pixel by pixel at the borders, one run per
 * column for the `inner` columns [lo, hi) whose window rows lie inside the image.
 */
function emitPatchLoops(m: ModuleBuilder, name: string, inside: Move, outside: Move | null): void {
  const { code } = m.func(name, [["image", "i32"], ...GEOMETRY_PARAMS, ["cols", "i32"]]);
  const locals = ["b", "oy", "ox", "ky", "kx", "iy", "ix", "ix0", "x", "cBytes", "runBytes", "rowBytes", "pixel", "col", "rowBase", "segment"];
  for (const l of [...locals, "oxLo", "oxHi", "inner", "lo", "hi", "zero", "pixelStep", "short", "tail"]) code.local(l, "i32");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  code.get("kw").get("cBytes").i32Mul().set("runBytes");
  code.get("kh").get("runBytes").i32Mul().set("rowBytes");
  code.get("sw").get("cBytes").i32Mul().set("pixelStep");
  emitInteriorColumns(code);
  // Without inner columns the left border loop takes them all.
  code.get("oxLo").get("ow").get("inner").select().tee("lo").get("inner").i32Add().set("hi");
  code.get("runBytes").i32Const(16).i32Sub().tee("tail").i32Const(17).i32LtU().set("short"); // 16…32 bytes
  const borderColumn = () => {
    code.get("ox").get("sw").i32Mul().get("padLeft").i32Sub().set("ix0");
    code.forRange("kx", "kw", () => {
      code.get("ix0").get("kx").get("dw").i32Mul().i32Add().tee("ix").get("w").i32LtU();
      code.if(
        () => {
          code.get("rowBase").get("ix").get("cBytes").i32Mul().i32Add().set("pixel");
          emitRun(code, inside, "cBytes");
        },
        outside ? () => emitRun(code, outside, "cBytes") : undefined,
      );
      code.get("col").get("cBytes").i32Add().set("col");
    });
    code.get("col").get("runBytes").i32Sub().get("rowBytes").i32Add().set("col");
  };
  const interior = () => {
    code.get("lo").get("sw").i32Mul().get("padLeft").i32Sub().get("cBytes").i32Mul().get("rowBase").i32Add().set("pixel");
    const loop = (run: () => void) =>
      columns(code, "lo", "hi", () => {
        run();
        code.get("pixel").get("pixelStep").i32Add().set("pixel");
        code.get("col").get("rowBytes").i32Add().set("col");
      });
    if (inside === "add") {
      loop(() => emitRun(code, inside, "runBytes"));
      return;
    }
    // A short run is two overlapping vectors: no inner loop, no tests.
    code.get("short");
    code.if(
      () => loop(() => emitShortRun(code)),
      () => loop(() => emitRun(code, inside, "runBytes")),
    );
  };
  code.get("cols").set("segment"); // patch row (b, oy, 0), kernel row ky
  code.forRange("b", "batch", () =>
    code.forRange("oy", "oh", () => {
      code.forRange("ky", "kh", () => {
        code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().get("ky").get("dh").i32Mul().i32Add().set("iy");
        code.get("b").get("h").i32Mul().get("iy").i32Add().get("w").i32Mul().get("cBytes").i32Mul().get("image").i32Add().set("rowBase");
        code.get("segment").get("ky").get("runBytes").i32Mul().i32Add().set("col");
        code.get("iy").get("h").i32LtU();
        code.if(
          () => {
            columns(code, "zero", "lo", borderColumn);
            interior();
            columns(code, "hi", "ow", borderColumn);
          },
          outside
            ? () =>
                code.forRange("ox", "ow", () => {
                  emitRun(code, outside, "runBytes");
                  code.get("col").get("rowBytes").i32Add().set("col");
                })
            : undefined,
        );
      });
      code.get("segment").get("ow").get("rowBytes").i32Mul().i32Add().set("segment");
    }),
  );
}

/** Copies `runBytes` (16…32) from `pixel` to `col` as two overlapping vectors (`tail` =
 * runBytes − 16). */
function emitShortRun(code: Code): void {
  code.get("col").get("pixel").v128Load().v128Store();
  code.get("col").get("tail").i32Add().get("pixel").get("tail").i32Add().v128Load().v128Store();
}

/**
 * Exports `patches(image, batch, h, w, c, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow,
 * cols)` (im2col: padding reads 0) and `patches_add(image, ...same..., cols)` (col2im: adds
 * each patch entry back onto its pixel). Bottom/right padding is implied by oh/ow; padTop may
 * be negative (a slice of output rows).
 */
export function emitPatches(m: ModuleBuilder): void {
  emitPatchLoops(m, "patches", "copy", "zero");
  emitPatchLoops(m, "patches_add", "add", null);
}

