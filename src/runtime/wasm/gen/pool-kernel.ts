// Max and average pooling over NHWC windows, forward and backward, vectorised across channels
// (blocks of 16, then 4; the last C mod 4 channels as one vector overlapping the previous
// block, its repeated lanes masked out of gradients — single channels only when C < 4). Semantics of the reference kernels
// (src/runtime/reference/pool.ts): windows are clipped to the image, so padding never wins a max
// and average divides by the clipped window's size — or by kh·kw with `includePad`. Max
// backward re-finds each window's maximum and gives its gradient to the first pixel holding it
// (PyTorch's tie rule), with lane masks instead of stored indices.
import type { Code, ModuleBuilder } from "./emitter.ts";

export const POOL_MAX = 0;
export const POOL_AVG = 1;
export const POOL_AVG_INCLUDE_PAD = 2;

const GEOMETRY = [
  ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["kh", "i32"], ["kw", "i32"],
  ["sh", "i32"], ["sw", "i32"], ["padTop", "i32"], ["padLeft", "i32"], ["oh", "i32"], ["ow", "i32"],
] as const;

/** Channel lanes per block: `vectors` v128s, the overlapping last vector, or one scalar channel. */
type Block = { readonly vectors: number } | "overlap" | "scalar";

interface Lanes {
  readonly scalar: boolean;
  readonly count: number;
  readonly bytes: number;
  reg(name: string, v: number): string;
  load(code: Code, v: number): void;
  store(code: Code, v: number): void;
  splat(code: Code, value: number): void;
  add(code: Code): void;
  mul(code: Code): void;
}

function lanes(block: Block): Lanes {
  const scalar = block === "scalar";
  const count = typeof block === "string" ? 1 : block.vectors;
  return {
    scalar,
    count,
    bytes: scalar ? 4 : 16 * count,
    reg: (name, v) => (scalar ? `${name}S` : `${name}${v}`),
    load: (code, v) => (scalar ? code.f32Load() : code.v128Load(16 * v)),
    store: (code, v) => (scalar ? code.f32Store() : code.v128Store(16 * v)),
    splat: (code, value) => (scalar ? code.f32Const(value) : code.f32Const(value).f32x4Splat()),
    add: (code) => (scalar ? code.f32Add() : code.f32x4Add()),
    mul: (code) => (scalar ? code.f32Mul() : code.f32x4Mul()),
  };
}

/** `for y in [y0, y1), x in [x0, x1)`: local `pixel` = address of channel `ch` at (b, y, x). */
function forEachWindowPixel(code: Code, image: string, body: () => void): void {
  code.get("y0").set("y");
  code.block(() =>
    code.loop(() => {
      code.get("y").get("y1").i32GeS().brIf(1);
      code.get("x0").set("x");
      code.block(() =>
        code.loop(() => {
          code.get("x").get("x1").i32GeS().brIf(1);
          code.get("b").get("h").i32Mul().get("y").i32Add().get("w").i32Mul().get("x").i32Add();
          code.get("cBytes").i32Mul().get(image).i32Add().get("ch").i32Add().set("pixel");
          body();
          code.get("x").i32Const(1).i32Add().set("x");
          code.br(0);
        }),
      );
      code.get("y").i32Const(1).i32Add().set("y");
      code.br(0);
    }),
  );
}

/** best = running max over the window (the reference's `v > best ? v : best`, from −∞). */
function emitWindowMax(code: Code, l: Lanes, image: string): void {
  for (let v = 0; v < l.count; v++) {
    l.splat(code, -Infinity);
    code.set(l.reg("best", v));
  }
  forEachWindowPixel(code, image, () => {
    for (let v = 0; v < l.count; v++) {
      const best = l.reg("best", v);
      if (l.scalar) {
        code.get("pixel").f32Load().set("valS");
        code.get("valS").get(best).get("valS").get(best).f32Gt().select().set(best);
      } else {
        code.get(best).get("pixel");
        l.load(code, v);
        code.f32x4Pmax().set(best);
      }
    }
  });
}

/**
 * Loops over channel blocks of this size while they fit, advancing local `ch` (bytes). The
 * overlap block runs once, when C ≥ 4 channels remain past the vectors: on the last 4
 * channels, of which only those past the previous block are new (local `fresh`: their lanes).
 */
function forEachBlock(code: Code, block: Block, l: Lanes, body: () => void): void {
  if (block === "overlap") {
    code.get("ch").get("cBytes").i32LtS().get("cBytes").i32Const(16).i32GeS().i32And();
    code.if(() => {
      code.get("cBytes").i32Const(16).i32Sub().set("ch");
      body();
      code.get("cBytes").set("ch");
    });
    return;
  }
  code.block(() =>
    code.loop(() => {
      code.get("ch").i32Const(l.bytes).i32Add().get("cBytes").i32GtS().brIf(1);
      body();
      code.get("ch").i32Const(l.bytes).i32Add().set("ch");
      code.br(0);
    }),
  );
}

function emitForwardBlock(code: Code, block: Block): void {
  const l = lanes(block);
  // The overlap block recomputes a few channels' identical outputs.
  forEachBlock(code, block, l, () => {
    code.get("mode").i32Const(POOL_MAX).i32Eq();
    code.if(
      () => emitWindowMax(code, l, "image"),
      () => {
        for (let v = 0; v < l.count; v++) {
          l.splat(code, 0);
          code.set(l.reg("best", v));
        }
        forEachWindowPixel(code, "image", () => {
          for (let v = 0; v < l.count; v++) {
            code.get(l.reg("best", v)).get("pixel");
            l.load(code, v);
            l.add(code);
            code.set(l.reg("best", v));
          }
        });
        for (let v = 0; v < l.count; v++) {
          code.get(l.reg("best", v)).get(l.scalar ? "scaleS" : "scale0");
          l.mul(code);
          code.set(l.reg("best", v));
        }
      },
    );
    for (let v = 0; v < l.count; v++) {
      code.get("outPixel").get("ch").i32Add().get(l.reg("best", v));
      l.store(code, v);
    }
  });
}

function emitBackwardBlock(code: Code, block: Block): void {
  const l = lanes(block);
  forEachBlock(code, block, l, () => {
    // g = the output gradient of this window (0 in lanes the previous block handled).
    for (let v = 0; v < l.count; v++) {
      code.get("outPixel").get("ch").i32Add();
      l.load(code, v);
      if (block === "overlap") code.get("fresh").v128And();
      code.set(l.reg("g", v));
    }
    code.get("mode").i32Const(POOL_MAX).i32Eq();
    code.if(
      () => {
        // The window's max: the forward's output when given, else found again.
        code.get("pooled");
        code.if(
          () => {
            for (let v = 0; v < l.count; v++) {
              code.get("outPixel").get("dy").i32Sub().get("pooled").i32Add().get("ch").i32Add();
              l.load(code, v);
              code.set(l.reg("best", v));
            }
          },
          () => emitWindowMax(code, l, "image"),
        );
        // Give g to the first pixel equal to the max, per lane.
        for (let v = 0; v < l.count; v++) {
          if (l.scalar) code.i32Const(0).set("takenS");
          else code.i32Const(0).i32x4Splat().set(l.reg("taken", v));
        }
        forEachWindowPixel(code, "image", () => {
          code.get("pixel").get("image").i32Sub().get("dx").i32Add().set("target");
          for (let v = 0; v < l.count; v++) {
            const [best, taken, g] = [l.reg("best", v), l.reg("taken", v), l.reg("g", v)];
            if (l.scalar) {
              code.get("takenS").i32Eqz().get("pixel").f32Load().get(best).f32Eq().i32And();
              code.if(() => {
                code.get("target").get("target").f32Load().get(g).f32Add().f32Store();
                code.i32Const(1).set("takenS");
              });
            } else {
              code.get("pixel").v128Load(16 * v).get(best).f32x4Eq().get(taken).v128Andnot().set("mask");
              code.get(taken).get("mask").v128Or().set(taken);
              code.get("target").get("target").v128Load(16 * v).get(g).get("mask").v128And().f32x4Add().v128Store(16 * v);
            }
          }
        });
      },
      () => {
        for (let v = 0; v < l.count; v++) {
          code.get(l.reg("g", v)).get(l.scalar ? "scaleS" : "scale0");
          l.mul(code);
          code.set(l.reg("g", v));
        }
        forEachWindowPixel(code, "dx", () => {
          for (let v = 0; v < l.count; v++) {
            code.get("pixel").get("pixel");
            l.load(code, v);
            code.get(l.reg("g", v));
            l.add(code);
            l.store(code, v);
          }
        });
      },
    );
  });
}

/**
 * The loop nest over output pixels shared by forward and backward: window bounds y0…y1, x0…x1
 * clipped to the image, `scale` = 1/divisor for averages, `outPixel` = the output (gradient)
 * pixel's address, then the channel blocks.
 */
function emitPool(
  m: ModuleBuilder,
  name: string,
  params: readonly (readonly [string, "i32"])[],
  out: string,
  blocks: (code: Code, block: Block) => void,
): void {
  const { code } = m.func(name, [["image", "i32"], ...GEOMETRY, ...params, ["mode", "i32"]]);
  for (const l of ["b", "oy", "ox", "y0", "y1", "x0", "x1", "y", "x", "ch", "cBytes", "pixel", "outPixel", "target", "takenS", "count"])
    code.local(l, "i32");
  for (const l of ["scaleS", "valS", "bestS", "gS"]) code.local(l, "f32");
  for (let v = 0; v < 4; v++) for (const l of ["best", "taken", "g"]) code.local(`${l}${v}`, "v128");
  for (const l of ["scale0", "mask", "fresh"]) code.local(l, "v128");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  // fresh: lanes 4 − C mod 4 … 3 (lane index > 3.5 − C mod 4).
  code.f32Const(0).f32x4Splat();
  for (let lane = 1; lane < 4; lane++) code.f32Const(lane).f32x4ReplaceLane(lane);
  code.f32Const(3.5).get("c").i32Const(3).i32And().f32ConvertI32S().f32Sub().f32x4Splat().f32x4Gt().set("fresh");
  code.get(out).set("outPixel");
  code.forRange("b", "batch", () =>
    code.forRange("oy", "oh", () => {
      code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().tee("y0").get("kh").i32Add().tee("y1");
      code.get("h").get("y1").get("h").i32LtS().select().set("y1");
      code.i32Const(0).get("y0").get("y0").i32Const(0).i32LtS().select().set("y0");
      code.forRange("ox", "ow", () => {
        code.get("ox").get("sw").i32Mul().get("padLeft").i32Sub().tee("x0").get("kw").i32Add().tee("x1");
        code.get("w").get("x1").get("w").i32LtS().select().set("x1");
        code.i32Const(0).get("x0").get("x0").i32Const(0).i32LtS().select().set("x0");
        // scale = 1 / (kh·kw or the clipped window's pixel count)
        code.f32Const(1);
        code.get("mode").i32Const(POOL_AVG_INCLUDE_PAD).i32Eq();
        code.if(
          () => code.get("kh").get("kw").i32Mul().set("count"),
          () => code.get("y1").get("y0").i32Sub().get("x1").get("x0").i32Sub().i32Mul().set("count"),
        );
        code.get("count").f32ConvertI32S().f32Div().tee("scaleS").f32x4Splat().set("scale0");
        code.i32Const(0).set("ch");
        blocks(code, { vectors: 4 });
        blocks(code, { vectors: 1 });
        blocks(code, "overlap");
        blocks(code, "scalar");
        code.get("outPixel").get("cBytes").i32Add().set("outPixel");
      });
    }),
  );
}

/**
 * Exports `pool(image, batch, h, w, c, kh, kw, sh, sw, padTop, padLeft, oh, ow, out, mode)` and
 * `pool_grad(image, ...same geometry..., dy, dx, pooled, mode)` (dx += the windows' gradients;
 * max reads `image`, the forward's input, and takes each window's max from `pooled`, the
 * forward's output, unless it is 0). Modes: POOL_MAX, POOL_AVG, POOL_AVG_INCLUDE_PAD.
 */
export function emitPools(m: ModuleBuilder): void {
  emitPool(m, "pool", [["out", "i32"]], "out", emitForwardBlock);
  emitPool(m, "pool_grad", [["dy", "i32"], ["dx", "i32"], ["pooled", "i32"]], "dy", emitBackwardBlock);
}
