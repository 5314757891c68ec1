// Per-channel reductions and affine maps over NHWC tensors ([pixels, c], c a multiple of 4):
// what batchnorm in training needs, forward and backward, as two passes over memory each.
//   channel_moments: for each block of `block` pixels, S1 = Σ (a − sa), S2 = Σ (a − sa)·(b − sb)
//     per channel, written as 2c floats per block. Forward: a = b = x, sa = sb = a shift near
//     the mean (the first pixel), so S2 needs no float64 to stay exact enough; backward: a = dy,
//     sa = 0, b = x, sb = μ gives Σ dy and Σ dy·(x − μ). Blocks are summed in float32 in four
//     lanes (a block's `block`·c floats stay in L1), the caller adds the blocks up in float64,
//     in block order — so splitting the blocks across threads changes nothing.
//   channel_affine: y (+)= A·(a − sa) [+ B·(b − sb)] + C per channel [then relu]: the
//     normalisation (forward) and the input gradient (backward) in one pass each.
import type { Code, ModuleBuilder } from "./emitter.ts";

/** channel_affine flags */
export const AFFINE_USE_B = 1;
export const AFFINE_ACCUMULATE = 2;
export const AFFINE_RELU = 4;

function emitMoments(m: ModuleBuilder): void {
  const { code } = m.func("channel_moments", [
    ["a", "i32"], ["sa", "i32"], ["b", "i32"], ["sb", "i32"], ["pixels", "i32"], ["c", "i32"], ["block", "i32"], ["out", "i32"],
  ]);
  for (const l of ["p0", "pEnd", "j", "cb", "pa", "pb", "endA"]) code.local(l, "i32");
  for (const l of ["s1", "s2", "u", "shA", "shB"]) code.local(l, "v128");
  code.get("c").i32Const(4).i32Mul().set("cb");
  code.i32Const(0).set("p0");
  code.forStep("p0", "pixels", 1, () => {
    // pEnd = min(p0 + block, pixels)
    code.get("p0").get("block").i32Add().get("pixels").get("p0").get("block").i32Add().get("pixels").i32LtS().select().set("pEnd");
    code.i32Const(0).set("j");
    code.forStep("j", "cb", 16, () => {
      code.get("sa").get("j").i32Add().v128Load().set("shA");
      code.get("sb").get("j").i32Add().v128Load().set("shB");
      code.f32Const(0).f32x4Splat().tee("s1").set("s2");
      code.get("a").get("p0").get("cb").i32Mul().i32Add().get("j").i32Add().set("pa");
      code.get("b").get("p0").get("cb").i32Mul().i32Add().get("j").i32Add().set("pb");
      code.get("a").get("pEnd").get("cb").i32Mul().i32Add().get("j").i32Add().set("endA");
      code.forStep("pa", "endA", 0, () => {
        code.get("pa").v128Load().get("shA").f32x4Sub().tee("u");
        code.get("s1").f32x4Add().set("s1");
        code.get("u").get("pb").v128Load().get("shB").f32x4Sub().f32x4Mul().get("s2").f32x4Add().set("s2");
        code.get("pa").get("cb").i32Add().set("pa");
        code.get("pb").get("cb").i32Add().set("pb");
      });
      code.get("out").get("j").i32Add().get("s1").v128Store();
      code.get("out").get("cb").i32Add().get("j").i32Add().get("s2").v128Store();
    });
    code.get("out").get("cb").i32Const(2).i32Mul().i32Add().set("out");
    // forStep adds 1; the block's remaining pixels:
    code.get("pEnd").i32Const(1).i32Sub().set("p0");
  });
}

/** One pass of channel_affine for a fixed flag combination. */
function emitAffinePass(code: Code, flags: number): void {
  code.get("a").set("pa");
  code.get("b").set("pb");
  code.get("y").set("py");
  code.forRange("p", "pixels", () => {
    code.i32Const(0).set("j");
    code.forStep("j", "cb", 16, () => {
      const at = (base: string) => code.get(base).get("j").i32Add().v128Load();
      code.get("py").get("j").i32Add();
      at("pa");
      at("sa");
      code.f32x4Sub();
      at("A");
      code.f32x4Mul();
      at("C");
      code.f32x4Add();
      if (flags & AFFINE_USE_B) {
        at("pb");
        at("sb");
        code.f32x4Sub();
        at("B");
        code.f32x4Mul().f32x4Add();
      }
      if (flags & AFFINE_ACCUMULATE) {
        at("py");
        code.f32x4Add();
      }
      if (flags & AFFINE_RELU) code.f32Const(0).f32x4Splat().f32x4Pmax();
      code.v128Store();
    });
    code.get("pa").get("cb").i32Add().set("pa");
    code.get("pb").get("cb").i32Add().set("pb");
    code.get("py").get("cb").i32Add().set("py");
  });
}

function emitAffine(m: ModuleBuilder): void {
  const { code } = m.func("channel_affine", [
    ["a", "i32"], ["sa", "i32"], ["A", "i32"], ["b", "i32"], ["sb", "i32"], ["B", "i32"], ["C", "i32"], ["y", "i32"],
    ["pixels", "i32"], ["c", "i32"], ["flags", "i32"],
  ]);
  for (const l of ["p", "j", "cb", "pa", "pb", "py"]) code.local(l, "i32");
  code.get("c").i32Const(4).i32Mul().set("cb");
  // One specialised loop nest per flag combination, so the hot loop tests no flags.
  const dispatch = (flags: number): void => {
    if (flags === 7) return emitAffinePass(code, flags);
    code.get("flags").i32Const(flags).i32Eq();
    code.if(() => emitAffinePass(code, flags), () => dispatch(flags + 1));
  };
  dispatch(0);
}

/**
 * Exports (byte addresses; c a multiple of 4; [pixels, c] row-major tensors):
 * - `channel_moments(a, sa, b, sb, pixels, c, block, out)`: per block of `block` pixels, 2c
 *   floats at out: Σ (a − sa) then Σ (a − sa)·(b − sb), sa and sb c floats each.
 * - `channel_affine(a, sa, A, b, sb, B, C, y, pixels, c, flags)`: y (+)= A·(a − sa)
 *   [+ B·(b − sb)] + C, then relu, per AFFINE_* flags; y may be a.
 */
export function emitChannelKernels(m: ModuleBuilder): void {
  emitMoments(m);
  emitAffine(m);
}
