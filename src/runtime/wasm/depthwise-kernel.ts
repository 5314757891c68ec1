// Depthwise convolution (multiplier 1) over NHWC, vectorised across channels: for each output
// pixel, blocks of 16 channels (4 accumulators), then 4, then single channels, each summing
// its kernel taps with bias and activation fused. Weights are Keras [kh, kw, C, 1].
import type { Code, ModuleBuilder } from "./emitter.ts";
import { FLAG_BIAS, emitActivation, ifFlag, loadActivation } from "./epilogue.ts";

/** Channel lanes per block: 4 vectors, 1 vector, or a scalar tail. */
type Block = { readonly vectors: number } | "scalar";

function emitChannelBlock(code: Code, block: Block, fma: boolean): void {
  const scalar = block === "scalar";
  const count = scalar ? 1 : block.vectors;
  const bytes = scalar ? 4 : 16 * count;
  const acc = (v: number) => (scalar ? "accS" : `acc${v}`);
  const load = (offset: number) => (scalar ? code.f32Load(offset) : code.v128Load(offset));
  const accs = Array.from({ length: count }, (_, v) => acc(v));

  code.block(() =>
    code.loop(() => {
      code.get("x").i32Const(bytes).i32Add().get("cBytes").i32GtS().brIf(1);
      for (let v = 0; v < count; v++) {
        code.f32Const(0);
        if (!scalar) code.f32x4Splat();
        code.set(acc(v));
      }
      ifFlag(code, "flags", FLAG_BIAS, () => {
        for (let v = 0; v < count; v++) {
          code.get("bias").get("x").i32Add();
          load(16 * v);
          code.set(acc(v));
        }
      });
      code.i32Const(0).set("ky");
      code.block(() =>
        code.loop(() => {
          code.get("ky").get("kh").i32GeS().brIf(1);
          code.get("iy0").get("ky").get("dh").i32Mul().i32Add().tee("iy").get("h").i32LtU();
          code.if(() => {
            code.i32Const(0).set("kx");
            code.block(() =>
              code.loop(() => {
                code.get("kx").get("kw").i32GeS().brIf(1);
                code.get("ix0").get("kx").get("dw").i32Mul().i32Add().tee("ix").get("w").i32LtU();
                code.if(() => {
                  code.get("b").get("h").i32Mul().get("iy").i32Add().get("w").i32Mul().get("ix").i32Add();
                  code.get("cBytes").i32Mul().get("image").i32Add().get("x").i32Add().set("pixel");
                  code.get("ky").get("kw").i32Mul().get("kx").i32Add();
                  code.get("cBytes").i32Mul().get("weights").i32Add().get("x").i32Add().set("tap");
                  for (let v = 0; v < count; v++) {
                    if (scalar) {
                      code.get("pixel").f32Load().get("tap").f32Load().f32Mul().get(acc(v)).f32Add();
                    } else if (fma) {
                      code.get("pixel").v128Load(16 * v).get("tap").v128Load(16 * v).get(acc(v)).f32x4RelaxedMadd();
                    } else {
                      code.get("pixel").v128Load(16 * v).get("tap").v128Load(16 * v).f32x4Mul().get(acc(v)).f32x4Add();
                    }
                    code.set(acc(v));
                  }
                });
                code.get("kx").i32Const(1).i32Add().set("kx");
                code.br(0);
              }),
            );
          });
          code.get("ky").i32Const(1).i32Add().set("ky");
          code.br(0);
        }),
      );
      emitActivation(code, "act", accs, scalar ? "f32" : "v128");
      for (let v = 0; v < count; v++) {
        code.get("outPixel").get("x").i32Add().get(acc(v));
        if (scalar) code.f32Store();
        else code.v128Store(16 * v);
      }
      code.get("x").i32Const(bytes).i32Add().set("x");
      code.br(0);
    }),
  );
}

/**
 * Exports `depthwise(image, batch, h, w, c, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow,
 * weights, bias, flags, out)`; flags carry FLAG_BIAS and the activation.
 */
export function emitDepthwise(m: ModuleBuilder, fma: boolean): void {
  const { code } = m.func("depthwise", [
    ["image", "i32"], ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["kh", "i32"],
    ["kw", "i32"], ["sh", "i32"], ["sw", "i32"], ["padTop", "i32"], ["padLeft", "i32"], ["dh", "i32"],
    ["dw", "i32"], ["oh", "i32"], ["ow", "i32"], ["weights", "i32"], ["bias", "i32"], ["flags", "i32"],
    ["out", "i32"],
  ]);
  for (const l of ["b", "oy", "ox", "ky", "kx", "iy", "ix", "iy0", "ix0", "x", "cBytes", "pixel", "tap", "outPixel", "act"])
    code.local(l, "i32");
  for (let v = 0; v < 4; v++) code.local(`acc${v}`, "v128");
  code.local("accS", "f32");
  loadActivation(code, "flags", "act");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  code.get("out").set("outPixel");
  code.forRange("b", "batch", () =>
    code.forRange("oy", "oh", () => {
      code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().set("iy0");
      code.forRange("ox", "ow", () => {
        code.get("ox").get("sw").i32Mul().get("padLeft").i32Sub().set("ix0");
        code.i32Const(0).set("x");
        emitChannelBlock(code, { vectors: 4 }, fma);
        emitChannelBlock(code, { vectors: 1 }, fma);
        emitChannelBlock(code, "scalar", fma);
        code.get("outPixel").get("cBytes").i32Add().set("outPixel");
      });
    }),
  );
}
