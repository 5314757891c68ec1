// The conv kernel of the WebAssembly backend for training. Two ways, both without packing:
// - implicit (dilation 1 across, ≤ 16 filters — LeNet's convs): `convNarrow` and
//   `convFilterGrad` run the narrow GEMM's register tiles straight on the image (a padded copy
//   in scratch when the conv pads), so no patch matrix is built at all;
// - kept patches (other ungrouped convs): forward builds the patch matrix once (`patches`) and
//   keeps it as the node's saved state for the filter gradient, `narrowGemm` reading it
//   transposed (≤ SAVED_PATCHES_MAX_FLOATS; larger layers rebuild it in backward in chunks).
// The bias gradient is `columnSums`, the input gradient GEMM + `addPatches` in chunks that stay
// in cache. Inference executors run the implicit forward too, and otherwise — like grouped and
// 1×1 convs — the reference kernel (on the backend's GEMM).
import type { BackwardCall, ForwardCall, Kernel, SizeQuery } from "../../kernel.ts";
import { convKernel, isPlainMatmul } from "../../reference/conv.ts";
import { samplesThatFit } from "../../reference/conv-geometry.ts";
import type { ConvWindow, WasmKernels } from "../host/kernels.ts";

/** 16 MiB of patches per layer at most (as the reference kernel's im2col scratch). */
const SAVED_PATCHES_MAX_FLOATS = 1 << 22;

/** Floats of patches (or their gradient) a chunk of samples may produce so they are still in
 * a 1 MiB L2 cache when read back. */
const CACHED_FLOATS = 1 << 17;

/** Up to this many filters, forward runs `narrowGemm` (one block of 16 columns). */
const NARROW_FILTERS = 16;

type ConvQuery = SizeQuery<"conv">;
type ConvCall = ForwardCall<"conv">;

/** Convs this kernel runs itself: ungrouped, with a real window. */
function handles(a: ConvQuery["attrs"]): boolean {
  return a.groups === 1 && !isPlainMatmul(a);
}

/** Convs it runs on the image directly (no patch matrix). */
function implicit(a: ConvQuery["attrs"]): boolean {
  return handles(a) && a.dilation[1] === 1 && a.filters <= NARROW_FILTERS;
}

function padded(a: ConvQuery["attrs"]): boolean {
  return a.pad.some((p) => p !== 0);
}

/** Floats of one sample's padded image. */
function paddedFloats({ attrs, inShapes }: Pick<ConvQuery, "attrs" | "inShapes">): number {
  const [h, w, c] = inShapes[0];
  const [top, bottom, left, right] = attrs.pad;
  return (h + top + bottom) * (w + left + right) * c;
}

/** Floats of one sample's patch matrix. */
function patchFloats({ attrs, inShapes, outShape }: Pick<ConvQuery, "attrs" | "inShapes" | "outShape">): number {
  return outShape[0] * outShape[1] * attrs.kernel[0] * attrs.kernel[1] * inShapes[0][2];
}

/** Floats of the filters packed transposed (Wᵀ as the input gradient's B) for any panel width
 * up to 16 — a bound for sizing, before the kernels exist. */
function packedFiltersBound({ attrs, inShapes }: Pick<ConvQuery, "attrs" | "inShapes">): number {
  const rowLen = attrs.kernel[0] * attrs.kernel[1] * inShapes[0][2];
  return Math.ceil(rowLen / 16) * 16 * attrs.filters + 4;
}

/** From this patch-row length (2 KB and more between a patch column's k steps, which then
 * crowd a few L1 sets), the filter gradient runs as the backend's GEMM on the patches packed
 * in panels rather than as `narrowGemm` reading them transposed in place (64→64 and 128→128
 * 3×3 layers of the CIFAR ResNet: 51–54 → 47–49 ms a backward; 32→32 ones lose with it). */
const PACKED_FILTER_GRAD_ROW_LEN = 512;

/** Output pixels a filter-gradient product should sum at least per call, so that writing dW
 * back (rowLen × filters floats) costs little next to the product. */
const MIN_FILTER_GRAD_ROWS = 256;

function geometry({ attrs, inShapes }: ConvCall, batch: number): ConvWindow {
  const [height, width, channels] = inShapes[0];
  return { batch, height, width, channels, kernel: attrs.kernel, stride: attrs.stride, pad: attrs.pad, dilation: attrs.dilation };
}

/** The reference conv with this kernel's sizes: what the arena must be planned with. */
export const wasmConvSizing: Kernel<"conv"> = {
  ...convKernel,
  scratchSize(query) {
    const reference = convKernel.scratchSize!(query);
    // A padded copy of at least one sample for the implicit convs.
    if (implicit(query.attrs)) return padded(query.attrs) ? Math.max(reference, paddedFloats(query)) : reference;
    // Training's patch path: the filters packed transposed once per backward, after the patches.
    return handles(query.attrs) && query.training ? reference + packedFiltersBound(query) : reference;
  },
  savedSize(query) {
    const floats = query.maxBatch * patchFloats(query);
    return query.training && handles(query.attrs) && !implicit(query.attrs) && floats <= SAVED_PATCHES_MAX_FLOATS ? floats : 0;
  },
};

export function wasmConv(kernels: WasmKernels): Kernel<"conv"> {
  const buffer = kernels.memory.buffer;
  const inMemory = (arrays: readonly (Float32Array | null | undefined)[]) => arrays.every((x) => !x || x.buffer === buffer);
  /** Whether the memory extends a vector past `floats` floats of x (whole-vector row reads). */
  const readable = (x: Float32Array, floats: number) => x.byteOffset + 4 * floats + 16 <= buffer.byteLength;
  /**
   * Calls `run(image, count, n0)` for chunks of the batch with `image` the address of sample n0
   * as the implicit kernels read it: the input itself, or when the conv pads, a padded copy of
   * `count` samples in scratch.
   */
  const forEachPaddedChunk = (call: ConvCall, run: (image: number, count: number, n0: number) => void) => {
    const { attrs, batch, inputs, scratch } = call;
    const [height, width, channels] = call.inShapes[0];
    if (!padded(attrs)) return run(inputs[0].byteOffset, batch, 0);
    const chunk = samplesThatFit(scratch, paddedFloats(call));
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      const images = { batch: count, height, width, channels };
      kernels.padImage(images, attrs.pad, inputs[0].byteOffset + 4 * n0 * height * width * channels, scratch.byteOffset);
      run(scratch.byteOffset, count, n0);
    }
  };
  /** The implicit kernels' geometry: `count` samples of the padded image. */
  const paddedGeometry = ({ attrs, inShapes }: ConvCall, count: number): ConvWindow => {
    const [top, bottom, left, right] = attrs.pad;
    const [height, width, channels] = inShapes[0];
    return {
      batch: count,
      height: height + top + bottom,
      width: width + left + right,
      channels,
      kernel: attrs.kernel,
      stride: attrs.stride,
      pad: [0, 0, 0, 0],
      dilation: attrs.dilation,
    };
  };
  /** Whether forward keeps the patches in `saved` (sized by savedSize for this call). */
  const keepsPatches = (call: ConvCall) =>
    handles(call.attrs) && call.saved.length >= call.batch * patchFloats(call) && inMemory([call.inputs[0], call.saved]);

  return {
    ...wasmConvSizing,
    forward(call) {
      const { attrs, output, params, scratch, activation } = call;
      const [kernel, bias] = params;
      const rowLen = patchFloats(call) / (call.outShape[0] * call.outShape[1]);
      if (implicit(attrs) && inMemory([call.inputs[0], kernel, bias, output, scratch]) && readable(kernel, rowLen * attrs.filters)) {
        const outFloats = call.outShape[0] * call.outShape[1] * attrs.filters;
        forEachPaddedChunk(call, (image, count, n0) =>
          kernels.convNarrow(paddedGeometry(call, count), {
            image,
            weights: kernel.byteOffset,
            filters: attrs.filters,
            out: output.byteOffset + 4 * n0 * outFloats,
            bias: bias?.byteOffset,
            activation: activation ?? undefined,
          }),
        );
        return;
      }
      if (keepsPatches(call)) return forwardThroughPatches(call, true);
      // Training only: inference keeps the reference kernel's whole-batch GEMM on cached weights.
      if (call.training && handles(attrs) && inMemory([call.inputs[0], kernel, bias, output, scratch])) return forwardThroughPatches(call, false);
      convKernel.forward(call);
    },

    backward(call) {
      const { attrs, batch, inputs, params, scratch, outGrad, inGrads, paramGrads } = call;
      const [dx] = inGrads;
      const [dKernel, dBias] = paramGrads;
      const filters = attrs.filters;
      const pixels = call.outShape[0] * call.outShape[1];
      const ours =
        handles(attrs) &&
        inMemory([inputs[0], params[0], outGrad, dx, dKernel, dBias, scratch]) &&
        readable(outGrad, batch * pixels * filters); // dY is read as narrowGemm's B
      if (!ours) return convKernel.backward(call);
      if (dBias) kernels.columnSums({ n: filters, k: batch * pixels, x: outGrad.byteOffset, out: dBias.byteOffset });
      if (dKernel && implicit(attrs)) {
        forEachPaddedChunk(call, (image, count, n0) =>
          kernels.convFilterGrad(paddedGeometry(call, count), { image, dy: outGrad.byteOffset + 4 * n0 * pixels * filters, filters, dw: dKernel.byteOffset }),
        );
        if (dx) inputGrad(call, dx);
      } else if (dKernel && keepsPatches(call)) {
        filterGradFromPatches(call, dKernel);
        if (dx) inputGrad(call, dx);
      } else {
        gradsThroughPatches(call, dKernel, dx);
      }
    },
  };

  /** Samples per chunk whose patch matrix (or its gradient) stays in cache: at least one per
   * thread, so that two threads each take a sample's patches (and their sums back into dX). */
  function cachedChunk(call: ConvCall, patchRows: number, rowLen: number): number {
    const fits = samplesThatFit(call.scratch, patchRows * rowLen);
    return Math.min(fits, Math.max(kernels.threads, Math.floor(CACHED_FLOATS / (patchRows * rowLen))));
  }

  /** Forward through the patch matrix, a cache-sized chunk of samples at a time: kept in `saved`
   * for backward, or in scratch. */
  function forwardThroughPatches(call: ConvCall, keep: boolean): void {
    const { attrs, batch, inputs, output, params, gemm, activation } = call;
    const store = keep ? call.saved : call.scratch;
    const [kernel, bias] = params;
    const filters = attrs.filters;
    const pixels = call.outShape[0] * call.outShape[1];
    const rowLen = patchFloats(call) / pixels;
    const imageFloats = call.inShapes[0][0] * call.inShapes[0][1] * call.inShapes[0][2];
    // narrowGemm reads the kernel's rows as whole vectors: up to 3 floats past its end.
    const narrow = filters <= NARROW_FILTERS && inMemory([kernel, bias, output]) && readable(kernel, rowLen * filters);
    let chunk = keep ? Math.max(1, Math.floor(CACHED_FLOATS / (pixels * rowLen))) : cachedChunk(call, pixels, rowLen);
    // Training plans room at the end of scratch to pack the filters once per forward (a GEMM
    // call would pack them again for every chunk).
    const packedFloats = kernels.packedBFloats(rowLen, filters);
    const packedAt = 4 * Math.floor((call.scratch.length - packedFloats) / 4);
    const prepacked = !narrow && call.training && packedAt >= (keep ? 0 : pixels * rowLen);
    if (prepacked) {
      if (!keep) chunk = Math.min(chunk, Math.floor(packedAt / (pixels * rowLen)));
      kernels.packB({ k: rowLen, n: filters, b: kernel.byteOffset, dst: call.scratch.byteOffset + 4 * packedAt });
    }
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      const [rows, row0] = [count * pixels, n0 * pixels];
      const at = keep ? row0 * rowLen : 0; // where this chunk's patches go in `store`
      kernels.patches(geometry(call, count), inputs[0].byteOffset + 4 * n0 * imageFloats, store.byteOffset + 4 * at);
      if (prepacked) {
        // prettier-ignore
        kernels.gemm({ m: rows, n: filters, k: rowLen, a: store.byteOffset + 4 * at, bPacked: call.scratch.byteOffset + 4 * packedAt,
          c: output.byteOffset + 4 * row0 * filters, bias: bias?.byteOffset, activation: activation ?? undefined });
        continue;
      }
      if (!narrow) {
        // prettier-ignore
        gemm.gemm(false, false, rows, filters, rowLen, store, at, rowLen, kernel, 0, filters, output, row0 * filters,
          filters, false, { bias, activation: activation ?? undefined });
        continue;
      }
      kernels.narrowGemm({
        m: rows,
        n: filters,
        k: rowLen,
        a: store.byteOffset + 4 * at,
        b: kernel.byteOffset,
        c: output.byteOffset + 4 * row0 * filters,
        bias: bias?.byteOffset,
        activation: activation ?? undefined,
      });
    }
  }

  /**
   * Both gradients from patches built again a cache-sized chunk at a time: dW += patchesᵀ·dY,
   * then the same scratch takes the patches' gradient dY·Wᵀ, added back into dX — so neither
   * matrix leaves the cache (a whole-batch patch matrix would go to memory and back twice).
   */
  function gradsThroughPatches(call: BackwardCall<"conv">, dKernel: Float32Array | null, dx: Float32Array | null): void {
    const { attrs, batch, inputs, params, scratch, outGrad } = call;
    const filters = attrs.filters;
    const pixels = call.outShape[0] * call.outShape[1];
    const rowLen = patchFloats(call) / pixels;
    const imageFloats = call.inShapes[0][0] * call.inShapes[0][1] * call.inShapes[0][2];
    // Wᵀ packed once at the end of scratch (not once per chunk, as a GEMM call would).
    const packedFloats = kernels.packedBFloats(filters, rowLen);
    const packedAt = 4 * Math.floor((scratch.length - packedFloats) / 4);
    const fits = Math.max(1, Math.floor(packedAt / (pixels * rowLen)));
    if (dx && packedAt < pixels * rowLen) return convKernel.backward(call); // planned otherwise
    if (dx) kernels.packB({ k: filters, n: rowLen, b: params[0].byteOffset, ldb: filters, transposed: true, dst: scratch.byteOffset + 4 * packedAt });
    const cached = Math.max(kernels.threads, Math.ceil(MIN_FILTER_GRAD_ROWS / pixels), Math.floor(CACHED_FLOATS / (pixels * rowLen)));
    const chunk = Math.min(fits, cached);
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      const dy = outGrad.byteOffset + 4 * n0 * pixels * filters;
      if (dKernel) {
        kernels.patches(geometry(call, count), inputs[0].byteOffset + 4 * n0 * imageFloats, scratch.byteOffset);
        filterGrad(call, dKernel, scratch, 0, n0, count);
      }
      if (!dx) continue;
      // The patches' gradient dY·Wᵀ, over this chunk's patches.
      kernels.gemm({ m: count * pixels, n: rowLen, k: filters, a: dy, bPacked: scratch.byteOffset + 4 * packedAt, c: scratch.byteOffset });
      kernels.addPatches(geometry(call, count), scratch.byteOffset, dx.byteOffset + 4 * n0 * imageFloats);
    }
  }

  /** dW += patchesᵀ·dY for `count` samples from n0, their patches at `patches[at…]`. */
  function filterGrad(call: BackwardCall<"conv">, dKernel: Float32Array, patches: Float32Array, at: number, n0: number, count: number): void {
    const { attrs, outGrad } = call;
    const filters = attrs.filters;
    const pixels = call.outShape[0] * call.outShape[1];
    const rowLen = patchFloats(call) / pixels;
    if (rowLen >= PACKED_FILTER_GRAD_ROW_LEN) {
      // prettier-ignore
      call.gemm.gemm(true, false, rowLen, filters, count * pixels, patches, at, rowLen, outGrad, n0 * pixels * filters, filters,
        dKernel, 0, filters, true);
      return;
    }
    // prettier-ignore
    kernels.narrowGemm({ m: rowLen, n: filters, k: count * pixels, a: patches.byteOffset + 4 * at, aRowStride: 1, aColStride: rowLen,
      b: outGrad.byteOffset + 4 * n0 * pixels * filters, c: dKernel.byteOffset, accumulate: true });
  }

  /** dW += patchesᵀ·dY from the kept patches. */
  function filterGradFromPatches(call: BackwardCall<"conv">, dKernel: Float32Array): void {
    const { attrs, batch, inputs, saved, scratch, outGrad } = call;
    const pixels = call.outShape[0] * call.outShape[1];
    const rowLen = patchFloats(call) / pixels;
    const imageFloats = call.inShapes[0][0] * call.inShapes[0][1] * call.inShapes[0][2];
    const kept = keepsPatches(call);
    const chunk = kept ? batch : samplesThatFit(scratch, pixels * rowLen);
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      if (!kept) kernels.patches(geometry(call, count), inputs[0].byteOffset + 4 * n0 * imageFloats, scratch.byteOffset);
      filterGrad(call, dKernel, kept ? saved : scratch, 0, n0, count);
    }
  }

  /** dX += col2im(dY·Wᵀ), in chunks whose patch gradients stay in cache until addPatches. */
  function inputGrad(call: BackwardCall<"conv">, dx: Float32Array): void {
    const { attrs, batch, params, scratch, gemm, outGrad } = call;
    const filters = attrs.filters;
    const pixels = call.outShape[0] * call.outShape[1];
    const rowLen = patchFloats(call) / pixels;
    const imageFloats = call.inShapes[0][0] * call.inShapes[0][1] * call.inShapes[0][2];
    const chunk = Math.min(samplesThatFit(scratch, pixels * rowLen), Math.max(1, Math.floor(CACHED_FLOATS / (pixels * rowLen))));
    for (let n0 = 0; n0 < batch; n0 += chunk) {
      const count = Math.min(chunk, batch - n0);
      // prettier-ignore
      gemm.gemm(false, true, count * pixels, rowLen, filters,
        outGrad, n0 * pixels * filters, filters, // A: this chunk's output gradient
        params[0], 0, filters, // Bᵀ: the filters, transposed
        scratch, 0, rowLen, false); // the patches' gradient
      kernels.addPatches(geometry(call, count), scratch.byteOffset, dx.byteOffset + 4 * n0 * imageFloats);
    }
  }
}
