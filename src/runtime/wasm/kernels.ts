// The public face of the WebAssembly kernels: they work in place on a caller-supplied
// WebAssembly.Memory, addressed by byte offsets, so the runtime's arena is the kernels' memory
// and no call copies tensors. Sizes and strides are in elements (floats).
import type { Pad4 } from "../ops.ts";
import { epilogueFlags, type FusedActivation } from "./epilogue.ts";
import { detectRelaxedSimd } from "./features.ts";
import { packedBFloats } from "./gemm-kernel.ts";
import { compileKernelModule, type KernelModuleConfig } from "./kernels-module.ts";
import type { Helper } from "./thread-pool.ts";
import { wasm, type WasmMemory } from "./webassembly-api.ts";

export type { FusedActivation } from "./epilogue.ts";

export interface WasmKernelOptions {
  /** Fused multiply-add kernels (relaxed SIMD). "auto" (default): when the engine has them. */
  readonly fma?: boolean | "auto";
  /** Threads a GEMM may use, the caller's included: 1 (default) or 2. 2 needs a shared memory. */
  readonly threads?: 1 | 2;
  /** GEMM register tile: rows × 4·vectors columns. Default 3×12 with FMA, 4×8 without. */
  readonly tile?: { readonly rows: number; readonly vectors: number };
  /** Below this many multiply-adds (default 2²², measured by bench/thread-threshold.ts) a GEMM
   * stays on one thread: waking the parked helper costs ~60 µs. */
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
  readonly activation?: FusedActivation;
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

/** An NHWC convolution window over a [batch, height, width, channels] image. */
export interface ConvGeometry {
  readonly batch: number;
  readonly height: number;
  readonly width: number;
  readonly channels: number;
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  /** [top, bottom, left, right] */
  readonly pad: Pad4;
  readonly dilation: readonly [number, number];
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
  /** Writes rows (b, oy, ox) of kh·kw·C floats in (ky, kx, c) order at `cols`. */
  im2col(g: ConvGeometry, image: number, cols: number): void;
  /** Adds each column row back into `image` (the adjoint of im2col; zero `image` first). */
  col2im(g: ConvGeometry, cols: number, image: number): void;
  /** Depthwise conv, multiplier 1: weights [kh, kw, C], bias C floats; writes [batch, oh, ow, C]. */
  depthwise(
    g: ConvGeometry,
    args: { readonly image: number; readonly weights: number; readonly bias?: number; readonly activation?: FusedActivation; readonly out: number },
  ): void;
  /** Stops helper threads. */
  dispose(): Promise<void>;
}

/** [outHeight, outWidth] of a convolution window. */
export function convOutputSize(g: ConvGeometry): [number, number] {
  const [kh, kw] = g.kernel;
  const [sh, sw] = g.stride;
  const [dh, dw] = g.dilation;
  const [top, bottom, left, right] = g.pad;
  return [
    Math.floor((g.height + top + bottom - dh * (kh - 1) - 1) / sh) + 1,
    Math.floor((g.width + left + right - dw * (kw - 1) - 1) / sw) + 1,
  ];
}

function geometryArgs(g: ConvGeometry): number[] {
  const [oh, ow] = convOutputSize(g);
  return [g.batch, g.height, g.width, g.channels, ...g.kernel, ...g.stride, g.pad[0], g.pad[2], ...g.dilation, oh, ow];
}

const HELPER_EXPORTS = ["gemm"];

/** Runs the caller's share, then waits for the helper's, even when the caller's share traps. */
function runThenJoin(helper: Helper, ownShare: () => void): void {
  try {
    ownShare();
  } finally {
    helper.finish();
  }
}

interface KernelExports {
  gemm(...args: number[]): void;
  pack_b(...args: number[]): void;
  im2col(...args: number[]): void;
  col2im(...args: number[]): void;
  depthwise(...args: number[]): void;
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

function moduleConfig(memory: WasmMemory, fma: boolean, tile = defaultTile(fma)): KernelModuleConfig {
  return { sharedMemory: isShared(memory), gemm: { mr: tile.rows, nv: tile.vectors, fma } };
}

function defaultTile(fma: boolean): { rows: number; vectors: number } {
  return fma ? { rows: 3, vectors: 3 } : { rows: 4, vectors: 2 };
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
  const parallelMinMacs = options.parallelMinMacs ?? 1 << 22;
  const threads = startedHelper ? 2 : 1;
  let helper = startedHelper;

  const gemmArgs = (g: GemmArgs, m: number, n: number, a: number, b: number, c: number, bias: number) => {
    const aRow = 4 * (g.aRowStride ?? g.k);
    const aCol = 4 * (g.aColStride ?? 1);
    const ldc = 4 * (g.ldc ?? g.n);
    const flags = epilogueFlags({ accumulate: g.accumulate, bias: g.bias !== undefined, activation: g.activation });
    return [m, n, g.k, a, aRow, aCol, b, c, ldc, bias, flags];
  };

  const gemm = (g: GemmArgs) => {
    const bias = g.bias ?? 0;
    if (!helper || g.m * g.n * g.k < parallelMinMacs) {
      exports.gemm(...gemmArgs(g, g.m, g.n, g.a, g.bPacked, g.c, bias));
      return;
    }
    const panels = Math.ceil(g.n / panelWidth);
    if (g.n >= g.m && panels >= 2) {
      // Split the panels: the helper takes the first half.
      const n0 = Math.ceil(panels / 2) * panelWidth;
      helper.start("gemm", gemmArgs(g, g.m, n0, g.a, g.bPacked, g.c, bias));
      runThenJoin(helper, () =>
        exports.gemm(...gemmArgs(g, g.m, g.n - n0, g.a, g.bPacked + 4 * n0 * g.k, g.c + 4 * n0, bias + 4 * n0)),
      );
    } else {
      // Tall: split rows on a tile boundary.
      const m0 = Math.max(tile.rows, Math.round(g.m / 2 / tile.rows) * tile.rows);
      const aRow = g.aRowStride ?? g.k;
      helper.start("gemm", gemmArgs(g, m0, g.n, g.a, g.bPacked, g.c, bias));
      runThenJoin(helper, () =>
        exports.gemm(...gemmArgs(g, g.m - m0, g.n, g.a + 4 * m0 * aRow, g.bPacked, g.c + 4 * m0 * (g.ldc ?? g.n), bias)),
      );
    }
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
    im2col: (g, image, cols) => exports.im2col(image, ...geometryArgs(g), cols),
    col2im: (g, cols, image) => exports.col2im(image, ...geometryArgs(g), cols),
    depthwise(g, { image, weights, bias, activation, out }) {
      const flags = epilogueFlags({ bias: bias !== undefined, activation });
      exports.depthwise(image, ...geometryArgs(g), weights, bias ?? 0, flags, out);
    },
    async dispose() {
      await helper?.dispose();
      helper = null;
    },
  };
}
