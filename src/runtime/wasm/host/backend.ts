// The executor's Backend over the WebAssembly SIMD kernels (src/runtime/wasm/): every GEMM packs
// its B operand into the backend's workspace (a slice of K rows at a time, so any size fits) and
// runs the SIMD GEMM in place on the executor's arena, with bias and activation fused into the
// write-back; depthwise forward (multiplier 1) and the conv kernels' im2col/col2im run the SIMD
// kernels. In inference executors, weight matrices are packed once and cached until the
// executor's paramsChanged(). Operands outside the kernels' memory fall back to JavaScript.
import { createArena } from "../../exec/arena.ts";
import type { Backend } from "../../exec/backend.ts";
import type { Executor, ExecutorOptions } from "../../exec/executor.ts";
import { createExecutor } from "../../exec/executor.ts";
import type { FusedActivation, Gemm } from "../../gemm.ts";
import { jsGemm } from "../../gemm.ts";
import type { Kernel } from "../../kernel.ts";
import type { Program } from "../../ops.ts";
import { planMemory } from "../../exec/plan.ts";
import type { ConvGeometry } from "../../reference/conv-geometry.ts";
import { col2imAdd, im2col } from "../../reference/conv-geometry.ts";
import { softmaxRows, softmaxRowsGrad } from "../../reference/attention.ts";
import type { ConvWindow, WasmKernelOptions, WasmKernels } from "./kernels.ts";
import { createWasmKernels } from "./kernels.ts";
import { detectSimd } from "./features.ts";
import { packStrassenB, strassenGemm, strassenPackedFloats, strassenPays } from "./strassen.ts";
import { attentionWorkspaceFloats } from "../gen/attention-kernel.ts";
import { wasmLayerKernels } from "../ops/layer-kernels.ts";
import { wasmConv, wasmConvSizing } from "../ops/conv.ts";
import { wasmDepthwise, wasmDepthwiseSizing } from "../ops/depthwise.ts";
import { wasmBatchnorm, wasmBatchnormSizing } from "../ops/batchnorm.ts";

/** Default workspace: 4 MiB of packed B panels. */
const DEFAULT_WORKSPACE_BYTES = 1 << 22;
/** Of an inference executor's workspace, what packs B per call; the rest caches packed weights. */
const STAGING_BYTES = DEFAULT_WORKSPACE_BYTES;

/**
 * Bytes to cache every weight matrix of an inference program packed (an upper bound: each
 * tensor with its rows padded by a full panel), capped; training executors repack every step.
 */
function packedWeightBytes(program: Program, training: boolean): number {
  if (training) return 0;
  let floats = 0;
  for (const node of program.nodes) {
    for (const spec of node.params) {
      if (spec.shape.length < 2) continue;
      const size = spec.shape.reduce((a, d) => a * d, 1);
      const rows = size / spec.shape[spec.shape.length - 1]!;
      // Packed as is, or as Strassen's seven quarter sums (7/4 of it, a panel of padding each).
      floats += Math.max(size + rows * MAX_PANEL_WIDTH, (7 / 4) * size + 7 * (rows / 2) * MAX_PANEL_WIDTH) + 4;
    }
  }
  return Math.min(4 * floats, MAX_PACKED_CACHE_BYTES);
}

/** Beyond this (VGG-sized models), the remaining weights are packed per call as in training. */
const MAX_PACKED_CACHE_BYTES = 256 << 20;

/** The widest packed panel the default tiles use (2×16 with FMA). */
const MAX_PANEL_WIDTH = 16;

/**
 * Packed copies of weight matrices, keyed by where and how B was read, in a slice of the
 * workspace; valid until `clear` (the executor's paramsChanged). Only B inside the constant
 * region [0, constantBytes) qualifies.
 */
class PackedWeights {
  private readonly at = new Map<string, number>();
  private used = 0;
  // Plain fields, not parameter properties: `netc compile` inlines this file into modules that
  // must stay erasable TypeScript (Node's type stripping).
  private readonly base: number;
  private readonly bytes: number;
  private readonly constantBytes: number;
  constructor(base: number, bytes: number, constantBytes: number) {
    this.base = base;
    this.bytes = bytes;
    this.constantBytes = constantBytes;
  }

  /** Where B is packed (packing it now if it is new), or -1 when it cannot be cached. */
  lookup(kernels: WasmKernels, b: number, k: number, n: number, ldb: number, transposed: boolean): number {
    return this.find(b, k, n, ldb, `${transposed}`, 4 * kernels.packedBFloats(k, n), (dst) =>
      kernels.packB({ k, n, b, ldb, transposed, dst }),
    );
  }

  /** As lookup, for B packed as Strassen's seven quarter sums (summed in `temp`). */
  lookupStrassen(kernels: WasmKernels, b: number, k: number, n: number, ldb: number, temp: number): number {
    return this.find(b, k, n, ldb, "strassen", 4 * strassenPackedFloats(kernels, k, n), (dst) =>
      packStrassenB(kernels, { k, n, b, ldb, dst, temp }),
    );
  }

  private find(b: number, k: number, n: number, ldb: number, form: string, size: number, pack: (dst: number) => void): number {
    const end = b + 4 * (form === "true" ? (n - 1) * ldb + k : (k - 1) * ldb + n);
    if (end > this.constantBytes) return -1;
    const key = `${b},${k},${n},${ldb},${form}`;
    const found = this.at.get(key);
    if (found !== undefined) return found;
    if (this.used + size > this.bytes) return -1;
    const dst = this.base + this.used;
    pack(dst);
    this.used += Math.ceil(size / 16) * 16;
    this.at.set(key, dst);
    return dst;
  }

  clear(): void {
    this.at.clear();
    this.used = 0;
  }
}

/**
 * A backend for an executor created with `{ memory: kernels.memory }` (the kernels must have
 * been instantiated on the memory the executor runs in; size it with `planMemory`).
 */
export function wasmBackend(kernels: WasmKernels, workspaceBytes = DEFAULT_WORKSPACE_BYTES): Backend {
  return {
    workspaceBytes,
    sharedMemory: kernels.threads === 2,
    kernels: { depthwise: wasmDepthwise(kernels), conv: wasmConv(kernels), batchnorm: wasmBatchnorm(kernels), ...wasmLayerKernels(kernels) },
    bind(arena) {
      if (arena.memory !== kernels.memory) return jsGemm;
      const cacheBytes = arena.constantBytes ? Math.max(0, arena.workspaceBytes - STAGING_BYTES) : 0;
      const staging = Math.floor((arena.workspaceBytes - cacheBytes) / 4);
      const cache = new PackedWeights(arena.workspaceOffset + 4 * staging, cacheBytes, arena.constantBytes ?? 0);
      return wasmGemm(kernels, arena.workspaceOffset, staging, cache);
    },
  };
}

export interface WasmExecutor {
  readonly executor: Executor;
  /** Whether the WebAssembly kernels run (false: the engine could not give a WebAssembly memory
   * that large, and the executor runs the JavaScript kernels). */
  readonly accelerated: boolean;
  /** Stops the kernels' helper thread, if any. */
  dispose(): Promise<void>;
}

/**
 * The memory createWasmExecutor runs on — the planned arena plus the backend's workspace (staging
 * and packed-weight cache) — or null where the engine refuses one that large; synchronous, for
 * callers that instantiate the kernels themselves (the standalone module of `netc compile`).
 */
export function createWasmArena(
  program: Program,
  options: Omit<ExecutorOptions, "backend" | "memory"> & { readonly workspaceBytes?: number },
  shared: boolean,
) {
  const workspaceBytes = (options.workspaceBytes ?? DEFAULT_WORKSPACE_BYTES) + packedWeightBytes(program, options.training);
  // The backend's kernels plan their own sizes (the training conv keeps its patches).
  const sizing: Backend = { workspaceBytes, sharedMemory: shared, kernels: { conv: wasmConvSizing, depthwise: wasmDepthwiseSizing, batchnorm: wasmBatchnormSizing }, bind: () => jsGemm };
  const { memory } = createArena(planMemory(program, { ...options, backend: sizing }).totalBytes, shared);
  return { memory, workspaceBytes };
}

/**
 * An executor on the WebAssembly kernels: plans the arena, makes it a WebAssembly memory (shared
 * for 2 threads), instantiates the kernels on it (asynchronous), then builds the executor over it.
 */
export async function createWasmExecutor(
  program: Program,
  options: Omit<ExecutorOptions, "backend" | "memory"> & {
    readonly wasm?: WasmKernelOptions;
    readonly workspaceBytes?: number;
  },
): Promise<WasmExecutor> {
  const shared = options.wasm?.threads === 2; // only helper threads need a shared memory
  const { memory, workspaceBytes } = createWasmArena(program, options, shared);
  // No WebAssembly memory this large, or an engine without SIMD: the JavaScript kernels.
  if (!memory || !detectSimd()) return { executor: createExecutor(program, options), accelerated: false, dispose: async () => {} };
  const kernels = await createWasmKernels(memory, options.wasm);
  const executor = createExecutor(program, { ...options, backend: wasmBackend(kernels, workspaceBytes), memory });
  return { executor, accelerated: true, dispose: () => kernels.dispose() };
}

/** The SIMD col2im takes whole pixels (no groups), a vector of channels at a time: with fewer
 * than 4 channels the JavaScript copy's contiguous row runs are as fast. */
function simdPatches(g: ConvGeometry, groupC: number): boolean {
  return groupC === g.c && g.c >= 4;
}

/** The runtime's conv geometry as the WASM kernels take it, for `batch` images. */
function wasmGeometry(g: ConvGeometry, batch: number): ConvWindow {
  return {
    batch,
    height: g.h,
    width: g.w,
    channels: g.c,
    kernel: [g.kh, g.kw],
    stride: [g.strideH, g.strideW],
    pad: g.pad,
    dilation: [g.dilationH, g.dilationW],
  };
}

function wasmGemm(kernels: WasmKernels, workspace: number, workspaceFloats: number, cache: PackedWeights): Gemm {
  const buffer = kernels.memory.buffer;
  const panel = kernels.panelWidth;
  /**
   * op(A)·B with A stored transposed ([k, m], row stride lda: a weight gradient Xᵀ·dY). Read in
   * place, each k step of a row tile is a row of A lda floats further on — with lda a multiple
   * of 512 bytes, all in one or two L1 sets, so every load misses. Instead each slice of K rows
   * of A is packed as packB packs B (panels of `panel` columns, each k step's panel row one
   * 64-byte line), and every panel of C's rows is a GEMM reading it with strides (1, panel).
   * False when the workspace cannot hold a slice of both.
   */
  function transposedAGemm(
    m: number, n: number, k: number, a: number, lda: number, b: Float32Array, bOff: number, ldb: number, transB: boolean,
    c: number, ldc: number, accumulate: boolean, bias: number | undefined, activation: FusedActivation | undefined,
  ): boolean {
    const [paddedM, paddedN] = [Math.ceil(m / panel) * panel, Math.ceil(n / panel) * panel];
    const kStep = Math.floor(workspaceFloats / (paddedM + paddedN));
    if (kStep < 1) return false;
    const aPacked = workspace + 4 * kStep * paddedN;
    for (let k0 = 0; k0 < k; k0 += kStep) {
      const rows = Math.min(kStep, k - k0);
      const last = k0 + rows >= k;
      kernels.packB({ k: rows, n, b: b.byteOffset + 4 * (bOff + (transB ? k0 : k0 * ldb)), ldb, transposed: transB, dst: workspace });
      kernels.packB({ k: rows, n: m, b: a + 4 * k0 * lda, ldb: lda, dst: aPacked });
      for (let i0 = 0; i0 < m; i0 += panel) {
        kernels.gemm({
          m: Math.min(panel, m - i0),
          n,
          k: rows,
          a: aPacked + 4 * i0 * rows,
          aRowStride: 1,
          aColStride: panel,
          bPacked: workspace,
          c: c + 4 * i0 * ldc,
          ldc,
          accumulate: accumulate || k0 > 0,
          bias: last ? bias : undefined,
          activation: last ? activation : undefined,
        });
      }
    }
    return true;
  }

  return {
    paramsChanged: () => cache.clear(),
    softmaxRows(scores, at, rows, len, scale, causal, offset) {
      if (scores.buffer !== buffer) return softmaxRows(scores, at, rows, len, scale, causal, offset);
      kernels.softmaxRows({ p: scores.byteOffset + 4 * at, rows, len, scale, causalOffset: causal ? offset : undefined });
    },
    attentionHeads(buf, at, t, s, ld, d, heads, scale, causal) {
      if (buf.buffer !== buffer || kernels.threads * attentionWorkspaceFloats(t, s, d, panel) > workspaceFloats) return false;
      const byte = (offset: number) => buf.byteOffset + 4 * offset;
      kernels.attentionHeads({
        q: byte(at.q),
        k: byte(at.k),
        v: byte(at.v),
        out: byte(at.a),
        t,
        s,
        ld,
        d,
        heads,
        scale,
        causalOffset: causal ? 0 : undefined,
        workspace,
      });
      return true;
    },
    softmaxRowsGrad(y, yAt, dy, dyAt, dx, dxAt, rows, len, scale, accumulate) {
      if (y.buffer !== buffer || dy.buffer !== buffer || dx.buffer !== buffer) {
        return softmaxRowsGrad(y, yAt, dy, dyAt, dx, dxAt, rows, len, scale, accumulate);
      }
      const at = (array: Float32Array, offset: number) => array.byteOffset + 4 * offset;
      kernels.softmaxGrad({ y: at(y, yAt), dy: at(dy, dyAt), dx: at(dx, dxAt), rows, len, scale, accumulate });
    },
    im2col(g, image, n0, count, channel0, groupC, cols) {
      // The SIMD im2col moves whole window rows, so it wins at any channel count.
      if (groupC !== g.c || image.buffer !== buffer || cols.buffer !== buffer) {
        im2col(g, image, n0, count, channel0, groupC, cols);
        return;
      }
      kernels.im2col(wasmGeometry(g, count), image.byteOffset + 4 * n0 * g.h * g.w * g.c, cols.byteOffset);
    },
    col2imAdd(g, cols, n0, count, channel0, groupC, image) {
      if (!simdPatches(g, groupC) || image.buffer !== buffer || cols.buffer !== buffer) {
        col2imAdd(g, cols, n0, count, channel0, groupC, image);
        return;
      }
      kernels.col2im(wasmGeometry(g, count), cols.byteOffset, image.byteOffset + 4 * n0 * g.h * g.w * g.c);
    },
    gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, epilogue) {
      const paddedN = Math.ceil(n / panel) * panel;
      const kStep = Math.floor(workspaceFloats / paddedN);
      const bias = epilogue?.bias;
      const foreign = [a, b, c, ...(bias ? [bias] : [])].some((x) => x.buffer !== buffer);
      if (foreign || kStep < 1 || m === 0 || n === 0 || k === 0) {
        jsGemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate, epilogue);
        return;
      }
      const at = (array: Float32Array, offset: number) => array.byteOffset + 4 * offset;
      const biasAt = bias ? at(bias, epilogue?.biasOffset ?? 0) : undefined;
      // Constant weights, many rows: Strassen, its sums in the staging workspace (free here).
      if (!transA && !transB && !accumulate && strassenPays(m, k, n, kernels.threads) && (k / 2) * (n / 2) <= workspaceFloats) {
        const quarters = cache.lookupStrassen(kernels, at(b, bOff), k, n, ldb, workspace);
        if (quarters >= 0) {
          strassenGemm(kernels, {
            m,
            n,
            k,
            a: at(a, aOff),
            lda,
            packed: quarters,
            c: at(c, cOff),
            ldc,
            bias: biasAt,
            activation: epilogue?.activation,
            workspace,
            workspaceFloats,
          });
          return;
        }
      }
      const packed = cache.lookup(kernels, at(b, bOff), k, n, ldb, transB);
      if (packed >= 0) {
        kernels.gemm({
          m,
          n,
          k,
          a: at(a, aOff),
          aRowStride: transA ? 1 : lda,
          aColStride: transA ? lda : 1,
          bPacked: packed,
          c: at(c, cOff),
          ldc,
          accumulate,
          bias: biasAt,
          activation: epilogue?.activation,
        });
        return;
      }
      if (transA && transposedAGemm(m, n, k, at(a, aOff), lda, b, bOff, ldb, transB, at(c, cOff), ldc, accumulate, biasAt, epilogue?.activation)) return;
      for (let k0 = 0; k0 < k; k0 += kStep) {
        const rows = Math.min(kStep, k - k0);
        const last = k0 + rows >= k;
        // B rows k0… (columns k0… of the stored matrix when transposed).
        kernels.packB({
          k: rows,
          n,
          b: at(b, bOff + (transB ? k0 : k0 * ldb)),
          ldb,
          transposed: transB,
          dst: workspace,
        });
        kernels.gemm({
          m,
          n,
          k: rows,
          a: at(a, aOff + (transA ? k0 * lda : k0)),
          aRowStride: transA ? 1 : lda,
          aColStride: transA ? lda : 1,
          bPacked: workspace,
          c: at(c, cOff),
          ldc,
          accumulate: accumulate || k0 > 0,
          // The epilogue belongs after the whole sum.
          bias: last ? biasAt : undefined,
          activation: last ? epilogue?.activation : undefined,
        });
      }
    },
  };
}
