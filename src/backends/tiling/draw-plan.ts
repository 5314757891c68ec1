// A picture of a tiling, for the docs and for people checking a tile size: the mirror-padded
// canvas (the mirrored border tinted blue), each tile's kept output region outlined in its own
// colour, and the full input window of one tile outlined in yellow to show the overlap.
import type { Picture } from "../../io/png.ts";
import { planTiles, type TileGeometry } from "./plan.ts";
import { padImage } from "./pad-image.ts";

const COLOURS: readonly (readonly [number, number, number])[] = [
  [230, 60, 60],
  [60, 170, 250],
  [90, 220, 90],
  [220, 120, 240],
];
const YELLOW = [255, 220, 0] as const;

/** Draws the tiling of a grey [h, w] image in [0, 1], scaled up `scale` times. */
export function drawTilePlan(image: Float32Array, h: number, w: number, geometry: TileGeometry, shownTile: readonly [number, number], scale = 2): Picture {
  const plan = planTiles(geometry, h, w);
  const [top, , left] = plan.pad;
  const canvasH = h + plan.pad[0] + plan.pad[1];
  const canvasW = w + plan.pad[2] + plan.pad[3];
  const canvas = padImage(image, [h, w, 1], plan.pad);
  const width = canvasW * scale;
  const height = canvasH * scale;
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const cy = Math.floor(y / scale);
      const cx = Math.floor(x / scale);
      const inside = cy >= top && cy < top + h && cx >= left && cx < left + w;
      const grey = Math.min(1, Math.max(0, canvas[cy * canvasW + cx])) * 255;
      // The mirrored border is tinted blue so the image's own extent stands out.
      const rgb = inside ? [grey, grey, grey] : [0.6 * grey, 0.6 * grey, 0.6 * grey + 70];
      data.set(rgb.map(Math.round), (y * width + x) * 3);
    }
  }
  const rect = (y0: number, x0: number, rh: number, rw: number, colour: readonly number[], inset: number): void => {
    const ys = [y0 * scale + inset, (y0 + rh) * scale - 1 - inset];
    const xs = [x0 * scale + inset, (x0 + rw) * scale - 1 - inset];
    const set = (y: number, x: number): void => data.set(colour, (y * width + x) * 3);
    for (let x = xs[0]; x <= xs[1]; x++) ys.forEach((y) => set(y, x));
    for (let y = ys[0]; y <= ys[1]; y++) xs.forEach((x) => set(y, x));
  };
  const [stepH, stepW] = plan.step;
  for (let r = 0; r < plan.rows; r++) {
    for (let c = 0; c < plan.cols; c++) {
      const keptH = Math.min(stepH, h - r * stepH);
      const keptW = Math.min(stepW, w - c * stepW);
      rect(top + r * stepH, left + c * stepW, keptH, keptW, COLOURS[(r + c) % COLOURS.length], 1);
    }
  }
  const [shownRow, shownCol] = shownTile;
  rect(shownRow * stepH, shownCol * stepW, geometry.input[0], geometry.input[1], YELLOW, 0);
  return { width, height, channels: 3, data };
}
