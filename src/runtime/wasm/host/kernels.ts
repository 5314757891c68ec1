// The public face of the WebAssembly kernels: they work in place on a caller-supplied
// WebAssembly.Memory, addressed by byte offsets, so the runtime's arena is the kernels' memory
// and no call copies tensors. Sizes and strides are in elements (floats).
import type { Pad4 } from "../../ops.ts";
import { epilogueFlags, type KernelActivation } from "../gen/epilogue.ts";
import { ELEMENTWISE_ACTIVATIONS, type ElementwiseActivation } from "../gen/elementwise-kernel.ts";
import { POOL_AVG, POOL_AVG_INCLUDE_PAD, POOL_MAX } from "../gen/pool-kernel.ts";
import { NORM_BETA, NORM_CENTRE, NORM_GRAD_BETA, NORM_GRAD_CENTRE, NORM_GRAD_GAMMA, NORM_GRAD_X, NORM_KEEP_STATS } from "../gen/row-kernel.ts";
import { AFFINE_ACCUMULATE, AFFINE_RELU, AFFINE_USE_B } from "../gen/channel-kernel.ts";
import { detectRelaxedSimd } from "./features.ts";
import { packedBFloats } from "../gen/gemm-kernel.ts";
import { attentionWorkspaceFloats } from "../gen/attention-kernel.ts";
import { compileKernelModule, type KernelModuleConfig } from "../gen/kernels-module.ts";
import type { Helper } from "./thread-pool.ts";
import { wasm, type WasmMemory } from "./webassembly-api.ts";

export type { KernelActivation } from "../gen/epilogue.ts";
export type { ElementwiseActivation } from "../gen/elementwise-kernel.ts";

export interface WasmKernelOptions {
  /** Fused multiply-add kernels (relaxed SIMD). "auto" (default): when the engine has them. */
  readonly fma?: boolean | "auto";
  /** Threads a GEMM may use, the caller's included: 1 (default) or 2. 2 needs a shared memory. */
  readonly threads?: 1 | 2;
  /** GEMM register tile: rows × 4·vectors columns. Default 2×16 with FMA, 4×8 without. */
  readonly tile?: { readonly rows: number; readonly vectors: number };
  /** Below this many multiply-adds (default 2²⁰) a GEMM, depthwise or im2col stays on one
   * thread: handing work over costs a few µs while the helper spins after its last call, ~60 µs
   * once it has parked. 2¹⁸ (bench/thread-threshold.ts, GEMMs alone) made small models slower on
   * two threads than on one (vit_mnist 0.95 ms against 0.46); 2²⁰ gives 0.53 ms, MobileNetV1
   * unchanged within noise. */
  readonly parallelMinMacs?: number;
}

/** C (+)= A·B + bias, then activation. A element (i, kk) is at a + 4·(i·aRowStride + kk·aColStride). */
export interface GemmArgs {
  readonly m: number;
  readonly n: number;
  readonly k: number;
  readonly a: number;
  /** Default k (row-major A). For Aᵀ·B with A stored [k, m], pass aRowStride 1, aColStride m. */
  readonly aRowStride?: number;
  readonly aColStride?: number;
  /** B packed by `packB` with the same k and n. */
  readonly bPacked: number;
  readonly c: number;
  /** Default n. */
  readonly ldc?: number;
  /** Byte offset of n floats added to every row. */
  readonly bias?: number;
  /** Add to C instead of overwriting it (before the activation). */
  readonly accumulate?: boolean;
  readonly activation?: KernelActivation;
}

/** z = act(x + alpha·y (+ bias)) over a rows×cols block; leading dimensions in floats (default
 * cols), z may be x. */
export interface BlockCombineArgs {
  readonly rows: number;
  readonly cols: number;
  readonly x: number;
  readonly ldx?: number;
  readonly y: number;
  readonly ldy?: number;
  readonly alpha: number;
  readonly z: number;
  readonly ldz?: number;
  /** Byte offset of cols floats added to every row. */
  readonly bias?: number;
  readonly activation?: KernelActivation;
}

export interface PackBArgs {
  readonly k: number;
  readonly n: number;
  /** B as stored: [k, n] row-major, or [n, k] row-major when `transposed` (for A·Bᵀ). */
  readonly b: number;
  /** Row stride of the stored matrix; default n (or k when transposed). */
  readonly ldb?: number;
  readonly transposed?: boolean;
  /** Destination of `packedBFloats(k, n)` floats. */
  readonly dst: number;
}

/** A sliding window over a [batch, height, width, channels] NHWC image. */
export interface ImageWindow {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** [top, bottom, left, right] */
  readonly pad: Pad4;
}

/** An NHWC convolution window. */
export interface ConvWindow extends ImageWindow {
  readonly dilation: readonly [number, number];
}

/** C (+)= A·B + bias, then activation, as `GemmArgs` but with B [k, n] as stored (row
 * stride ldb, default n) instead of packed. */
export interface NarrowGemmArgs extends Omit<GemmArgs, "bPacked"> {
  readonly b: number;
  readonly ldb?: number;
}

/** One block of Strassen's multiplication (../gen/strassen-kernel.ts): C[rows, n] = act(A·B + bias)
 * with rows, k and n even, from B's seven quarter combinations packed by packStrassenB
 * (./strassen.ts). Leading dimensions in floats (default k, n). `workspace` holds
 * (rows/2)·(k/2 + n/2) floats; with two threads each takes half of the rows and of it. */
export interface StrassenBlockArgs {
  readonly rows: number;
  readonly n: number;
  readonly k: number;
  /** A [rows, k] row-major with row stride lda floats (default k). */
  readonly a: number;
  readonly lda?: number;
  /** P1…P7 as packStrassenB wrote them. */
  readonly packed: number;
  readonly c: number;
  readonly ldc?: number;
  readonly bias?: number;
  readonly activation?: KernelActivation;
  readonly workspace: number;
}

/** A pooling window. */
export interface PoolGeometry extends ImageWindow {
  /** The output's [height, width]. */
  readonly out: readonly [number, number];
  /** "avg" divides by the window's pixels inside the image, or by kh·kw with `includePad`. */
  readonly kind: "max" | "avg";
  readonly includePad?: boolean;
}

export interface WasmKernels {
  readonly memory: WasmMemory;
  /** Whether the FMA (relaxed SIMD) kernels are in use. */
  readonly fma: boolean;
  readonly threads: 1 | 2;
  /** Columns per packed B panel. */
  readonly panelWidth: number;
  /** Floats `packB` writes for a k×n matrix. */
  packedBFloats(k: number, n: number): number;
  packB(args: PackBArgs): void;
  gemm(args: GemmArgs): void;
  blockCombine(args: BlockCombineArgs): void;
  strassen(args: StrassenBlockArgs): void;
  /** Writes rows (b, oy, ox) of kh·kw·C floats in (ky, kx, c) order at `cols`. */
  im2col(g: ConvWindow, image: number, cols: number): void;
  /** Adds each column row back into `image` (the adjoint of im2col; zero `image` first). */
  col2im(g: ConvWindow, cols: number, image: number): void;
  /** Depthwise conv, multiplier 1: weights [kh, kw, C], bias C floats; writes [batch, oh, ow, C].
   * `scratch` (byte offset of `scratchFloats` floats, at least `threads` ×
   * depthwiseScratchFloats(C, ow, sw) of ../gen/depthwise-kernel.ts) enables its packed path (3×3,
   * no dilation, stride across 1, or 2 from 128 channels). */
  depthwise(
    g: ConvWindow,
    args: {
      readonly image: number;
      readonly weights: number;
      readonly bias?: number;
      readonly activation?: KernelActivation;
      readonly out: number;
      readonly scratch?: number;
      readonly scratchFloats?: number;
    },
  ): void;
  /** The depthwise conv's backward, multiplier 1 (g as for `depthwise`): adds the input gradient
   * into `dx` ([batch, h, w, C]) and the weight gradient into `dweights` ([kh, kw, C]) from the
   * forward's input `image`, its `weights` and `dy` ([batch, oh, ow, C]); either may be left out. */
  depthwiseGrad(g: ConvWindow, args: { readonly image: number; readonly weights: number; readonly dy: number; readonly dx?: number; readonly dweights?: number }): void;
  /** y = f(x) over n floats (y may be x). */
  activation(kind: ElementwiseActivation, args: { readonly x: number; readonly y: number; readonly n: number }): void;
  /** dx += dy·f'(y) over n floats, y being the forward's output — or, for the activations in
   * GRAD_FROM_INPUT of ../gen/elementwise-kernel.ts (swish), its input. */
  activationGrad(kind: ElementwiseActivation, args: { readonly y: number; readonly dy: number; readonly dx: number; readonly n: number }): void;
  /** y = x + w or x·w over n floats (y may be x or w). */
  combine(kind: "add" | "mul", args: { readonly x: number; readonly w: number; readonly y: number; readonly n: number }): void;
  /** y[b, p, j] = x[b, p, j]·s[b, j] for x and y [batch, pixels, channels], s [batch, channels]
   * (y may be x): a squeeze-and-excitation block's broadcast multiply. */
  scaleChannels(args: { readonly x: number; readonly s: number; readonly y: number; readonly batch: number; readonly pixels: number; readonly channels: number }): void;
  /** Writes [batch, out[0], out[1], channels] pooled values at `out`. */
  pool(g: PoolGeometry, args: { readonly image: number; readonly out: number }): void;
  /** dx += the gradient of `pool` given dy; max reads `image` (the forward's input) and, when
   * given, `pooled` (the forward's output) instead of finding each window's max again. */
  poolGrad(g: PoolGeometry, args: { readonly image: number; readonly dy: number; readonly dx: number; readonly pooled?: number }): void;
  /** As `im2col`/`col2im`, moving each window row's kw·C floats as one run where it lies inside
   * the image: faster for few channels. */
  patches(g: ConvWindow, image: number, cols: number): void;
  addPatches(g: ConvWindow, cols: number, image: number): void;
  /** `gemm` for narrow C (up to 16 columns per block, none wasted) with B read as stored —
   * no packing. Reads B rows as whole vectors: needs 12 readable bytes past the last row's
   * n-th float. */
  narrowGemm(args: NarrowGemmArgs): void;
  /** A conv on `narrowGemm`'s register tiles reading the image directly (no patch matrix):
   * `g` describes the image with its padding already applied (pad all 0), dilation 1 across;
   * weights [kh·kw·C, filters] as stored (read as narrowGemm reads B), bias and activation fused. */
  convNarrow(g: ConvWindow, args: { readonly image: number; readonly weights: number; readonly filters: number; readonly out: number; readonly bias?: number; readonly activation?: KernelActivation }): void;
  /** Writes g's images with `pad` zeros around them at `out`: [batch, h + top + bottom, w + left + right, C]. */
  padImage(g: { readonly batch: number; readonly height: number; readonly width: number; readonly channels: number }, pad: Pad4, image: number, out: number): void;
  /** dW [kh·kw·C, filters] += the filter gradient from dY, the same way (g as for convNarrow). */
  convFilterGrad(g: ConvWindow, args: { readonly image: number; readonly dy: number; readonly filters: number; readonly dw: number }): void;
  /** out[j] += Σ_i X[i, j] over k rows (a bias gradient); reads rows as `narrowGemm` reads B. */
  columnSums(args: { readonly n: number; readonly k: number; readonly x: number; readonly ldx?: number; readonly out: number }): void;
  /** Layer (centre) or RMS normalisation of `rows` rows of c floats (../gen/row-kernel.ts); with
   * `stats`, each row's mean and 1/σ are written there (2 floats a row). y may be x. */
  layernorm(args: { readonly x: number; readonly gamma: number; readonly beta?: number; readonly y: number; readonly stats?: number; readonly rows: number; readonly c: number; readonly eps: number; readonly centre: boolean }): void;
  /** Its backward, accumulating into the gradients given. */
  layernormGrad(args: { readonly x: number; readonly gamma: number; readonly stats: number; readonly dy: number; readonly dx?: number; readonly dgamma?: number; readonly dbeta?: number; readonly rows: number; readonly c: number; readonly centre: boolean }): void;
  /** Softmax of e^{x·scale} over `rows` rows of len floats, in place; when `causalOffset` is
   * given, row i keeps its first i + causalOffset + 1 entries and zeroes the rest. */
  softmaxRows(args: { readonly p: number; readonly rows: number; readonly len: number; readonly scale: number; readonly causalOffset?: number }): void;
  /** Attention's per-head products for one sample (../gen/attention-kernel.ts): for every head h,
   * out_h = softmax(scale·Q_h·K_hᵀ)·V_h (keys after i + causalOffset masked when given), head h
   * the columns [h·d, h·d + d) of Q and out ([t, ld]) and of K and V ([s, ld]). `workspace`
   * holds `threads` × attentionWorkspaceFloats(t, s, d, panelWidth) floats. */
  attentionHeads(args: {
    readonly q: number;
    readonly k: number;
    readonly v: number;
    readonly out: number;
    readonly t: number;
    readonly s: number;
    readonly ld: number;
    readonly d: number;
    readonly heads: number;
    readonly scale: number;
    readonly causalOffset?: number;
    readonly workspace: number;
  }): void;
  /** dx (+)= scale·y·(dy − Σ dy·y) per row; dx may be dy when not accumulating. */
  softmaxGrad(args: { readonly y: number; readonly dy: number; readonly dx: number; readonly rows: number; readonly len: number; readonly scale: number; readonly accumulate: boolean }): void;
  /** Per-channel sums over [pixels, c] tensors (c a multiple of 4), for each block of `block`
   * pixels: 2c floats at out, Σ (a − sa) then Σ (a − sa)·(b − sb) (sa, sb: c floats each);
   * ⌈pixels / block⌉ blocks. Two threads take halves of the blocks: the same floats either way. */
  channelMoments(args: { readonly a: number; readonly sa: number; readonly b: number; readonly sb: number; readonly pixels: number; readonly c: number; readonly block: number; readonly out: number }): void;
  /** y (+)= A·(a − sa) [+ B·(b − sb)] + C per channel over [pixels, c] (c a multiple of 4), then
   * relu if asked; y may be a. Element-wise, so exact on any number of threads. */
  channelAffine(args: {
    readonly a: number;
    readonly sa: number;
    readonly A: number;
    readonly b?: { readonly x: number; readonly shift: number; readonly scale: number };
    readonly C: number;
    readonly y: number;
    readonly pixels: number;
    readonly c: number;
    readonly accumulate?: boolean;
    readonly relu?: boolean;
  }): void;
  /** Stops helper threads. */
  dispose(): Promise<void>;
}

/** [outHeight, outWidth] of a convolution window. */
export function convOutputSize(g: ConvWindow): [number, number] {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [top, bottom, left, right] = g.pad;
  return [
    Math.floor((g.height + top + bottom - dh * (kh - 1) - 1) / sh) + 1,
    Math.floor((g.width + left + right - dw * (kw - 1) - 1) / sw) + 1,
  ];
}

function geometryArgs(g: ConvWindow): number[] {
  const [oh, ow] = convOutputSize(g);
  return [g.batch, g.height, g.width, g.channels, ...g.kernel, ...g.stride, g.pad[0], g.pad[2], ...g.dilation, oh, ow];
}

const HELPER_EXPORTS = [
  "gemm",
  "depthwise",
  "patches",
  "patches_add",
  "narrow_gemm",
  "block_combine",
  "strassen",
  "attention_heads",
  "channel_moments",
  "channel_affine",
  "add_same",
  "mul_same",
  ...ELEMENTWISE_ACTIVATIONS.flatMap((kind) => [kind, `${kind}_grad`]),
];

/** Geometry arguments (as `geometryArgs`) for output rows [r0, r1) of one image: the window
 * shifted down r0 rows (a negative top pad) and r1 − r0 output rows. */
function rowSliceArgs(g: ConvWindow, r0: number, r1: number): number[] {
  const args = geometryArgs(g);
  args[8]! -= r0 * g.stride[0];
  args[12] = r1 - r0;
  return args;
}

/** Geometry arguments for `count` images of `g`. */
function batchSliceArgs(g: ConvWindow, count: number): number[] {
  return geometryArgs({ ...g, batch: count });
}

/** What one depthwise multiply-add counts for against `parallelMinMacs` (GEMM's: ~53 vs ~25
 * GFLOPS, and a row split also packs two halo rows twice). */
const DEPTHWISE_MAC_WEIGHT = 4;

/** Depthwise outputs of at most this many rows (of one image) split across the threads by
 * channels rather than rows: 7 rows split 3 + 4, and a stride-2 window packs input rows for
 * both halves (alone: 7²×1024 28 vs 40 µs, 14²×512 to 7² 16 vs 18; 14²×512 → 14² 41 vs 37). */
const CHANNEL_SPLIT_MAX_ROWS = 7;

/** How many of the GEMM threshold's multiply-adds an attention_heads call needs before it is
 * split across the threads: each thread packs all of K and V again, and a hand-off costs what
 * a small sample's heads take (vit_mnist's 4 heads of 50×50×16, ~15 µs, stay on one thread). */
const ATTENTION_SPLIT_WEIGHT = 4;

/** Below this many floats a block combine stays on one thread. */
const PARALLEL_MIN_COMBINE_FLOATS = 1 << 14;

/** Runs the caller's share, then waits for the helper's, even when the caller's share traps. */
function runThenJoin(helper: Helper, ownShare: () => void): void {
  try {
    ownShare();
  } finally {
    helper.finish();
  }
}

/** (batch, hp, wp, C, kh, kw, sh, sw, dh, oh, ow) of an already padded image. */
function implicitConvArgs(g: ConvWindow): number[] {
  if (g.pad.some((p) => p !== 0) || g.dilation[1] !== 1) {
    throw new Error(`convNarrow/convFilterGrad take a padded image (pad 0) and dilation 1 across; got pad [${g.pad}], dilation [${g.dilation}]`);
  }
  const [oh, ow] = convOutputSize(g);
  return [g.batch, g.height, g.width, g.channels, ...g.kernel, ...g.stride, g.dilation[0], oh, ow];
}

function poolGeometryArgs(g: PoolGeometry): number[] {
  return [g.batch, g.height, g.width, g.channels, ...g.kernel, ...g.stride, g.pad[0], g.pad[2], ...g.out];
}

function poolMode(g: PoolGeometry): number {
  return g.kind === "max" ? POOL_MAX : g.includePad ? POOL_AVG_INCLUDE_PAD : POOL_AVG;
}

interface KernelExports {
  gemm(...args: number[]): void;
  pack_b(...args: number[]): void;
  col2im(...args: number[]): void;
  depthwise(...args: number[]): void;
  pool(...args: number[]): void;
  pool_grad(...args: number[]): void;
  patches(...args: number[]): void;
  patches_add(...args: number[]): void;
  narrow_gemm(...args: number[]): void;
  conv_narrow(...args: number[]): void;
  conv_filter_grad(...args: number[]): void;
  pad_image(...args: number[]): void;
  column_sums(...args: number[]): void;
  block_combine(...args: number[]): void;
  channel_moments(...args: number[]): void;
  channel_affine(...args: number[]): void;
  strassen(...args: number[]): void;
  depthwise_grad(...args: number[]): void;
  add_same(...args: number[]): void;
  mul_same(...args: number[]): void;
  scale_channels(...args: number[]): void;
  layernorm(...args: number[]): void;
  layernorm_grad(...args: number[]): void;
  softmax_rows(...args: number[]): void;
  softmax_grad(...args: number[]): void;
  attention_heads(...args: number[]): void;
  /** `<activation>(x, y, n)` and `<activation>_grad(y, dy, dx, n)`. */
  [elementwise: string]: (...args: number[]) => void;
}

/**
 * Compiles (once per configuration) and instantiates the kernels on `memory`. A shared memory
 * (`shared: true` with a maximum) is needed for 2 threads and works for 1.
 */
export async function createWasmKernels(memory: WasmMemory, options: WasmKernelOptions = {}): Promise<WasmKernels> {
  const hasFma = await detectRelaxedSimd();
  if (options.fma === true && !hasFma) throw new Error("createWasmKernels: fma requested but this engine lacks relaxed SIMD");
  const fma = options.fma === "auto" || options.fma === undefined ? hasFma : options.fma;
  if (options.threads !== 2) return instantiateWasmKernels(memory, { ...options, fma });
  if (!isShared(memory))
    throw new Error("createWasmKernels: 2 threads need a shared memory (new WebAssembly.Memory({ initial, maximum, shared: true }))");
  const { startHelper } = await import("./thread-pool.ts");
  const helper = await startHelper(compileKernelModule(moduleConfig(memory, fma, options.tile)), memory, HELPER_EXPORTS);
  return instantiateWasmKernels(memory, { ...options, fma }, helper);
}

function isShared(memory: WasmMemory): boolean {
  return typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
}

/** The kernel module configuration `instantiateWasmKernels` compiles for this memory (exported so
 * `netc compile` can embed exactly those bytes). */
export function moduleConfig(memory: WasmMemory, fma: boolean, tile = defaultTile(fma)): KernelModuleConfig {
  return { sharedMemory: isShared(memory), gemm: { mr: tile.rows, nv: tile.vectors, fma } };
}

function defaultTile(fma: boolean): { rows: number; vectors: number } {
  // 2×16 and 3×12 tie at 1024³ (52 GFLOPS); 2×16 wins on MobileNet, whose channel counts its
  // 16-wide panels divide (Strassen's halves included).
  return fma ? { rows: 2, vectors: 4 } : { rows: 4, vectors: 2 };
}

/**
 * The synchronous core of `createWasmKernels`, for callers that resolved `fma` already
 * (`await detectRelaxedSimd()`): one thread, or two when given a started helper.
 */
export function instantiateWasmKernels(
  memory: WasmMemory,
  options: Omit<WasmKernelOptions, "fma" | "threads"> & { readonly fma: boolean },
  startedHelper: Helper | null = null,
): WasmKernels {
  const { fma } = options;
  const tile = options.tile ?? defaultTile(fma);
  const module = compileKernelModule(moduleConfig(memory, fma, tile));
  const exports = new wasm.Instance(module, { env: { memory } }).exports as KernelExports;
  const panelWidth = 4 * tile.vectors;
  const parallelMinMacs = options.parallelMinMacs ?? 1 << 20;
  const threads = startedHelper ? 2 : 1;
  let helper = startedHelper;
  const scaleBits = new Float32Array(1);
  const scaleBitsI32 = new Int32Array(scaleBits.buffer);

  /** C[m, n] split across the threads when the work is large enough: halves of the panels, or
   * of the row tiles when M > N. */
  const gemm = (g: GemmArgs) => {
    const { m, n, k } = g;
    const bias = g.bias ?? 0;
    const aRow = 4 * (g.aRowStride ?? k);
    const aCol = 4 * (g.aColStride ?? 1);
    const ldc = 4 * (g.ldc ?? n);
    const flags = epilogueFlags({ accumulate: g.accumulate, bias: g.bias !== undefined, activation: g.activation });
    // The call for C rows [i0, i0 + rows) and columns [j0, j0 + cols).
    const part = (i0: number, rows: number, j0: number, cols: number) =>
      [rows, cols, k, g.a + i0 * aRow, aRow, aCol, g.bPacked + 4 * j0 * k, g.c + i0 * ldc + 4 * j0, ldc, bias + 4 * j0, flags];
    const panels = Math.ceil(n / panelWidth);
    const m0 = Math.round(m / 2 / tile.rows) * tile.rows;
    const splitN = n >= m && panels >= 2;
    if (!helper || m * n * k < parallelMinMacs || (!splitN && (m0 === 0 || m0 >= m))) {
      exports.gemm(...part(0, m, 0, n));
    } else if (splitN) {
      const n0 = Math.ceil(panels / 2) * panelWidth;
      helper.start("gemm", part(0, m, 0, n0));
      runThenJoin(helper, () => exports.gemm(...part(0, m, n0, n - n0)));
    } else {
      helper.start("gemm", part(0, m0, 0, n));
      runThenJoin(helper, () => exports.gemm(...part(m0, m - m0, 0, n)));
    }
  };

  /**
   * Runs a per-output-pixel kernel (`name`: depthwise, patches) whose arguments `args(geometry,
   * imageShift, outShift)` builds, the helper taking the first half of the images (or of the
   * output rows of a single image) when the work is large enough. `outRowFloats`: floats the
   * kernel writes per output row.
   */
  const splitOutput = (
    name: "depthwise" | "patches",
    g: ConvWindow,
    work: number,
    outRowFloats: number,
    args: (geometry: number[], imageShift: number, outShift: number) => number[],
  ) => {
    const [oh] = convOutputSize(g);
    if (!helper || work < parallelMinMacs || (g.batch === 1 && oh < 2)) {
      exports[name](...args(geometryArgs(g), 0, 0));
      return;
    }
    let first: number[];
    let second: number[];
    if (g.batch >= 2) {
      const b0 = g.batch >> 1;
      first = args(batchSliceArgs(g, b0), 0, 0);
      second = args(batchSliceArgs(g, g.batch - b0), 4 * b0 * g.height * g.width * g.channels, 4 * b0 * oh * outRowFloats);
    } else {
      const r0 = oh >> 1;
      first = args(rowSliceArgs(g, 0, r0), 0, 0);
      second = args(rowSliceArgs(g, r0, oh), 0, 4 * r0 * outRowFloats);
    }
    helper.start(name, first);
    runThenJoin(helper, () => exports[name](...second));
  };

  /** The patch matrix of g's images (the patches kernel moves whole window rows at a time). */
  const im2col = (g: ConvWindow, image: number, cols: number) => {
    const [oh, ow] = convOutputSize(g);
    const rowFloats = ow * g.kernel[0] * g.kernel[1] * g.channels;
    splitOutput("patches", g, g.batch * oh * rowFloats, rowFloats, (geometry, di, dc) => [image + di, ...geometry, cols + dc]);
  };

  /** An element-wise export over n floats at the given arrays, halves on each thread when large. */
  const splitFloats = (name: string, arrays: readonly number[], n: number) => {
    const fn = exports[name]!;
    if (!helper || n < PARALLEL_MIN_COMBINE_FLOATS) {
      fn(...arrays, n);
      return;
    }
    const n0 = 4 * Math.round(n / 8);
    helper.start(name, [...arrays, n0]);
    runThenJoin(helper, () => fn(...arrays.map((a) => a + 4 * n0), n - n0));
  };

  return {
    memory,
    fma,
    threads,
    panelWidth,
    packedBFloats: (k, n) => packedBFloats(k, n, panelWidth),
    packB({ k, n, b, ldb, transposed = false, dst }) {
      const stride = 4 * (ldb ?? (transposed ? k : n));
      exports.pack_b(k, n, b, transposed ? 4 : stride, transposed ? stride : 4, dst);
    },
    gemm,
    blockCombine({ rows, cols, x, ldx = cols, y, ldy = cols, alpha, z, ldz = cols, bias, activation }) {
      const flags = epilogueFlags({ bias: bias !== undefined, activation });
      const part = (r0: number, count: number) =>
        [count, cols, x + 4 * r0 * ldx, 4 * ldx, y + 4 * r0 * ldy, 4 * ldy, alpha, z + 4 * r0 * ldz, 4 * ldz, bias ?? 0, flags];
      // Memory-bound: two threads pay from a few thousand vectors.
      if (!helper || rows < 2 || rows * cols < PARALLEL_MIN_COMBINE_FLOATS) {
        exports.block_combine(...part(0, rows));
        return;
      }
      const r0 = rows >> 1;
      helper.start("block_combine", part(0, r0));
      runThenJoin(helper, () => exports.block_combine(...part(r0, rows - r0)));
    },
    strassen({ rows, n, k, a, lda = k, packed, c, ldc = n, bias, activation, workspace }) {
      const flags = epilogueFlags({ bias: bias !== undefined, activation });
      const part = (r0: number, count: number, ws: number) =>
        [count, n, k, a + 4 * r0 * lda, 4 * lda, packed, c + 4 * r0 * ldc, 4 * ldc, bias ?? 0, flags, ws];
      // Two threads: the helper takes about half of the rows, a multiple of 4 so that its
      // quarters have whole 2-row tiles (196 rows: 100 and 96), each with its own share of
      // the workspace.
      const r0 = 4 * Math.round(rows / 8);
      if (!helper || r0 === 0 || r0 >= rows) {
        exports.strassen(...part(0, rows, workspace));
        return;
      }
      helper.start("strassen", part(0, r0, workspace));
      runThenJoin(helper, () => exports.strassen(...part(r0, rows - r0, workspace + 4 * (r0 / 2) * (k / 2 + n / 2))));
    },
    im2col,
    col2im: (g, cols, image) => exports.col2im(image, ...geometryArgs(g), cols),
    depthwise(g, { image, weights, bias, activation, out, scratch = -1, scratchFloats = 0 }) {
      const flags = epilogueFlags({ bias: bias !== undefined, activation });
      const [oh, ow] = convOutputSize(g);
      const c = g.channels;
      // A depthwise multiply-add takes ~4× a GEMM's time (loads per FMA): weigh it so against
      // the GEMM-measured threshold.
      const work = DEPTHWISE_MAC_WEIGHT * g.batch * oh * ow * c * g.kernel[0] * g.kernel[1];
      // The helper's share takes the first half of the scratch, the caller's the second.
      const second = scratch < 0 ? -1 : scratch + 16 * Math.floor(scratchFloats / 8);
      // Channels [c0, c0 + cn) of the rows geometry describes.
      const call = (geometry: number[], di: number, dout: number, c0: number, cn: number, own: number) =>
        [image + di + 4 * c0, ...geometry, weights + 4 * c0, bias === undefined ? 0 : bias + 4 * c0, flags, out + dout + 4 * c0, own, cn];
      // A few output rows split by channels (in whole 16-channel blocks) instead.
      const c0 = 16 * Math.round(c / 32);
      if (helper && work >= parallelMinMacs && g.batch === 1 && oh <= CHANNEL_SPLIT_MAX_ROWS && c0 > 0 && c0 < c) {
        const geometry = geometryArgs(g);
        helper.start("depthwise", call(geometry, 0, 0, 0, c0, scratch));
        runThenJoin(helper, () => exports.depthwise(...call(geometry, 0, 0, c0, c - c0, second)));
        return;
      }
      splitOutput("depthwise", g, work, ow * c, (geometry, di, dout) => call(geometry, di, dout, 0, c, di === 0 && dout === 0 ? scratch : second));
    },
    depthwiseGrad: (g, { image, weights, dy, dx = -1, dweights = -1 }) =>
      exports.depthwise_grad(image, ...geometryArgs(g), weights, dy, dx, dweights),
    activation: (kind, { x, y, n }) => splitFloats(kind, [x, y], n),
    activationGrad: (kind, { y, dy, dx, n }) => splitFloats(`${kind}_grad`, [y, dy, dx], n),
    combine: (kind, { x, w, y, n }) => splitFloats(kind === "add" ? "add_same" : "mul_same", [x, w, y], n),
    scaleChannels: ({ x, s, y, batch, pixels, channels }) => exports.scale_channels(x, s, y, batch, pixels, channels),
    pool: (g, { image, out }) => exports.pool(image, ...poolGeometryArgs(g), out, poolMode(g)),
    poolGrad: (g, { image, dy, dx, pooled = 0 }) => exports.pool_grad(image, ...poolGeometryArgs(g), dy, dx, pooled, poolMode(g)),
    patches: (g, image, cols) => im2col(g, image, cols),
    addPatches(g, cols, image) {
      // Each image takes back its own patches' gradients: halves of the batch are independent.
      const [oh, ow] = convOutputSize(g);
      const rowFloats = ow * g.kernel[0] * g.kernel[1] * g.channels;
      if (!helper || g.batch < 2 || g.batch * oh * rowFloats < PARALLEL_MIN_COMBINE_FLOATS) {
        exports.patches_add(image, ...geometryArgs(g), cols);
        return;
      }
      const b0 = g.batch >> 1;
      helper.start("patches_add", [image, ...batchSliceArgs(g, b0), cols]);
      const imageShift = 4 * b0 * g.height * g.width * g.channels;
      runThenJoin(helper, () => exports.patches_add(image + imageShift, ...batchSliceArgs(g, g.batch - b0), cols + 4 * b0 * oh * rowFloats));
    },
    narrowGemm(g) {
      const flags = epilogueFlags({ accumulate: g.accumulate, bias: g.bias !== undefined, activation: g.activation });
      const [aRow, aCol] = [4 * (g.aRowStride ?? g.k), 4 * (g.aColStride ?? 1)];
      const ldc = 4 * (g.ldc ?? g.n);
      const part = (i0: number, rows: number) =>
        [rows, g.n, g.k, g.a + i0 * aRow, aRow, aCol, g.b, 4 * (g.ldb ?? g.n), g.c + i0 * ldc, ldc, g.bias ?? 0, flags];
      // Halves of C's rows (whole 8-row tiles): each element's sum runs as on one thread.
      const m0 = 8 * Math.round(g.m / 16);
      if (!helper || g.m * g.n * g.k < parallelMinMacs || m0 === 0 || m0 >= g.m) {
        exports.narrow_gemm(...part(0, g.m));
        return;
      }
      helper.start("narrow_gemm", part(0, m0));
      runThenJoin(helper, () => exports.narrow_gemm(...part(m0, g.m - m0)));
    },
    columnSums: ({ n, k, x, ldx = n, out }) => exports.column_sums(n, k, x, 4 * ldx, out),
    convNarrow(g, { image, weights, filters, out, bias, activation }) {
      const flags = epilogueFlags({ bias: bias !== undefined, activation });
      exports.conv_narrow(image, ...implicitConvArgs(g), weights, filters, out, bias ?? 0, flags);
    },
    convFilterGrad: (g, { image, dy, filters, dw }) => exports.conv_filter_grad(image, ...implicitConvArgs(g), dy, filters, dw),
    padImage: (g, pad, image, out) => exports.pad_image(image, g.batch, g.height, g.width, g.channels, ...pad, out),
    layernorm({ x, gamma, beta, y, stats, rows, c, eps, centre }) {
      const flags = (centre ? NORM_CENTRE : 0) | (beta !== undefined ? NORM_BETA : 0) | (stats !== undefined ? NORM_KEEP_STATS : 0);
      exports.layernorm(x, gamma, beta ?? 0, y, stats ?? 0, rows, c, eps, flags);
    },
    layernormGrad({ x, gamma, stats, dy, dx, dgamma, dbeta, rows, c, centre }) {
      const flags =
        (centre ? NORM_GRAD_CENTRE : 0) | (dbeta !== undefined ? NORM_GRAD_BETA : 0) | (dgamma !== undefined ? NORM_GRAD_GAMMA : 0) | (dx !== undefined ? NORM_GRAD_X : 0);
      exports.layernorm_grad(x, gamma, stats, dy, dx ?? 0, dgamma ?? 0, dbeta ?? 0, rows, c, flags);
    },
    softmaxRows: ({ p, rows, len, scale, causalOffset = -1 }) => exports.softmax_rows(p, rows, len, scale, causalOffset),
    attentionHeads({ q, k, v, out, t, s, ld, d, heads, scale, causalOffset = -1, workspace }) {
      // The scale travels as its bits: a helper thread's arguments are i32.
      scaleBits[0] = scale;
      // Query rows [r0, r0 + rows) of every head: row i of them sees keys 0 … r0 + i + offset.
      const part = (r0: number, rows: number, ws: number) => [
        q + 4 * r0 * ld, k, v, out + 4 * r0 * ld, rows, s, ld, d, 0, heads, scaleBitsI32[0]!, causalOffset < 0 ? -1 : causalOffset + r0, ws,
      ];
      // Two threads split the query rows (any head count splits evenly), each packing K and V.
      const t0 = t >> 1;
      if (!helper || t0 === 0 || 2 * heads * t * s * d < ATTENTION_SPLIT_WEIGHT * parallelMinMacs) {
        exports.attention_heads(...part(0, t, workspace));
        return;
      }
      helper.start("attention_heads", part(0, t0, workspace));
      runThenJoin(helper, () => exports.attention_heads(...part(t0, t - t0, workspace + 4 * attentionWorkspaceFloats(t0, s, d, panelWidth))));
    },
    softmaxGrad: ({ y, dy, dx, rows, len, scale, accumulate }) => exports.softmax_grad(y, dy, dx, rows, len, scale, accumulate ? 1 : 0),
    channelMoments({ a, sa, b, sb, pixels, c, block, out }) {
      const blocks = Math.ceil(pixels / block);
      const part = (b0: number, count: number) => {
        const p0 = b0 * block;
        return [a + 4 * p0 * c, sa, b + 4 * p0 * c, sb, Math.min(pixels, (b0 + count) * block) - p0, c, block, out + 8 * b0 * c];
      };
      if (!helper || blocks < 2 || pixels * c < PARALLEL_MIN_COMBINE_FLOATS) {
        exports.channel_moments(...part(0, blocks));
        return;
      }
      const b0 = blocks >> 1;
      helper.start("channel_moments", part(0, b0));
      runThenJoin(helper, () => exports.channel_moments(...part(b0, blocks - b0)));
    },
    channelAffine({ a, sa, A, b, C, y, pixels, c, accumulate = false, relu = false }) {
      const flags = (b ? AFFINE_USE_B : 0) | (accumulate ? AFFINE_ACCUMULATE : 0) | (relu ? AFFINE_RELU : 0);
      const part = (p0: number, count: number) => {
        const shift = 4 * p0 * c;
        return [a + shift, sa, A, b ? b.x + shift : 0, b?.shift ?? 0, b?.scale ?? 0, C, y + shift, count, c, flags];
      };
      if (!helper || pixels < 2 || pixels * c < PARALLEL_MIN_COMBINE_FLOATS) {
        exports.channel_affine(...part(0, pixels));
        return;
      }
      const p0 = pixels >> 1;
      helper.start("channel_affine", part(0, p0));
      runThenJoin(helper, () => exports.channel_affine(...part(p0, pixels - p0)));
    },
    async dispose() {
      await helper?.dispose();
      helper = null;
    },
  };
}
