// Element-wise activations and their gradients over n floats, four lanes at a time (a last
// partial vector is read and written lane by lane, so nothing outside the arrays is touched).
// Forward: y = f(x). Backward as the reference kernels do it: from the output, dx += dy·f'(y),
// except swish (x·sigmoid x) and GELU (exact, erf), whose derivatives come from the input x.
//
// tanh and sigmoid are computed in float32 (tests check ≤ 1e-6 relative against Math.tanh and
// 1/(1 + e^−x)):
//   tanh x = x·P(x²)/Q(x²) with x clamped to ±7.9053, Eigen's rational approximation
//            (generic_fast_tanh_float; 4e-7 relative at worst, measured over [−10, 10])
//   sigmoid x = 1/(1 + e^{−x}), −x clamped to [−87, 87] (e^x stays a normal float), where
//   e^y = 2^k·p(r), k = round(y·log₂e), r = y − k·ln 2 (two-part ln 2), p Cephes' expf
//         polynomial (≤ 1 ulp; sigmoid 1.2e-7 relative at worst)
// With relaxed SIMD, polynomial steps use its multiply-add.
// Also the broadcasts residual and squeeze-and-excitation blocks need: same-shape add and mul,
// and a per-channel scale.
import type { Code, ModuleBuilder } from "./emitter.ts";

export type ElementwiseActivation = "relu" | "relu6" | "sigmoid" | "tanh" | "swish" | "gelu";

/** Activations whose `_grad` export takes the forward's input instead of its output. */
export const GRAD_FROM_INPUT: ReadonlySet<ElementwiseActivation> = new Set(["swish", "gelu"]);

const TANH_CLAMP = 7.90531110763549805;
/** Numerator (odd powers, x·P(x²)) and denominator (even powers) coefficients, highest first. */
const TANH_P = [-2.76076847742355e-16, 2.00018790482477e-13, -8.60467152213735e-11, 5.12229709037114e-8, 1.48572235717979e-5, 6.37261928875436e-4, 4.89352455891786e-3];
const TANH_Q = [1.19825839466702e-6, 1.18534705686654e-4, 2.26843463243900e-3, 4.89352518554385e-3];
const LOG2E = 1.4426950408889634;
const LN2_HI = 0.693359375;
const LN2_LO = -2.12194440e-4;
const EXP_P = [1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1];

/** The reference's erfc fit (reference/activation.ts), highest power of t first. */
const ERFC_P = [0.17087277, -0.82215223, 1.48851587, -1.13520398, 0.27886807, -0.18628806, 0.09678418, 0.37409196, 1.00002368, -1.26551223];
const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

/** 1.5·2²³: adding it rounds a float below 2²² to an integer held in the low mantissa bits. */
const ROUNDER = 12582912;

/** Pushes the splat of a float constant. */
export function splat(code: Code, value: number): void {
  code.f32Const(value).f32x4Splat();
}

/** Pushes Σ coefficients[i]·t^(len−1−i) (Horner, highest power first) for the v128 local t. */
function horner(code: Code, t: string, coefficients: readonly number[], fma: boolean): void {
  splat(code, coefficients[0]!);
  for (const c of coefficients.slice(1)) {
    code.get(t);
    if (fma) {
      splat(code, c);
      code.f32x4RelaxedMadd();
    } else {
      code.f32x4Mul();
      splat(code, c);
      code.f32x4Add();
    }
  }
}

/** e^y for the v128 local `y` (|y| ≤ 87) into local `into`; clobbers locals k, r, z. */
export function emitExp(code: Code, y: string, into: string, fma: boolean): void {
  // k = round(y·log₂e) as ROUNDER + k, whose bits are 0x4B400000 + k.
  code.get(y);
  splat(code, LOG2E);
  code.f32x4Mul();
  splat(code, ROUNDER);
  code.f32x4Add().set("k");
  code.get(y).get("k");
  splat(code, ROUNDER);
  code.f32x4Sub().set("z"); // k as a float
  code.get("z");
  splat(code, LN2_HI);
  code.f32x4Mul().f32x4Sub().get("z");
  splat(code, LN2_LO);
  code.f32x4Mul().f32x4Sub().set("r");
  code.get("r").get("r").f32x4Mul().set("z");
  horner(code, "r", EXP_P, fma);
  code.get("z").f32x4Mul().get("r").f32x4Add();
  splat(code, 1);
  code.f32x4Add();
  // 2^k: k + 127 in the exponent bits.
  code.get("k").i32Const(127 - 0x4b400000).i32x4Splat().i32x4Add().i32Const(23).i32x4Shl();
  code.f32x4Mul().set(into);
}

/** Locals the activation formulas use, beyond x. */
const MATH_LOCALS = ["a", "k", "r", "z", "e", "s", "t", "q"];

/**
 * q = 1 + erf(x/√2) for the v128 local x, as the reference computes it: erfc(z) = t·e^{−z² +
 * P(t)}, t = 1/(1 + z/2), z = |x|/√2, then 2 − erfc for x ≥ 0 and erfc itself below 0 (no
 * cancellation in 1 + erf where GELU's output is tiny). Clobbers a, k, r, z, e, s, t.
 */
function emitOnePlusErf(code: Code, fma: boolean): void {
  code.get("x").f32x4Abs();
  splat(code, INV_SQRT2);
  code.f32x4Mul().set("a");
  splat(code, 1);
  splat(code, 1);
  code.get("a");
  splat(code, 0.5);
  code.f32x4Mul().f32x4Add().f32x4Div().set("t");
  horner(code, "t", ERFC_P, fma);
  code.get("a").get("a").f32x4Mul().f32x4Sub();
  splat(code, -87);
  code.f32x4Pmax().set("s");
  emitExp(code, "s", "e", fma);
  code.get("t").get("e").f32x4Mul().set("e"); // erfc(z)
  code.get("e");
  splat(code, 2);
  code.get("e").f32x4Sub();
  code.get("x");
  splat(code, 0);
  code.f32x4Lt().v128Bitselect().set("q");
}

/** s = sigmoid of the v128 local x: 1/(1 + e^{−x}), −x clamped to [−87, 87]. */
function emitSigmoid(code: Code, fma: boolean): void {
  code.get("x").f32x4Neg();
  splat(code, -87);
  code.f32x4Pmax();
  splat(code, 87);
  code.f32x4Pmin().set("a");
  emitExp(code, "a", "e", fma);
  splat(code, 1);
  splat(code, 1);
  code.get("e").f32x4Add().f32x4Div().set("s");
}

/** Pushes f(x) for the v128 local x. */
function emitForward(code: Code, kind: ElementwiseActivation, fma: boolean): void {
  switch (kind) {
    case "relu":
      // pmax(0, x) = 0 < x ? x : 0, as the reference's x > 0 ? x : 0.
      splat(code, 0);
      code.get("x").f32x4Pmax();
      return;
    case "relu6":
      splat(code, 0);
      code.get("x").f32x4Pmax();
      splat(code, 6);
      code.f32x4Pmin();
      return;
    case "sigmoid":
      emitSigmoid(code, fma);
      code.get("s");
      return;
    case "swish":
      emitSigmoid(code, fma);
      code.get("x").get("s").f32x4Mul();
      return;
    case "gelu":
      // x·(1 + erf(x/√2))/2
      emitOnePlusErf(code, fma);
      code.get("x").get("q").f32x4Mul();
      splat(code, 0.5);
      code.f32x4Mul();
      return;
    case "tanh":
      code.get("x");
      splat(code, -TANH_CLAMP);
      code.f32x4Pmax();
      splat(code, TANH_CLAMP);
      code.f32x4Pmin().set("a");
      code.get("a").get("a").f32x4Mul().set("z");
      horner(code, "z", TANH_P, fma);
      code.get("a").f32x4Mul();
      horner(code, "z", TANH_Q, fma);
      code.f32x4Div();
      return;
  }
}

/** Pushes dy·f'(y) for the v128 locals y and dy (swish: dy·f'(x) for the locals x and dy). */
function emitBackward(code: Code, kind: ElementwiseActivation, fma: boolean): void {
  switch (kind) {
    case "gelu":
      // f'(x) = (1 + erf(x/√2))/2 + x·e^{−x²/2}/√(2π)
      emitOnePlusErf(code, fma);
      code.get("x").get("x").f32x4Mul();
      splat(code, -0.5);
      code.f32x4Mul();
      splat(code, -87);
      code.f32x4Pmax().set("s");
      emitExp(code, "s", "e", fma);
      code.get("dy").get("q");
      splat(code, 0.5);
      code.f32x4Mul().get("x").get("e").f32x4Mul();
      splat(code, INV_SQRT_2PI);
      code.f32x4Mul().f32x4Add().f32x4Mul();
      return;
    case "swish":
      // f'(x) = s + x·s·(1 − s) = s·(1 + x·(1 − s)), s = sigmoid x.
      emitSigmoid(code, fma);
      code.get("dy").get("s").f32x4Mul();
      splat(code, 1);
      code.get("x");
      splat(code, 1);
      code.get("s").f32x4Sub().f32x4Mul().f32x4Add().f32x4Mul();
      return;
    case "relu":
      code.get("dy").get("y");
      splat(code, 0);
      code.f32x4Gt().v128And();
      return;
    case "relu6":
      code.get("dy").get("y");
      splat(code, 0);
      code.f32x4Gt().get("y");
      splat(code, 6);
      code.f32x4Lt().v128And().v128And();
      return;
    case "sigmoid":
      code.get("dy").get("y");
      splat(code, 1);
      code.get("y").f32x4Sub().f32x4Mul().f32x4Mul();
      return;
    case "tanh":
      code.get("dy");
      splat(code, 1);
      code.get("y").get("y").f32x4Mul().f32x4Sub().f32x4Mul();
      return;
  }
}

/** `into` = the four floats at pointer local `base` + i, or only those before `end` (lane by
 * lane, the other lanes 0) when `partial`. */
function loadVector(code: Code, base: string, into: string, partial: boolean): void {
  if (!partial) {
    code.get(base).get("i").i32Add().v128Load().set(into);
    return;
  }
  splat(code, 0);
  code.set(into);
  for (let lane = 0; lane < 4; lane++) {
    code.get("i").i32Const(4 * lane).i32Add().get("end").i32LtS();
    code.if(() => code.get(into).get(base).get("i").i32Add().f32Load(4 * lane).f32x4ReplaceLane(lane).set(into));
  }
}

function storeVector(code: Code, base: string, value: string, partial: boolean): void {
  if (!partial) {
    code.get(base).get("i").i32Add().get(value).v128Store();
    return;
  }
  for (let lane = 0; lane < 4; lane++) {
    code.get("i").i32Const(4 * lane).i32Add().get("end").i32LtS();
    code.if(() => code.get(base).get("i").i32Add().get(value).f32x4ExtractLane(lane).f32Store(4 * lane));
  }
}

/**
 * A loop over n floats: loads the v128 locals named by `inputs` from the same-named pointer
 * params, `body` pushes the result, stored at `out` (added to what is there when `accumulate`).
 * Whole vectors first, then the last partial one; `body` is emitted for each (it only uses
 * locals declared here), so the main loop has no branches.
 */
function emitMap(
  m: ModuleBuilder,
  name: string,
  inputs: readonly string[],
  out: string,
  accumulate: boolean,
  body: (code: Code) => void,
): void {
  const pointers = [...inputs.map((x) => `${x}Ptr`), `${out}Ptr`];
  const { code } = m.func(name, [...pointers.map((p) => [p, "i32"] as const), ["n", "i32"]]);
  for (const l of ["i", "end"]) code.local(l, "i32");
  for (const l of [...inputs, ...(accumulate ? [out] : []), "result", ...MATH_LOCALS]) code.local(l, "v128");
  code.get("n").i32Const(4).i32Mul().set("end");
  const step = (partial: boolean) => {
    for (const x of inputs) loadVector(code, `${x}Ptr`, x, partial);
    body(code);
    if (accumulate) {
      loadVector(code, `${out}Ptr`, out, partial);
      code.get(out).f32x4Add();
    }
    code.set("result");
    storeVector(code, `${out}Ptr`, "result", partial);
  };
  code.block(() =>
    code.loop(() => {
      code.get("i").i32Const(16).i32Add().get("end").i32GtS().brIf(1);
      step(false);
      code.get("i").i32Const(16).i32Add().set("i");
      code.br(0);
    }),
  );
  code.get("i").get("end").i32LtS();
  code.if(() => step(true));
}

export const ELEMENTWISE_ACTIVATIONS: readonly ElementwiseActivation[] = ["relu", "relu6", "sigmoid", "tanh", "swish", "gelu"];

/**
 * Exports, for each activation f: `<f>(x, y, n)`: y = f(x), and `<f>_grad(y, dy, dx, n)`:
 * dx += dy·f'(y) (y is the forward's output; for GRAD_FROM_INPUT, `<f>_grad(x, dy, dx, n)` with
 * the forward's input). Byte addresses, n floats; y may alias x.
 */
export function emitElementwise(m: ModuleBuilder, fma: boolean): void {
  for (const kind of ELEMENTWISE_ACTIVATIONS) {
    emitMap(m, kind, ["x"], "y", false, (code) => emitForward(code, kind, fma));
    const from = GRAD_FROM_INPUT.has(kind) ? "x" : "y";
    emitMap(m, `${kind}_grad`, [from, "dy"], "dx", true, (code) => emitBackward(code, kind, fma));
  }
  emitMap(m, "add_same", ["x", "w"], "y", false, (code) => code.get("x").get("w").f32x4Add());
  emitMap(m, "mul_same", ["x", "w"], "y", false, (code) => code.get("x").get("w").f32x4Mul());
  emitScaleChannels(m);
}

/**
 * Exports `scale_channels(x, s, y, batch, pixels, c)`: y[b, p, j] = x[b, p, j]·s[b, j] for
 * [batch, pixels, c] x and y (y may be x) and [batch, c] s — a squeeze-and-excitation block's
 * broadcast multiply. Whole vectors of channels, then the last c mod 4 one by one.
 */
function emitScaleChannels(m: ModuleBuilder): void {
  const { code } = m.func("scale_channels", [
    ["x", "i32"], ["s", "i32"], ["y", "i32"], ["batch", "i32"], ["pixels", "i32"], ["c", "i32"],
  ]);
  for (const l of ["b", "p", "j", "vectorEnd", "end"]) code.local(l, "i32");
  code.get("c").i32Const(4).i32Mul().tee("end").i32Const(-16).i32And().set("vectorEnd");
  code.forRange("b", "batch", () => {
    code.forRange("p", "pixels", () => {
      code.i32Const(0).set("j");
      for (const vector of [true, false]) {
        code.forStep("j", vector ? "vectorEnd" : "end", vector ? 16 : 4, () => {
          const load = (base: string) => {
            code.get(base).get("j").i32Add();
            if (vector) code.v128Load();
            else code.f32Load();
          };
          code.get("y").get("j").i32Add();
          load("x");
          load("s");
          if (vector) code.f32x4Mul().v128Store();
          else code.f32Mul().f32Store();
        });
      }
      code.get("x").get("end").i32Add().set("x");
      code.get("y").get("end").i32Add().set("y");
    });
    code.get("s").get("end").i32Add().set("s");
  });
}
