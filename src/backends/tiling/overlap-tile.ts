// U-Net's overlap-tile inference for images of any size: pad each image (mirroring), cut tiles of the
// model's input size, run them through the model in batches (tiles of several images share a
// batch), and stitch the kept centre of every output tile into the full-size prediction.
import { planTiles, type Shape3, type TileGeometry } from "./plan.ts";
import { padImage, type PadMode } from "./pad-image.ts";

/**
 * Runs the model on n tiles, [n, T_h, T_w, C] flattened; returns [n, O_h, O_w, K] flattened.
 * The result may be longer than n·O_h·O_w·K (an executor's buffer); only that prefix is read.
 */
export type PredictBatch = (tiles: Float32Array, n: number) => Float32Array;

export interface OverlapTileOptions {
  /** Most tiles per predictBatch call. */
  readonly batch: number;
  /** How the image is extended past its borders (default: mirror, as U-Net). */
  readonly pad?: PadMode;
}

/** Where a tile's kept output goes. */
interface Slot {
  readonly image: number;
  readonly row: number;
  readonly col: number;
}

/**
 * Predicts images [N, H, W, C] (flattened, any H and W) tile by tile.
 * Returns the stitched prediction [N, H, W, K].
 */
export function overlapTile(
  images: Float32Array,
  shape: readonly [number, number, number, number],
  geometry: TileGeometry,
  predictBatch: PredictBatch,
  options: OverlapTileOptions,
): { data: Float32Array; shape: [number, number, number, number] } {
  const [count, h, w, c] = shape;
  const [tileH, tileW, tileC] = geometry.input;
  const [outH, outW, k] = geometry.output;
  if (!(h >= 1 && w >= 1)) throw new Error(`overlap-tile: images must be at least 1×1, got ${h}×${w}`);
  if (c !== tileC) throw new Error(`overlap-tile: images have ${c} channels, the model expects ${tileC}`);
  if (images.length !== count * h * w * c) {
    throw new Error(`overlap-tile: got ${images.length} values, expected ${count}·${h}·${w}·${c} for images [${shape.join(", ")}]`);
  }
  if (!Number.isInteger(options.batch) || options.batch < 1) throw new Error(`overlap-tile: batch must be a positive integer, got ${options.batch}`);

  const plan = planTiles(geometry, h, w);
  const [stepH, stepW] = plan.step;
  const canvasShape: Shape3 = [h + plan.pad[0] + plan.pad[1], w + plan.pad[2] + plan.pad[3], c];
  const tileSize = tileH * tileW * c;
  const outSize = outH * outW * k;
  const result = new Float32Array(count * h * w * k);
  const tiles = new Float32Array(options.batch * tileSize);
  const slots: Slot[] = [];

  const flush = (): void => {
    const n = slots.length;
    const predicted = predictBatch(tiles.subarray(0, n * tileSize), n);
    if (predicted.length < n * outSize) {
      throw new Error(`overlap-tile: the model returned ${predicted.length} values for ${n} tiles, expected ${n}·${outH}·${outW}·${k} = ${n * outSize}`);
    }
    slots.forEach((slot, i) => stitch(predicted.subarray(i * outSize, (i + 1) * outSize), slot));
    slots.length = 0;
  };

  // Copy the kept centre of one output tile into the result, clipped at the image's edge.
  const stitch = (tileOut: Float32Array, { image, row, col }: Slot): void => {
    const y0 = row * stepH;
    const x0 = col * stepW;
    const rowsKept = Math.min(stepH, h - y0);
    const valuesKept = Math.min(stepW, w - x0) * k;
    for (let y = 0; y < rowsKept; y++) {
      const src = ((geometry.margin + y) * outW + geometry.margin) * k;
      const dst = ((image * h + y0 + y) * w + x0) * k;
      result.set(tileOut.subarray(src, src + valuesKept), dst);
    }
  };

  for (let image = 0; image < count; image++) {
    const canvas = padImage(images.subarray(image * h * w * c, (image + 1) * h * w * c), [h, w, c], plan.pad, options.pad);
    for (let row = 0; row < plan.rows; row++) {
      for (let col = 0; col < plan.cols; col++) {
        cutTile(canvas, canvasShape, row * stepH, col * stepW, tileH, tileW, tiles.subarray(slots.length * tileSize));
        slots.push({ image, row, col });
        if (slots.length === options.batch) flush();
      }
    }
  }
  if (slots.length > 0) flush();
  return { data: result, shape: [count, h, w, k] };
}

/** Copies the tileH×tileW window at (top, left) of a [H, W, C] canvas into dst. */
function cutTile(canvas: Float32Array, [, canvasW, c]: Shape3, top: number, left: number, tileH: number, tileW: number, dst: Float32Array): void {
  for (let y = 0; y < tileH; y++) {
    const src = ((top + y) * canvasW + left) * c;
    dst.set(canvas.subarray(src, src + tileW * c), y * tileW * c);
  }
}
