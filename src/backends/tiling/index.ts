// The overlap-tile strategy (U-Net): predict images of any size with a fixed-size model.
export { overlapTile, type OverlapTileOptions, type PredictBatch } from "./overlap-tile.ts";
export { predictTiled, type TiledPredictOptions } from "./predict-tiled.ts";
export { planTiles, tileGeometry, type Shape3, type TileGeometry, type TilePlan } from "./plan.ts";
export { drawTilePlan } from "./draw-plan.ts";
export { padImage, reflectIndex, type PadMode } from "./pad-image.ts";
