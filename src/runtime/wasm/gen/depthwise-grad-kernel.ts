// The depthwise convolution's backward (multiplier 1, NHWC): for every output pixel and every
// tap of its window inside the image, over the channels a vector at a time (then one by one):
//   dX[pixel(tap), c] += dY[out, c]·W[tap, c]      dW[tap, c] += X[pixel(tap), c]·dY[out, c]
// Each combination of the two (input gradient, weight gradient, both) gets its own channel
// loop, so the hot loop tests nothing. The bias gradient is the column sums of dY (narrow-gemm-
// kernel.ts). Sums run in the order of the reference kernel (reference/depthwise.ts): output
// pixels, then taps.
import type { Code, ModuleBuilder } from "./emitter.ts";

/** Which gradients a channel loop accumulates. */
type Wanted = { readonly dx: boolean; readonly dw: boolean };

/** One channel step of `lanes` floats (4: a vector; 1: a scalar) at byte offset local `x`. */
function emitChannelStep(code: Code, lanes: 4 | 1, { dx, dw }: Wanted): void {
  const vector = lanes === 4;
  const load = () => (vector ? code.v128Load() : code.f32Load());
  const store = () => (vector ? code.v128Store() : code.f32Store());
  const madd = () => (vector ? code.f32x4Mul().f32x4Add() : code.f32Mul().f32Add());
  const at = (base: string) => code.get(base).get("x").i32Add();
  if (dx) {
    at("dxPixel");
    at("dxPixel");
    load();
    at("dyPixel");
    load();
    at("tap");
    load();
    madd();
    store();
  }
  if (dw) {
    at("dwTap");
    at("dwTap");
    load();
    at("pixel");
    load();
    at("dyPixel");
    load();
    madd();
    store();
  }
}

function emitChannels(code: Code, wanted: Wanted): void {
  code.i32Const(0).set("x");
  for (const [lanes, bytes] of [[4, 16], [1, 4]] as const) {
    code.block(() =>
      code.loop(() => {
        code.get("x").i32Const(bytes).i32Add().get("cBytes").i32GtS().brIf(1);
        emitChannelStep(code, lanes, wanted);
        code.get("x").i32Const(bytes).i32Add().set("x");
        code.br(0);
      }),
    );
  }
}

/**
 * Exports `depthwise_grad(image, batch, h, w, c, kh, kw, sh, sw, padTop, padLeft, dh, dw, oh,
 * ow, weights, dy, dx, dweights)`: adds into dx ([batch, h, w, c]) and dweights ([kh, kw, c]);
 * −1 for either skips it. Byte addresses.
 */
export function emitDepthwiseGrad(m: ModuleBuilder): void {
  const { code } = m.func("depthwise_grad", [
    ["image", "i32"], ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["kh", "i32"], ["kw", "i32"],
    ["sh", "i32"], ["sw", "i32"], ["padTop", "i32"], ["padLeft", "i32"], ["dh", "i32"], ["dw", "i32"], ["oh", "i32"],
    ["ow", "i32"], ["weights", "i32"], ["dy", "i32"], ["dx", "i32"], ["dweights", "i32"],
  ]);
  const ints = ["b", "oy", "ox", "ky", "kx", "iy", "ix", "x", "cBytes", "dyPixel", "pixel", "dxPixel", "tap", "dwTap", "offset"];
  for (const l of ints) code.local(l, "i32");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  code.get("dy").set("dyPixel");
  code.forRange("b", "batch", () =>
    code.forRange("oy", "oh", () =>
      code.forRange("ox", "ow", () => {
        code.forRange("ky", "kh", () => {
          code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().get("ky").get("dh").i32Mul().i32Add().set("iy");
          code.forRange("kx", "kw", () => {
            code.get("ox").get("sw").i32Mul().get("padLeft").i32Sub().get("kx").get("dw").i32Mul().i32Add().set("ix");
            // Unsigned compares reject negative coordinates too.
            code.get("iy").get("h").i32LtU().get("ix").get("w").i32LtU().i32And();
            code.if(() => {
              code.get("b").get("h").i32Mul().get("iy").i32Add().get("w").i32Mul().get("ix").i32Add().get("cBytes").i32Mul().set("offset");
              code.get("image").get("offset").i32Add().set("pixel");
              code.get("dx").get("offset").i32Add().set("dxPixel");
              code.get("ky").get("kw").i32Mul().get("kx").i32Add().get("cBytes").i32Mul().set("offset");
              code.get("weights").get("offset").i32Add().set("tap");
              code.get("dweights").get("offset").i32Add().set("dwTap");
              // Both, the input gradient only, or the weight gradient only.
              code.get("dx").i32Const(-1).i32Ne().get("dweights").i32Const(-1).i32Ne().i32And();
              code.if(
                () => emitChannels(code, { dx: true, dw: true }),
                () => {
                  code.get("dx").i32Const(-1).i32Ne();
                  code.if(
                    () => emitChannels(code, { dx: true, dw: false }),
                    () => {
                      code.get("dweights").i32Const(-1).i32Ne();
                      code.if(() => emitChannels(code, { dx: false, dw: true }));
                    },
                  );
                },
              );
            });
          });
        });
        code.get("dyPixel").get("cBytes").i32Add().set("dyPixel");
      }),
    ),
  );
}
