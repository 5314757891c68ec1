// Where the tiles of the overlap-tile strategy go. A model maps an input tile of T×T pixels to
// an output of O×O; with valid convolutions O = T − 2·context and output pixel (y, x) sits over
// input pixel (y + context, x + context). Of each output we keep the centre, dropping `margin`
// pixels at every border (for same-padded models, whose border pixels saw zero padding). Kept
// regions of neighbouring tiles touch without overlapping, so their inputs overlap by exactly
// the context the model consumes; the image is mirror-padded so that every kept pixel of the
// image has its full context and the last row/column of tiles fits.
import type { Pad4 } from "../../runtime/ops.ts";

export type Shape3 = readonly [number, number, number];

/** The model's per-sample shapes and the border each output tile discards. */
export interface TileGeometry {
  /** Model input [T_h, T_w, C]. */
  readonly input: Shape3;
  /** Model output [O_h, O_w, K] for one input tile. */
  readonly output: Shape3;
  /** Output pixels discarded at each border of every tile. */
  readonly margin: number;
}

/** The tiles that cover one H×W image. */
export interface TilePlan {
  /** Mirror padding that turns the image into the tiled canvas. */
  readonly pad: Pad4;
  readonly rows: number;
  readonly cols: number;
  /** Kept output pixels per tile, [h, w]: the stride between tiles, in input and output alike. */
  readonly step: readonly [number, number];
}

/**
 * Checks and bundles a model's input/output shapes (per sample, [H, W, C]) and a margin.
 * Throws a clear error when the model cannot be tiled.
 */
export function tileGeometry(input: readonly number[], output: readonly number[], margin = 0): TileGeometry {
  const where = `overlap-tile: model input [${input.join(", ")}], output [${output.join(", ")}]`;
  if (input.length !== 3 || output.length !== 3) {
    throw new Error(`${where}: both must be images [H, W, C]; tiling needs a fully convolutional model with one image input and one image output`);
  }
  if (!Number.isInteger(margin) || margin < 0) throw new Error(`${where}: margin must be a non-negative integer, got ${margin}`);
  for (const axis of [0, 1]) {
    const lost = input[axis] - output[axis];
    if (lost < 0 || lost % 2 !== 0) {
      throw new Error(
        `${where}: the output must be centred in the input (input minus output even and >= 0 on each axis, got ${lost}); ` +
          `models that change resolution (strided output, upsampling) cannot be overlap-tiled`,
      );
    }
    if (output[axis] - 2 * margin < 1) {
      throw new Error(`${where}: margin ${margin} discards the whole ${output[axis]}-pixel output; use margin < ${Math.ceil(output[axis] / 2)}`);
    }
  }
  return { input: [input[0], input[1], input[2]], output: [output[0], output[1], output[2]], margin };
}

/** The tiles for an image of height h and width w (any size ≥ 1). */
export function planTiles(geometry: TileGeometry, h: number, w: number): TilePlan {
  const { input, output, margin } = geometry;
  const axis = (size: number, a: 0 | 1) => {
    const context = (input[a] - output[a]) / 2;
    const step = output[a] - 2 * margin;
    const count = Math.ceil(size / step);
    const before = context + margin;
    // The last tile reaches (count − 1)·step + T into the canvas; pad whatever the image lacks.
    const after = (count - 1) * step + input[a] - before - size;
    return { step, count, before, after };
  };
  const y = axis(h, 0);
  const x = axis(w, 1);
  return { pad: [y.before, y.after, x.before, x.after], rows: y.count, cols: x.count, step: [y.step, x.step] };
}
