// im2col / col2im for NHWC images: the patch matrix of a convolution has one row per output
// pixel and one column per (ky, kx, c), which is exactly the row order of a Keras kernel
// [k_h, k_w, C, filters] flattened to a (k_h·k_w·C)×filters matrix.
import type { Pad4 } from "../ops.ts";

export interface ConvGeometry {
  /** Image (the convolution's input) size and channel count. */
  readonly h: number;
  readonly w: number;
  readonly c: number;
  /** Output size of the convolution. */
  readonly outH: number;
  readonly outW: number;
  readonly kh: number;
  readonly kw: number;
  readonly strideH: number;
  readonly strideW: number;
  readonly pad: Pad4;
  readonly dilationH: number;
  readonly dilationW: number;
}

/**
 * Writes patch rows for samples [n0, n0 + count) into cols: row r = (n - n0)·outH·outW + pixel,
 * columns (ky·kw + kx)·groupC + c for channels [channel0, channel0 + groupC). Padding reads 0.
 */
export function im2col(
  g: ConvGeometry,
  image: Float32Array,
  n0: number,
  count: number,
  channel0: number,
  groupC: number,
  cols: Float32Array,
): void {
  const { h, w, c, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW } = g;
  const top = g.pad[0];
  const left = g.pad[2];
  const rowLen = kh * kw * groupC;
  const contiguous = dilationW === 1 && groupC === c;
  let r = 0;
  for (let n = n0; n < n0 + count; n++) {
    const imageBase = n * h * w * c + channel0;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, r++) {
        let dst = r * rowLen;
        const ix0 = ox * strideW - left;
        const rowContiguous = contiguous && ix0 >= 0 && ix0 + kw <= w;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strideH - top + ky * dilationH;
          if (iy < 0 || iy >= h) {
            cols.fill(0, dst, dst + kw * groupC);
            dst += kw * groupC;
            continue;
          }
          if (rowContiguous) {
            // The kernel row reads kw whole pixels side by side: one contiguous run.
            const src = imageBase + (iy * w + ix0) * c;
            for (let t = 0; t < kw * c; t++) cols[dst + t] = image[src + t];
            dst += kw * c;
            continue;
          }
          for (let kx = 0; kx < kw; kx++, dst += groupC) {
            const ix = ix0 + kx * dilationW;
            if (ix < 0 || ix >= w) {
              cols.fill(0, dst, dst + groupC);
              continue;
            }
            const src = imageBase + (iy * w + ix) * c;
            for (let ch = 0; ch < groupC; ch++) cols[dst + ch] = image[src + ch];
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds each patch entry back onto the image pixel it came from. */
export function col2imAdd(
  g: ConvGeometry,
  cols: Float32Array,
  n0: number,
  count: number,
  channel0: number,
  groupC: number,
  image: Float32Array,
): void {
  const { h, w, c, outH, outW, kh, kw, strideH, strideW, dilationH, dilationW } = g;
  const top = g.pad[0];
  const left = g.pad[2];
  const rowLen = kh * kw * groupC;
  const contiguous = dilationW === 1 && groupC === c;
  let r = 0;
  for (let n = n0; n < n0 + count; n++) {
    const imageBase = n * h * w * c + channel0;
    for (let oy = 0; oy < outH; oy++) {
      for (let ox = 0; ox < outW; ox++, r++) {
        let src = r * rowLen;
        const ix0 = ox * strideW - left;
        const rowContiguous = contiguous && ix0 >= 0 && ix0 + kw <= w;
        for (let ky = 0; ky < kh; ky++) {
          const iy = oy * strideH - top + ky * dilationH;
          if (iy < 0 || iy >= h) {
            src += kw * groupC;
            continue;
          }
          if (rowContiguous) {
            const dst = imageBase + (iy * w + ix0) * c;
            for (let t = 0; t < kw * c; t++) image[dst + t] += cols[src + t];
            src += kw * c;
            continue;
          }
          for (let kx = 0; kx < kw; kx++, src += groupC) {
            const ix = ix0 + kx * dilationW;
            if (ix < 0 || ix >= w) continue;
            const dst = imageBase + (iy * w + ix) * c;
            for (let ch = 0; ch < groupC; ch++) image[dst + ch] += cols[src + ch];
          }
        }
      }
    }
  }
}

/** Patch matrices are built a few samples at a time so scratch stays bounded (~16 MiB). */
const COLS_BUDGET_FLOATS = 1 << 22;

export function samplesPerChunk(rowsPerSample: number, rowLen: number, maxBatch: number): number {
  return Math.max(1, Math.min(maxBatch, Math.floor(COLS_BUDGET_FLOATS / (rowsPerSample * rowLen))));
}

/** How many samples' patch rows fit in the scratch the executor gave us (at least one). */
export function samplesThatFit(scratch: Float32Array, floatsPerSample: number): number {
  return Math.max(1, Math.floor(scratch.length / floatsPerSample));
}

/** Adds bias[j] to every row of an rows×cols matrix. */
export function addBias(out: Float32Array, rows: number, cols: number, bias: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    for (let j = 0; j < cols; j++) out[o + j] += bias[j];
  }
}

/** grad[j] += Σ_rows outGrad[r, j]. */
export function addBiasGrad(outGrad: Float32Array, rows: number, cols: number, grad: Float32Array): void {
  for (let r = 0, o = 0; r < rows; r++, o += cols) {
    for (let j = 0; j < cols; j++) grad[j] += outGrad[o + j];
  }
}
