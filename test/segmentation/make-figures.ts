// Writes the figures of docs/segmentation.md from the tool itself:
//   npx tsx test/segmentation/make-figures.ts
// docs/segmentation/tiling.png — UNetSmall's overlap-tile plan over a 150×150 nuclei image;
// docs/segmentation/sample-*.png — a training image, its mask and the overlay.
import { mkdirSync, writeFileSync } from "node:fs";
import { drawTilePlan, tileGeometry } from "../../src/backends/tiling/index.ts";
import { generateNuclei } from "../../src/data/nuclei.ts";
import { encodePng, greyPicture, overlay } from "../../src/io/png.ts";

const out = new URL("../../docs/segmentation/", import.meta.url);
mkdirSync(out, { recursive: true });

// UNetSmall: a 96×96 input tile predicts its central 56×56 (see examples/unet_small.net).
const big = generateNuclei({ count: 1, size: 150, seed: 7 });
const plan = drawTilePlan(big.images, 150, 150, tileGeometry([96, 96, 1], [56, 56, 1]), [1, 1], 2);
writeFileSync(new URL("tiling.png", out), encodePng(plan));

const sample = generateNuclei({ count: 1, size: 96, seed: 0 });
writeFileSync(new URL("sample-image.png", out), encodePng(greyPicture(sample.images, 96, 96)));
writeFileSync(new URL("sample-mask.png", out), encodePng(greyPicture(sample.masks, 96, 96)));
writeFileSync(new URL("sample-overlay.png", out), encodePng(overlay(sample.images, sample.masks, 96, 96)));
