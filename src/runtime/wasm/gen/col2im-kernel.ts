// col2im for NHWC convolutions: the adjoint of im2col, whose row (b, oy, ox) holds the receptive
// field in (ky, kx, c) order — the order of a Keras kernel [kh, kw, C_in, filters] read as a K×N
// matrix — so the input gradient = GEMM with the transposed kernel, then col2im. (im2col itself
// runs the patches kernel, patches-kernel.ts, which moves whole window rows.)
import type { Code, ModuleBuilder } from "./emitter.ts";

const GEOMETRY_PARAMS = [
  ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["kh", "i32"], ["kw", "i32"],
  ["sh", "i32"], ["sw", "i32"], ["padTop", "i32"], ["padLeft", "i32"], ["dh", "i32"], ["dw", "i32"],
  ["oh", "i32"], ["ow", "i32"],
] as const;

/** Adds the `c` floats of the column segment at local `col` into the image pixel at local
 * `pixel`: v128 chunks, then a scalar tail. */
function emitAddSegment(code: Code): void {
  code.i32Const(0).set("x");
  const step = (bytes: 16 | 4) => {
    code.block(() =>
      code.loop(() => {
        code.get("x").i32Const(bytes).i32Add().get("cBytes").i32GtS().brIf(1);
        const v = bytes === 16;
        const at = (base: string) => code.get(base).get("x").i32Add();
        at("pixel");
        at("pixel");
        if (v) code.v128Load();
        else code.f32Load();
        at("col");
        if (v) code.v128Load().f32x4Add().v128Store();
        else code.f32Load().f32Add().f32Store();
        code.get("x").i32Const(bytes).i32Add().set("x");
        code.br(0);
      }),
    );
  };
  step(16);
  step(4);
}

/**
 * Exports `col2im(image, batch, h, w, c, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow, cols)`:
 * adds each column segment back into `image` (the caller zeroes it first when it wants a fresh
 * gradient). Bottom/right padding is implied by oh/ow.
 */
export function emitCol2im(m: ModuleBuilder): void {
  const { code } = m.func("col2im", [["image", "i32"], ...GEOMETRY_PARAMS, ["cols", "i32"]]);
  for (const l of ["b", "oy", "ox", "ky", "kx", "iy", "ix", "x", "cBytes", "pixel", "col", "rowBase"]) code.local(l, "i32");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  code.get("cols").set("col");
  code.forRange("b", "batch", () =>
    code.forRange("oy", "oh", () =>
      code.forRange("ox", "ow", () =>
        code.forRange("ky", "kh", () => {
          code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().get("ky").get("dh").i32Mul().i32Add().set("iy");
          // rowBase = address of pixel (b, iy, 0)
          code.get("b").get("h").i32Mul().get("iy").i32Add().get("w").i32Mul().get("cBytes").i32Mul().get("image").i32Add().set("rowBase");
          code.forRange("kx", "kw", () => {
            code.get("ox").get("sw").i32Mul().get("padLeft").i32Sub().get("kx").get("dw").i32Mul().i32Add().set("ix");
            // Unsigned compares reject negative coordinates too.
            code.get("iy").get("h").i32LtU().get("ix").get("w").i32LtU().i32And();
            code.if(() => {
              code.get("rowBase").get("ix").get("cBytes").i32Mul().i32Add().set("pixel");
              emitAddSegment(code);
            });
            code.get("col").get("cBytes").i32Add().set("col");
          });
        }),
      ),
    ),
  );
}
