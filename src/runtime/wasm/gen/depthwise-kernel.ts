// Depthwise convolution (multiplier 1) over NHWC, vectorised across channels. Weights are
// Keras [kh, kw, C, 1].
//
// The packed path takes 3×3 windows without dilation at stride 1 across, or 2 over at least
// 128 channels (any stride down, any pads), when the caller gives scratch
// (depthwiseScratchFloats per thread). Sweeping the NHWC image directly is slow for large C:
// spatial neighbours lie 4·C bytes apart, and at power-of-two strides the lines of a few rows
// share L1 sets and evict each other (so do the weights' 9 taps, 4·C bytes apart: reloading
// them per row cost more than the sweep on 7²×1024). So the channels go in blocks of 16 (one
// 64-byte line):
//  - the weights (in 3 copies, one per ring phase) and bias of every block are packed densely;
//  - per output row, the input rows it newly needs are packed, read in order (each pixel's
//    channels split across the blocks), into a 3-row ring per block laid out as columns of
//    3 × 64 B (192 B: not a power of two) with zero borders, so no tap needs a bounds check;
//  - each channel vector is swept along the row with its 9 weights in registers. At stride 1
//    rolling accumulators take 3 loads and 9 multiply-adds per output (each column feeds the
//    output it ends, the one it continues and the one it starts); stride 2 loads 2 columns per
//    output. Loop bodies stay small: V8 11.3 allocates only xmm0–xmm14 and hoists a body's
//    loads to its top, so more live values spill (a store between the stride-2 loop's two
//    columns keeps the second column's loads below the first's arithmetic).
// Channels past the last whole vector (C mod 4) then take the general path.
//
// Without scratch, or for other windows, per output row, three paths. The general one walks
// pixels and, per pixel, blocks of 16 channels (4 accumulators), then 4, then single channels,
// checking every tap against the image borders; it takes the border pixels. Interior pixels
// (every tap inside the image) skip the checks: 3×3 windows at stride 1 over at most 256
// channels (a multiple of 4) are swept one channel vector at a time along the row, its 9
// weights and bias held in registers (9 loads and 9 multiply-adds per output vector); anything
// else walks each interior pixel's taps by pointer steps. Bias and activation are fused in all.
import type { Code, ModuleBuilder } from "./emitter.ts";
import { FLAG_BIAS, emitActivation, ifFlag, loadActivation } from "./epilogue.ts";

/** Fewest channels the packed path takes at stride 2 across. Below, the per-pixel interior
 * path reads each pixel's few channels at once without aliasing trouble and spares packing 4
 * input pixels per output (MobileNetV1's 112²×64 stride 2: 0.20 vs 0.22 ms in the network;
 * 56²×128: 0.111 vs 0.106 ms). */
const PACKED_STRIDE2_MIN_CHANNELS = 128;

/** Widest input (channels) the row sweep takes; see emitDepthwise. */
const SWEEP_MAX_CHANNELS = 256;

/** Channel lanes per block: 4 vectors, 1 vector, or a scalar tail. */
type Block = { readonly vectors: number } | "scalar";

/** The registers and accesses of one channel block. */
interface BlockLanes {
  readonly count: number;
  /** acc(v) += (the value at `pixel`)·(the value at `tap`), vector v of the block. */
  madd(v: number): void;
}

/**
 * The loop over channel blocks of `block`'s width from local `x` on, for one output pixel:
 * accumulators from the bias (or zero), `taps` adds the window's products, then the
 * activation and the store at `outPixel`.
 */
function emitChannelBlocks(code: Code, block: Block, fma: boolean, taps: (lanes: BlockLanes) => void): void {
  const scalar = block === "scalar";
  const count = scalar ? 1 : block.vectors;
  const bytes = scalar ? 4 : 16 * count;
  const acc = (v: number) => (scalar ? "accS" : `acc${v}`);
  const load = (offset: number) => (scalar ? code.f32Load(offset) : code.v128Load(offset));
  const madd = (v: number) => {
    code.get("pixel");
    load(16 * v);
    code.get("tap");
    load(16 * v);
    if (scalar) code.f32Mul().get(acc(v)).f32Add();
    else if (fma) code.get(acc(v)).f32x4RelaxedMadd();
    else code.f32x4Mul().get(acc(v)).f32x4Add();
    code.set(acc(v));
  };
  code.block(() =>
    code.loop(() => {
      code.get("x").i32Const(bytes).i32Add().get("cEnd").i32GtS().brIf(1);
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
      taps({ count, madd });
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

/** One channel block of any pixel: every tap is checked against the image borders. */
function emitChannelBlock(code: Code, block: Block, fma: boolean): void {
  emitChannelBlocks(code, block, fma, ({ count, madd }) => {
    code.forRange("ky", "kh", () => {
      code.get("iy0").get("ky").get("dh").i32Mul().i32Add().tee("iy").get("h").i32LtU();
      code.if(() =>
        code.forRange("kx", "kw", () => {
          code.get("ix0").get("kx").get("dw").i32Mul().i32Add().tee("ix").get("w").i32LtU();
          code.if(() => {
            code.get("b").get("h").i32Mul().get("iy").i32Add().get("w").i32Mul().get("ix").i32Add();
            code.get("cBytes").i32Mul().get("image").i32Add().get("x").i32Add().set("pixel");
            code.get("ky").get("kw").i32Mul().get("kx").i32Add();
            code.get("cBytes").i32Mul().get("weights").i32Add().get("x").i32Add().set("tap");
            for (let v = 0; v < count; v++) madd(v);
          });
        }),
      );
    });
  });
}

/**
 * One channel block of an interior pixel (every tap inside the image): the taps are walked by
 * pointer steps from the window's corner (local `corner`), without bounds checks.
 */
function emitInteriorChannelBlock(code: Code, block: Block, fma: boolean): void {
  emitChannelBlocks(code, block, fma, ({ count, madd }) => {
    code.get("corner").get("x").i32Add().set("p0");
    code.get("weights").get("x").i32Add().set("tap");
    code.forRange("ky", "kh", () => {
      code.get("p0").set("pixel");
      code.forRange("kx", "kw", () => {
        for (let v = 0; v < count; v++) madd(v);
        code.get("pixel").get("tapStep").i32Add().set("pixel");
        code.get("tap").get("cBytes").i32Add().set("tap");
      });
      code.get("p0").get("rowStep").i32Add().set("p0");
    });
  });
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
      code.get("xStart").set("x");
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
      code.get("x").get("cEnd").i32GeS().brIf(1);
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

/** Bytes per packed column of a block: the 3 ring rows' 16-channel slices (64 B each). */
const COLUMN_BYTES = 192;
/** The packed weights of a block: 9 taps × 64 B, in 3 copies, one per ring phase. */
const WEIGHT_BYTES = 3 * 576;

/** Floats of scratch `depthwise` needs per thread for the packed path (3×3, stride across 1
 * or 2) on c channels and ow output columns: per 16-channel block its weights, bias and ring
 * columns, plus 64-byte alignment slack. */
export function depthwiseScratchFloats(c: number, ow: number, sw: number): number {
  const blocks = Math.ceil((c & ~3) / 16);
  return 16 + (blocks * (WEIGHT_BYTES + 64 + COLUMN_BYTES * ((ow - 1) * sw + 3))) / 4;
}

/**
 * Packs input row `iy` (local) of image b into ring slot (iy − iyBase) mod 3 of every block:
 * packed columns [jLo, jHi) (packed column j holds input column j − padLeft), or zeros where
 * the row lies outside the image. The row is read in order, each pixel's channels split
 * across the blocks.
 */
function emitPackRow(code: Code): void {
  code.get("iy").get("iyBase").i32Sub().tee("r").get("r").i32Const(3).i32DivS().i32Const(3).i32Mul().i32Sub().set("r");
  code.get("cols").get("r").i32Const(64).i32Mul().i32Add().get("jLo").i32Const(COLUMN_BYTES).i32Mul().i32Add().set("dst");
  code.get("b").get("h").i32Mul().get("iy").i32Add().get("w").i32Mul().get("jLo").get("padLeft").i32Sub().i32Add();
  code.get("cBytes").i32Mul().get("image").i32Add().set("src");
  const pixels = (body: () => void) => {
    code.get("jLo").set("j");
    code.block(() =>
      code.loop(() => {
        code.get("j").get("jHi").i32GeS().brIf(1);
        code.get("src").set("s2");
        code.get("dst").set("d2");
        body();
        code.get("src").get("cBytes").i32Add().set("src");
        code.get("dst").i32Const(COLUMN_BYTES).i32Add().set("dst");
        code.get("j").i32Const(1).i32Add().set("j");
        code.br(0);
      }),
    );
  };
  code.get("iy").get("h").i32LtU();
  code.if(
    () =>
      pixels(() => {
        // Two blocks at a time, then the odd one, then the partial one.
        code.i32Const(0).set("kb");
        code.block(() =>
          code.loop(() => {
            code.get("kb").i32Const(2).i32Add().get("fullBlocks").i32GtS().brIf(1);
            for (let k = 0; k < 4; k++) code.get("d2").get("s2").v128Load(16 * k).v128Store(16 * k);
            code.get("d2").get("blockBytes").i32Add().set("d2");
            for (let k = 0; k < 4; k++) code.get("d2").get("s2").v128Load(64 + 16 * k).v128Store(16 * k);
            code.get("s2").i32Const(128).i32Add().set("s2");
            code.get("d2").get("blockBytes").i32Add().set("d2");
            code.get("kb").i32Const(2).i32Add().set("kb");
            code.br(0);
          }),
        );
        code.get("fullBlocks").i32Const(1).i32And();
        code.if(() => {
          for (let k = 0; k < 4; k++) code.get("d2").get("s2").v128Load(16 * k).v128Store(16 * k);
          code.get("s2").i32Const(64).i32Add().set("s2");
          code.get("d2").get("blockBytes").i32Add().set("d2");
        });
        code.i32Const(0).set("k");
        code.block(() =>
          code.loop(() => {
            code.get("k").get("tailBytes").i32GeS().brIf(1);
            code.get("d2").get("k").i32Add().get("s2").get("k").i32Add().v128Load().v128Store();
            code.get("k").i32Const(16).i32Add().set("k");
            code.br(0);
          }),
        );
      }),
    () =>
      pixels(() =>
        code.forRange("kb", "blocks", () => {
          for (let k = 0; k < 4; k++) code.get("d2").f32Const(0).f32x4Splat().v128Store(16 * k);
          code.get("d2").get("blockBytes").i32Add().set("d2");
        }),
      ),
  );
}

/**
 * One channel vector along an output row over the packed columns (pointer `p` at column 0 of
 * the vector, `o` at the output, `bptr` at its packed bias, zeros without bias). Weight
 * w{3r+kx} belongs to ring slot r. Stride 1 rolls two accumulators: each column's 3 loads feed
 * the output it ends (kx 2), the one it continues (kx 1) and the one it starts (kx 0), so an
 * output costs 3 loads and 9 multiply-adds. Stride 2 loads two new columns per output, their
 * partial sums as separate chains of 3 (shorter dependency chains measured faster there).
 */
function emitPackedSweep(code: Code, stride: 1 | 2, activation: number, fma: boolean): void {
  /** into = (init ?? 0) + Σ xs[r]·w{weights[r]}: a chain of 3 (a product, then multiply-adds). */
  const dot = (xs: readonly string[], weights: readonly number[], into: string, init: string | null) => {
    for (let r = 0; r < 3; r++) {
      code.get(xs[r]!).get(`w${weights[r]}`);
      if (r === 0 && init === null) code.f32x4Mul();
      else {
        code.get(r === 0 ? init! : into);
        if (fma) code.f32x4RelaxedMadd();
        else code.set("tmpV").f32x4Mul().get("tmpV").f32x4Add();
      }
      code.set(into);
    }
  };
  const add = (acc: string, part: string) => code.get(acc).get(part).f32x4Add().set(acc);
  const loadColumn = (names: readonly string[], offset: number) => {
    for (let r = 0; r < 3; r++) code.get("p").v128Load(offset + 64 * r).set(names[r]!);
  };
  const store = (acc: string) => {
    if (activation > 0) {
      code.get(acc).f32Const(0).f32x4Splat().f32x4Pmax().set(acc);
      if (activation > 1) code.get(acc).f32Const(6).f32x4Splat().f32x4Pmin().set(acc);
    }
    code.get("o").get(acc).v128Store();
    code.get("o").get("cBytes").i32Add().set("o");
  };
  const x = ["x0", "x1", "x2"];
  const y = ["y0", "y1", "y2"];
  const kx = (k: number) => [k, 3 + k, 6 + k];
  code.get("ow").set("n");
  code.get("bptr").v128Load().set("biasV");
  if (stride === 1) {
    // Column 0 starts output 0; column 1 continues it and starts output 1.
    loadColumn(x, 0);
    dot(x, kx(0), "accB", "biasV");
    loadColumn(x, COLUMN_BYTES);
    dot(x, kx(1), "accA", "accB");
    dot(x, kx(0), "accB", "biasV");
    code.get("p").i32Const(2 * COLUMN_BYTES).i32Add().set("p");
    // accA: the output this column ends; accB: the one it continues (then the one it starts).
    code.loop(() => {
      loadColumn(x, 0);
      dot(x, kx(2), "accA", "accA");
      store("accA");
      dot(x, kx(1), "accB", "accB");
      code.get("accB").set("accA");
      dot(x, kx(0), "accB", "biasV");
      code.get("p").i32Const(COLUMN_BYTES).i32Add().set("p");
      code.get("n").i32Const(1).i32Sub().tee("n").brIf(0);
    });
  } else {
    loadColumn(x, 0);
    dot(x, kx(0), "accA", "biasV");
    code.get("p").i32Const(COLUMN_BYTES).i32Add().set("p");
    code.loop(() => {
      loadColumn(x, 0);
      dot(x, kx(1), "accB", null);
      add("accA", "accB");
      // A store between the two columns keeps V8 from hoisting the second column's loads
      // above the first column's arithmetic (which would run out of registers).
      code.get("o").get("accA").v128Store();
      loadColumn(y, COLUMN_BYTES);
      dot(y, kx(2), "accB", null);
      add("accA", "accB");
      store("accA");
      dot(y, kx(0), "accA", "biasV");
      code.get("p").i32Const(2 * COLUMN_BYTES).i32Add().set("p");
      code.get("n").i32Const(1).i32Sub().tee("n").brIf(0);
    });
  }
}

/**
 * The packed path (3×3, no dilation, stride across 1 or 2, channels [0, C & ~3)). Scratch
 * holds, per block of up to 16 channels, its weights and bias packed densely and a ring of 3
 * input rows as columns of 192 B (pitch not a power of two, zero borders). Per image, output
 * rows in order: pack the input rows the row newly needs (all blocks), then per block sweep
 * each channel vector along the row.
 */
function emitPackedPath(code: Code, fma: boolean): void {
  code.get("cn").i32Const(-4).i32And().i32Const(4).i32Mul().tee("c4Bytes").i32Const(6).i32ShrU().set("fullBlocks");
  code.get("c4Bytes").i32Const(63).i32And().set("tailBytes");
  code.get("c4Bytes").i32Const(63).i32Add().i32Const(6).i32ShrU().set("blocks");
  code.get("ow").i32Const(1).i32Sub().get("sw").i32Mul().i32Const(3).i32Add().tee("wp").i32Const(COLUMN_BYTES).i32Mul().set("blockBytes");
  code.get("scratch").i32Const(63).i32Add().i32Const(-64).i32And().tee("wpack");
  code.get("blocks").i32Const(WEIGHT_BYTES).i32Mul().i32Add().tee("bpack");
  code.get("blocks").i32Const(64).i32Mul().i32Add().set("cols");
  const clampTo = (local: string, bound: string) => code.get(local).get(bound).get(local).get(bound).i32LtS().select().set(local);
  code.get("padLeft").set("jLo");
  clampTo("jLo", "wp");
  code.get("padLeft").get("w").i32Add().set("jHi");
  clampTo("jHi", "wp");
  code.get("jHi").get("jLo").get("jHi").get("jLo").i32GtS().select().set("jHi");
  // Weights and bias (zeros without bias) per block, dense: the originals lie 4·C bytes apart.
  code.i32Const(0).set("k");
  code.block(() =>
    code.loop(() => {
      code.get("k").get("c4Bytes").i32GeS().brIf(1);
      code.get("weights").get("k").i32Add().set("src");
      code.get("k").i32Const(6).i32ShrU().i32Const(WEIGHT_BYTES).i32Mul().get("wpack").i32Add().get("k").i32Const(63).i32And().i32Add().set("dst");
      // Phase ph (ring slot of the window's top row) holds tap (ky, kx) at row (ky + ph) mod 3.
      for (let t = 0; t < 9; t++) {
        const [ky, kx] = [Math.floor(t / 3), t % 3];
        code.get("src").v128Load().set("tmpV");
        for (let ph = 0; ph < 3; ph++) code.get("dst").get("tmpV").v128Store(576 * ph + 192 * ((ky + ph) % 3) + 64 * kx);
        if (t < 8) code.get("src").get("cBytes").i32Add().set("src");
      }
      code.get("k").i32Const(6).i32ShrU().i32Const(64).i32Mul().get("bpack").i32Add().get("k").i32Const(63).i32And().i32Add().tee("d2");
      code.f32Const(0).f32x4Splat().v128Store();
      ifFlag(code, "flags", FLAG_BIAS, () => code.get("d2").get("bias").get("k").i32Add().v128Load().v128Store());
      code.get("k").i32Const(16).i32Add().set("k");
      code.br(0);
    }),
  );
  // Zero border columns (all 3 slots) of every block's ring; packing writes only [jLo, jHi).
  code.forRange("kb", "blocks", () =>
    code.forRange("j", "wp", () => {
      code.get("j").get("jLo").i32LtS().get("j").get("jHi").i32GeS().i32Or();
      code.if(() => {
        code.get("cols").get("kb").get("blockBytes").i32Mul().i32Add().get("j").i32Const(COLUMN_BYTES).i32Mul().i32Add().set("d2");
        for (let k = 0; k < COLUMN_BYTES / 16; k++) code.get("d2").f32Const(0).f32x4Splat().v128Store(16 * k);
      });
    }),
  );
  code.forRange("b", "batch", () => {
    code.i32Const(0).get("padTop").i32Sub().tee("iyBase").set("packedHi");
    code.forRange("oy", "oh", () => {
      code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().set("iy0");
      for (let ky = 0; ky < 3; ky++) {
        code.get("iy0").i32Const(ky).i32Add().tee("iy").get("packedHi").i32GeS();
        code.if(() => {
          emitPackRow(code);
          code.get("iy").i32Const(1).i32Add().set("packedHi");
        });
      }
      // ph: the ring slot of row iy0; kernel row ky sits in slot (ph + ky) mod 3.
      code.get("iy0").get("iyBase").i32Sub().tee("ph").get("ph").i32Const(3).i32DivS().i32Const(3).i32Mul().i32Sub().set("ph");
      code.get("b").get("oh").i32Mul().get("oy").i32Add().get("ow").i32Mul().get("cBytes").i32Mul().get("out").i32Add().set("outRow");
      code.i32Const(0).set("xb");
      code.block(() =>
        code.loop(() => {
          code.get("xb").get("c4Bytes").i32GeS().brIf(1);
          code.get("c4Bytes").get("xb").i32Sub().set("nvBytes");
          code.i32Const(64).set("k");
          clampTo("nvBytes", "k");
          code.get("xb").i32Const(6).i32ShrU().set("kb");
          code.get("kb").i32Const(WEIGHT_BYTES).i32Mul().get("wpack").i32Add().set("wblock");
          code.i32Const(0).set("v");
          code.block(() =>
            code.loop(() => {
              code.get("v").get("nvBytes").i32GeS().brIf(1);
              code.get("ph").i32Const(576).i32Mul().get("wblock").i32Add().get("v").i32Add().set("tap");
              for (let t = 0; t < 9; t++) code.get("tap").v128Load(64 * t).set(`w${t}`);
              code.get("kb").i32Const(64).i32Mul().get("bpack").i32Add().get("v").i32Add().set("bptr");
              code.get("kb").get("blockBytes").i32Mul().get("cols").i32Add().get("v").i32Add().set("p");
              code.get("outRow").get("xb").i32Add().get("v").i32Add().set("o");
              const sweeps = (stride: 1 | 2) => {
                code.get("act").i32Eqz();
                code.if(
                  () => emitPackedSweep(code, stride, 0, fma),
                  () => {
                    code.get("act").i32Const(1).i32Eq();
                    code.if(() => emitPackedSweep(code, stride, 1, fma), () => emitPackedSweep(code, stride, 2, fma));
                  },
                );
              };
              code.get("sw").i32Const(1).i32Eq();
              code.if(() => sweeps(1), () => sweeps(2));
              code.get("v").i32Const(16).i32Add().set("v");
              code.br(0);
            }),
          );
          code.get("xb").i32Const(64).i32Add().set("xb");
          code.br(0);
        }),
      );
    });
  });
  // Channels past the last whole vector: the general path.
  code.get("c4Bytes").get("cEnd").i32LtS();
  code.if(() => {
    code.get("c4Bytes").set("xStart");
    code.forRange("b", "batch", () =>
      code.forRange("oy", "oh", () => {
        code.get("oy").get("sh").i32Mul().get("padTop").i32Sub().set("iy0");
        code.get("b").get("oh").i32Mul().get("oy").i32Add().get("ow").i32Mul().get("cBytes").i32Mul().get("out").i32Add().set("outRow");
        emitGeneralPixels(code, "zero", "ow", fma);
      }),
    );
  });
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
 * weights, bias, flags, out, scratch, cn)`: channels [0, cn) of the c-channel image (pixels
 * 4·c bytes apart); flags carry FLAG_BIAS and the activation; scratch −1 for none. A caller
 * splitting the output rows across threads passes a later row range as a shifted padTop, a
 * smaller oh and a later out; one splitting the channels passes image, weights, bias and out
 * shifted to a later channel and a smaller cn.
 */
export function emitDepthwise(m: ModuleBuilder, fma: boolean): void {
  const { code } = m.func("depthwise", [
    ["image", "i32"], ["batch", "i32"], ["h", "i32"], ["w", "i32"], ["c", "i32"], ["kh", "i32"],
    ["kw", "i32"], ["sh", "i32"], ["sw", "i32"], ["padTop", "i32"], ["padLeft", "i32"], ["dh", "i32"],
    ["dw", "i32"], ["oh", "i32"], ["ow", "i32"], ["weights", "i32"], ["bias", "i32"], ["flags", "i32"],
    ["out", "i32"], ["scratch", "i32"], ["cn", "i32"],
  ]);
  const ints = ["b", "oy", "ox", "ky", "kx", "iy", "ix", "iy0", "ix0", "x", "cBytes", "pixel", "tap", "outPixel", "act",
    "outRow", "zero", "oxLo", "oxHi", "oyLo", "oyHi", "sweep", "corner", "n", "p0", "p1", "p2", "o", "rowStep", "tapStep", "tapStep2",
    "pixelStep", "xStart", "wpack", "cols", "wp", "c4Bytes", "jLo", "jHi", "xb", "nvBytes", "k", "iyBase", "packedHi", "r",
    "dst", "src", "j", "ph", "v", "bptr", "p", "fullBlocks", "tailBytes", "blocks", "blockBytes", "bpack", "s2", "d2",
    "kb", "wblock", "cEnd"];
  for (const l of ints) code.local(l, "i32");
  for (let v = 0; v < 4; v++) code.local(`acc${v}`, "v128");
  for (let t = 0; t < 9; t++) code.local(`w${t}`, "v128");
  code.local("biasV", "v128");
  for (const l of ["accA", "accB", "accC", "x0", "x1", "x2", "y0", "y1", "y2", "tmpV"]) code.local(l, "v128");
  code.local("accS", "f32");
  loadActivation(code, "flags", "act");
  code.get("c").i32Const(4).i32Mul().set("cBytes");
  code.get("cn").i32Const(4).i32Mul().set("cEnd");
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
  code.get("cn").i32Const(3).i32And().i32Eqz().i32And();
  code.get("c").i32Const(SWEEP_MAX_CHANNELS).i32LeS().i32And().set("sweep");
  // The packed path: 3×3, no dilation, stride across 1 (or 2 over at least
  // PACKED_STRIDE2_MIN_CHANNELS channels), at least one channel vector, and scratch given
  // (scratch ≥ 0).
  code.get("kh").i32Const(3).i32Eq().get("kw").i32Const(3).i32Eq().i32And().get("dh").i32Const(1).i32Eq().i32And();
  code.get("dw").i32Const(1).i32Eq().i32And().get("sw").i32Const(1).i32Eq();
  code.get("sw").i32Const(2).i32Eq().get("c").i32Const(PACKED_STRIDE2_MIN_CHANNELS).i32GeS().i32And().i32Or().i32And();
  code.get("cn").i32Const(4).i32GeS().i32And().get("scratch").i32Const(0).i32GeS().i32And();
  code.if(() => {
    emitPackedPath(code, fma);
    code.return();
  });
  code.i32Const(0).set("xStart");
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
