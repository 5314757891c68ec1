// A convolution and its filter gradient on the narrow GEMM's register tiles without a patch
// matrix ("implicit GEMM"): the tiles read the image itself. With dilation 1 across, a window
// row's kw·C values are contiguous in an NHWC image, so the k loop of a tile runs kh runs of
// kw·C steps, jumping to the next window row between runs. The image must be padded already
// (no bounds checks): a window's origin for output (oy, ox) is image pixel (oy·sh, ox·sw).
//   forward:         out[p, j] (= bias + ...) Σ_(ky,kx,c) x[window(p), (ky,kx,c)]·W[(ky,kx,c), j]
//                    tiles of consecutive output pixels of one row (A row stride sw·C)
//   filter gradient: dW[(ky,kx,c), j] += Σ_p x[window(p), (ky,kx,c)]·dY[p, j]
//                    tiles of consecutive (kx, c) taps of one window row, k over an image's
//                    pixels: oh runs of ow steps
import type { Code, ModuleBuilder } from "./emitter.ts";
import { FLAG_ACCUMULATE } from "./epilogue.ts";
import { emitRowTiles, forEachColumnBlock, type NarrowTiles } from "./narrow-gemm-kernel.ts";

const GEOMETRY = [
  ["image", "i32"], ["batch", "i32"], ["hp", "i32"], ["wp", "i32"], ["c", "i32"], ["kh", "i32"], ["kw", "i32"],
  ["sh", "i32"], ["sw", "i32"], ["dh", "i32"], ["oh", "i32"], ["ow", "i32"],
] as const;

const LOCALS = ["b", "oy", "ky", "j", "nr", "i", "rest", "cBytes", "pixelBytes", "runFloats", "nBytes", "base", "out0"];

function setUp(code: Code): void {
  for (const l of LOCALS) code.local(l, "i32");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  code.get("sw").get("cBytes").i32Mul().set("pixelBytes");
  code.get("kw").get("c").i32Mul().set("runFloats");
  code.get("n").i32Const(4).i32Mul().set("nBytes");
}

/** Pushes the address of image pixel (b, y, 0) where `y` pushes the row. */
function pixelRow(code: Code, y: () => void): void {
  code.get("b").get("hp").i32Mul();
  y();
  code.i32Add().get("wp").i32Mul().get("cBytes").i32Mul().get("image").i32Add();
}

function emitForward(m: ModuleBuilder, tiles: NarrowTiles): void {
  const { code } = m.func("conv_narrow", [...GEOMETRY, ["w", "i32"], ["n", "i32"], ["out", "i32"], ["bias", "i32"], ["flags", "i32"]]);
  setUp(code);
  code.local("jump", "i32");
  // After a window row's kw·C steps: on to the next window row (dh image rows down).
  code.get("dh").get("wp").i32Mul().get("cBytes").i32Mul().get("runFloats").i32Const(4).i32Mul().i32Sub().set("jump");
  const tile = (rows: number, vectors: number, count: () => void) => {
    code.get("base").get("i").get("pixelBytes").i32Mul().i32Add().get("pixelBytes").i32Const(4); // a, aRow, aCol
    code.get("w").get("j").i32Const(4).i32Mul().i32Add().get("nBytes"); // b, ldb
    code.get("runFloats").get("kh").get("jump"); // kc, outer, aJump
    code.get("out0").get("i").get("nBytes").i32Mul().i32Add().get("j").i32Const(4).i32Mul().i32Add().get("nBytes").get("nr");
    code.get("bias").get("j").i32Const(4).i32Mul().i32Add().get("flags");
    count();
    code.call(tiles.get(`${rows}x${vectors}`)!);
  };
  forEachColumnBlock(code, "n", () =>
    code.forRange("b", "batch", () =>
      code.forRange("oy", "oh", () => {
        pixelRow(code, () => code.get("oy").get("sh").i32Mul());
        code.set("base");
        code.get("b").get("oh").i32Mul().get("oy").i32Add().get("ow").i32Mul().get("nBytes").i32Mul().get("out").i32Add().set("out0");
        emitRowTiles(code, "ow", tile);
      }),
    ),
  );
}

function emitFilterGrad(m: ModuleBuilder, tiles: NarrowTiles): void {
  const { code } = m.func("conv_filter_grad", [...GEOMETRY, ["dy", "i32"], ["n", "i32"], ["dw", "i32"]]);
  setUp(code);
  code.local("jump", "i32");
  // After an output row's ow steps: on to the next output row's windows (sh image rows down).
  code.get("sh").get("wp").i32Mul().get("cBytes").i32Mul().get("ow").get("pixelBytes").i32Mul().i32Sub().set("jump");
  const tile = (rows: number, vectors: number, count: () => void) => {
    code.get("base").get("i").i32Const(4).i32Mul().i32Add().i32Const(4).get("pixelBytes"); // a, aRow, aCol
    code.get("out0").get("j").i32Const(4).i32Mul().i32Add().get("nBytes"); // b (this image's dY), ldb
    code.get("ow").get("oh").get("jump"); // kc, outer, aJump
    code.get("ky").get("runFloats").i32Mul().get("i").i32Add().get("nBytes").i32Mul().get("dw").i32Add();
    code.get("j").i32Const(4).i32Mul().i32Add().get("nBytes").get("nr");
    code.i32Const(0).i32Const(FLAG_ACCUMULATE);
    count();
    code.call(tiles.get(`${rows}x${vectors}`)!);
  };
  forEachColumnBlock(code, "n", () =>
    code.forRange("b", "batch", () => {
      code.get("b").get("oh").i32Mul().get("ow").i32Mul().get("nBytes").i32Mul().get("dy").i32Add().set("out0");
      code.forRange("ky", "kh", () => {
        pixelRow(code, () => code.get("ky").get("dh").i32Mul());
        code.set("base");
        emitRowTiles(code, "runFloats", tile);
      });
    }),
  );
}

/** `pad_image(image, batch, h, w, c, top, bottom, left, right, out)`: out = the image with
 * zero borders, [batch, h + top + bottom, w + left + right, c] (bulk memory copies and fills). */
function emitPadImage(m: ModuleBuilder): void {
  const { code } = m.func("pad_image", [
    ["image", "i32"], ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["top", "i32"], ["bottom", "i32"],
    ["left", "i32"], ["right", "i32"], ["out", "i32"],
  ]);
  for (const l of ["b", "y", "rowBytes", "outRowBytes", "leftBytes", "rightBytes"]) code.local(l, "i32");
  code.get("w").get("c").i32Mul().i32Const(4).i32Mul().set("rowBytes");
  code.get("left").get("c").i32Mul().i32Const(4).i32Mul().set("leftBytes");
  code.get("right").get("c").i32Mul().i32Const(4).i32Mul().set("rightBytes");
  code.get("leftBytes").get("rowBytes").i32Add().get("rightBytes").i32Add().set("outRowBytes");
  const zero = (bytes: () => void) => {
    code.get("out").i32Const(0);
    bytes();
    code.memoryFill();
    code.get("out");
    bytes();
    code.i32Add().set("out");
  };
  code.forRange("b", "batch", () => {
    zero(() => code.get("top").get("outRowBytes").i32Mul());
    code.forRange("y", "h", () => {
      zero(() => code.get("leftBytes"));
      code.get("out").get("image").get("rowBytes").memoryCopy();
      code.get("out").get("rowBytes").i32Add().set("out");
      code.get("image").get("rowBytes").i32Add().set("image");
      zero(() => code.get("rightBytes"));
    });
    zero(() => code.get("bottom").get("outRowBytes").i32Mul());
  });
}

/**
 * Exports `conv_narrow(image, batch, hp, wp, c, kh, kw, sh, sw, dh, oh, ow, w, n, out, bias,
 * flags)` — out = conv(image, W [kh·kw·C, n]) with the epilogue flags (bias, activation) — and
 * `conv_filter_grad(image, ...same geometry..., dy, n, dw)` — dW += the filter gradient. The
 * image is [batch, hp, wp, C] with its padding included; dilation across is 1. W's and dY's
 * rows are read as whole vectors (12 readable bytes past the last row's n-th float). And
 * `pad_image`, which writes such a padded image.
 */
export function emitImplicitConv(m: ModuleBuilder, tiles: NarrowTiles): void {
  emitForward(m, tiles);
  emitFilterGrad(m, tiles);
  emitPadImage(m);
}
