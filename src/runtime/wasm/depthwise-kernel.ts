// Depthwise convolution (multiplier 1) over NHWC, vectorised across channels. Weights are
// Keras [kh, kw, C, 1].
//
// Per output row, three paths. The general one walks pixels and, per pixel, blocks of 16
// channels (4 accumulators), then 4, then single channels, checking every tap against the
// image borders; it takes the border pixels. Interior pixels (every tap inside the image) skip
// the checks: 3×3 windows at stride 1 over at most 256 channels (a multiple of 4) are swept one
// channel vector at a time along the row, its 9 weights and bias held in registers (9 loads
// and 9 multiply-adds per output vector); anything else walks each interior pixel's taps by
// pointer steps. Bias and activation are fused in all three.
import type { Code, ModuleBuilder } from "./emitter.ts";
import { FLAG_BIAS, emitActivation, ifFlag, loadActivation } from "./epilogue.ts";

/** Widest input (channels) the row sweep takes; see emitDepthwise. */
const SWEEP_MAX_CHANNELS = 256;

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
 * One channel block of an interior pixel (every tap inside the image): the taps are walked by
 * pointer steps from the window's corner (local `corner`), without bounds checks.
 */
function emitInteriorChannelBlock(code: Code, block: Block, fma: boolean): void {
  const scalar = block === "scalar";
  const count = scalar ? 1 : block.vectors;
  const bytes = scalar ? 4 : 16 * count;
  const acc = (v: number) => (scalar ? "accS" : `acc${v}`);
  const load = (offset: number) => (scalar ? code.f32Load(offset) : code.v128Load(offset));

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
      code.get("corner").get("x").i32Add().set("p0");
      code.get("weights").get("x").i32Add().set("tap");
      code.forRange("ky", "kh", () => {
        code.get("p0").set("pixel");
        code.forRange("kx", "kw", () => {
          for (let v = 0; v < count; v++) {
            code.get("pixel");
            load(16 * v);
            code.get("tap");
            load(16 * v);
            if (scalar) code.f32Mul().get(acc(v)).f32Add();
            else if (fma) code.get(acc(v)).f32x4RelaxedMadd();
            else code.f32x4Mul().get(acc(v)).f32x4Add();
            code.set(acc(v));
          }
          code.get("pixel").get("tapStep").i32Add().set("pixel");
          code.get("tap").get("cBytes").i32Add().set("tap");
        });
        code.get("p0").get("rowStep").i32Add().set("p0");
      });
      emitActivation(code, "act", Array.from({ length: count }, (_, v) => acc(v)), scalar ? "f32" : "v128");
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

/** Interior pixels ox ∈ [oxLo, oxHi) of row (b, oy), any window, one pixel at a time. */
function emitInteriorPixels(code: Code, fma: boolean): void {
  code.get("oxLo").set("ox");
  code.block(() =>
    code.loop(() => {
      code.get("ox").get("oxHi").i32GeS().brIf(1);
      code.get("b").get("h").i32Mul().get("iy0").i32Add().get("w").i32Mul();
      code.get("ox").get("sw").i32Mul().get("padLeft").i32Sub().i32Add();
      code.get("cBytes").i32Mul().get("image").i32Add().set("corner");
      code.get("outRow").get("ox").get("cBytes").i32Mul().i32Add().set("outPixel");
      code.i32Const(0).set("x");
      emitInteriorChannelBlock(code, { vectors: 4 }, fma);
      emitInteriorChannelBlock(code, { vectors: 1 }, fma);
      emitInteriorChannelBlock(code, "scalar", fma);
      code.get("ox").i32Const(1).i32Add().set("ox");
      code.br(0);
    }),
  );
}

/** General path: output pixels ox ∈ [from, to) of row (b, oy), every tap bounds-checked. */
function emitGeneralPixels(code: Code, from: string, to: string, fma: boolean): void {
  code.get(from).set("ox");
  code.block(() =>
    code.loop(() => {
      code.get("ox").get(to).i32GeS().brIf(1);
      code.get("ox").get("sw").i32Mul().get("padLeft").i32Sub().set("ix0");
      code.get("outRow").get("ox").get("cBytes").i32Mul().i32Add().set("outPixel");
      code.i32Const(0).set("x");
      emitChannelBlock(code, { vectors: 4 }, fma);
      emitChannelBlock(code, { vectors: 1 }, fma);
      emitChannelBlock(code, "scalar", fma);
      code.get("ox").i32Const(1).i32Add().set("ox");
      code.br(0);
    }),
  );
}

/**
 * Fast path: output pixels ox ∈ [oxLo, oxHi) of row (b, oy), where a 3×3 window's taps all lie
 * inside the image. Channel vectors outer, pixels inner, so one vector's 9 weights and bias
 * stay in registers along the row; one inner loop per activation keeps it branch-free.
 */
function emitInteriorRow(code: Code, fma: boolean): void {
  const madd = (pointer: string, offset: string | null, weight: string) => {
    code.get(pointer);
    if (offset) code.get(offset).i32Add();
    code.v128Load().get(weight);
    if (fma) code.get("acc0").f32x4RelaxedMadd();
    else code.f32x4Mul().get("acc0").f32x4Add();
    code.set("acc0");
  };
  const sweepRow = (activation: number) => {
    code.get("oxHi").get("oxLo").i32Sub().set("n");
    code.loop(() => {
      code.get("biasV").set("acc0");
      for (let r = 0; r < 3; r++) {
        madd(`p${r}`, null, `w${3 * r}`);
        madd(`p${r}`, "tapStep", `w${3 * r + 1}`);
        madd(`p${r}`, "tapStep2", `w${3 * r + 2}`);
      }
      if (activation > 0) {
        code.get("acc0").f32Const(0).f32x4Splat().f32x4Pmax().set("acc0");
        if (activation > 1) code.get("acc0").f32Const(6).f32x4Splat().f32x4Pmin().set("acc0");
      }
      code.get("o").get("acc0").v128Store();
      for (let r = 0; r < 3; r++) code.get(`p${r}`).get("pixelStep").i32Add().set(`p${r}`);
      code.get("o").get("cBytes").i32Add().set("o");
      code.get("n").i32Const(1).i32Sub().tee("n").brIf(0);
    });
  };
  const sweep = (activation: number) => {
    // p0: input pixel (b, iy0, oxLo·sw − padLeft), channel x; p1, p2 the rows below.
    code.get("b").get("h").i32Mul().get("iy0").i32Add().get("w").i32Mul();
    code.get("oxLo").get("sw").i32Mul().get("padLeft").i32Sub().i32Add();
    code.get("cBytes").i32Mul().get("image").i32Add().get("x").i32Add().set("p0");
    code.get("p0").get("rowStep").i32Add().set("p1");
    code.get("p1").get("rowStep").i32Add().set("p2");
    code.get("outRow").get("oxLo").get("cBytes").i32Mul().i32Add().get("x").i32Add().set("o");
    sweepRow(activation);
  };

  code.i32Const(0).set("x");
  code.block(() =>
    code.loop(() => {
      code.get("x").get("cBytes").i32GeS().brIf(1);
      code.get("weights").get("x").i32Add().set("tap");
      for (let t = 0; t < 9; t++) {
        code.get("tap").v128Load().set(`w${t}`);
        code.get("tap").get("cBytes").i32Add().set("tap");
      }
      code.f32Const(0).f32x4Splat().set("biasV");
      ifFlag(code, "flags", FLAG_BIAS, () => code.get("bias").get("x").i32Add().v128Load().set("biasV"));
      code.get("act").i32Eqz();
      code.if(
        () => sweep(0),
        () => {
          code.get("act").i32Const(1).i32Eq();
          code.if(() => sweep(1), () => sweep(2));
        },
      );
      code.get("x").i32Const(16).i32Add().set("x");
      code.br(0);
    }),
  );
}

/** `lo` = the first output index whose `taps`-tap window starts inside the image, `hi` one past
 * the last whose window ends inside it (at most `out`). */
function emitInteriorRange(code: Code, taps: string, pad: string, stride: string, dilation: string, size: string, out: string, lo: string, hi: string): void {
  // lo: o·stride − pad ≥ 0; hi: o·stride − pad + (taps − 1)·dilation ≤ size − 1.
  code.get(pad).get(stride).i32Add().i32Const(1).i32Sub().get(stride).i32DivS().set(lo);
  code.get(size).get(taps).i32Const(1).i32Sub().get(dilation).i32Mul().i32Sub().get(pad).i32Add().i32Const(1).i32Sub().tee(hi).i32Const(0).i32LtS();
  code.if(
    () => code.i32Const(0).set(hi),
    () => code.get(hi).get(stride).i32DivS().i32Const(1).i32Add().set(hi),
  );
  code.get(hi).get(out).get(hi).get(out).i32LtS().select().set(hi);
}

/**
 * Exports `depthwise(image, batch, h, w, c, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh, ow,
 * weights, bias, flags, out)`; flags carry FLAG_BIAS and the activation. A caller splitting
 * the output rows across threads passes a later row range as a shifted padTop, a smaller oh
 * and a later out.
 */
export function emitDepthwise(m: ModuleBuilder, fma: boolean): void {
  const { code } = m.func("depthwise", [
    ["image", "i32"], ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["kh", "i32"],
    ["kw", "i32"], ["sh", "i32"], ["sw", "i32"], ["padTop", "i32"], ["padLeft", "i32"], ["dh", "i32"],
    ["dw", "i32"], ["oh", "i32"], ["ow", "i32"], ["weights", "i32"], ["bias", "i32"], ["flags", "i32"],
    ["out", "i32"],
  ]);
  const ints = ["b", "oy", "ox", "ky", "kx", "iy", "ix", "iy0", "ix0", "x", "cBytes", "pixel", "tap", "outPixel", "act",
    "outRow", "zero", "oxLo", "oxHi", "oyLo", "oyHi", "sweep", "corner", "n", "p0", "p1", "p2", "o", "rowStep", "tapStep", "tapStep2",
    "pixelStep"];
  for (const l of ints) code.local(l, "i32");
  for (let v = 0; v < 4; v++) code.local(`acc${v}`, "v128");
  for (let t = 0; t < 9; t++) code.local(`w${t}`, "v128");
  code.local("biasV", "v128");
  code.local("accS", "f32");
  loadActivation(code, "flags", "act");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  code.get("dh").get("w").i32Mul().get("cBytes").i32Mul().set("rowStep");
  code.get("dw").get("cBytes").i32Mul().tee("tapStep").i32Const(2).i32Mul().set("tapStep2");
  code.get("sw").get("cBytes").i32Mul().set("pixelStep");
  emitInteriorRange(code, "kw", "padLeft", "sw", "dw", "w", "ow", "oxLo", "oxHi");
  emitInteriorRange(code, "kh", "padTop", "sh", "dh", "h", "oh", "oyLo", "oyHi");
  // The row sweep applies: 3×3, stride 1 across, whole channel vectors, at most
  // SWEEP_MAX_CHANNELS channels. Beyond that, walking one channel vector along a row touches
  // lines 4·C bytes apart that evict each other from L1, and the per-pixel interior path, which
  // reads each pixel's channels contiguously, is faster (as it is at stride 2: measured with
  // MobileNetV1's shapes, 14²×512 0.107 vs 0.152 ms, 28²×256/2 0.048 vs 0.069 ms).
  code.get("kh").i32Const(3).i32Eq().get("kw").i32Const(3).i32Eq().i32And().get("sw").i32Const(1).i32Eq().i32And();
  code.get("c").i32Const(3).i32And().i32Eqz().i32And();
  code.get("c").i32Const(SWEEP_MAX_CHANNELS).i32LeS().i32And().set("sweep");
  code.forRange("b", "batch", () =>
    code.forRange("oy", "oh", () => {
      code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().set("iy0");
      code.get("b").get("oh").i32Mul().get("oy").i32Add().get("ow").i32Mul().get("cBytes").i32Mul().get("out").i32Add().set("outRow");
      // Interior rows leave only their border columns to the general path.
      code.get("oxLo").get("oxHi").i32LtS().get("oy").get("oyLo").i32GeS().i32And().get("oy").get("oyHi").i32LtS().i32And();
      code.if(
        () => {
          emitGeneralPixels(code, "zero", "oxLo", fma);
          code.get("sweep");
          code.if(() => emitInteriorRow(code, fma), () => emitInteriorPixels(code, fma));
          emitGeneralPixels(code, "oxHi", "ow", fma);
        },
        () => emitGeneralPixels(code, "zero", "ow", fma),
      );
    }),
  );
}
