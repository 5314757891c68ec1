// `netc data NAME --out DIR`: writes a bundled dataset to disk so it can be inspected or used
// elsewhere (another framework, `netc train --data x.npy,y.npy`).
// - `nuclei [--count N] [--seed S] [--size PX]`: images.npy and masks.npy ([N, H, W, 1], float32)
//   plus PNGs of the first few samples (image, mask, mask tinted over the image).
// - `mnist`: exactly the split `--data mnist` trains on — train-x.npy [8000, 28, 28, 1] float32,
//   train-y.npy [8000] int32, val-x.npy, val-y.npy — plus PNGs of the first few training digits.
// - `words [--context T]`: the windows `--data words` trains a `[T] int` → `[T, 27]` model on
//   (default T = 16): train-x.npy, train-y.npy [N, T] int32 (targets shifted by one), val-x, val-y.
import { join } from "node:path";
import type { Command } from "commander";
import type { Dataset } from "../data/dataset.ts";
import { WORDS_VOCABULARY } from "../data/chars/vocabulary.ts";
import { loadData } from "../data/load-data.ts";
import { loadMnist, MNIST_SHAPE } from "../data/mnist.ts";
import { generateNuclei, NUCLEI_DEFAULTS, splitNuclei } from "../data/nuclei.ts";
import { writeFileAtomic } from "../io/atomic-write.ts";
import { writeNpy } from "../io/npy.ts";
import { encodePng, greyPicture, overlay } from "../io/png.ts";
import { UsageError } from "./errors.ts";
import { integerOption, prepareOutputFolder } from "./options.ts";

export const DATASETS = ["mnist", "nuclei", "words"] as const;

export interface DataOptions {
  readonly out: string;
  readonly count?: number;
  readonly seed?: number;
  readonly size?: number;
  readonly context?: number;
}

const SAMPLE_PNGS = 3;
/** Generated pixels per array at most (each array is float32: 512 MiB). */
const MAX_PIXELS = 2 ** 27;

/** Writes dataset `name` to `opts.out` and returns 0; bad options throw a UsageError, a folder
 * that cannot be written a CliError from the atomic writes. */
export async function runData(name: string, opts: DataOptions): Promise<number> {
  if (name === "mnist") return writeMnist(opts.out);
  if (name === "words") return writeWords(opts.out, opts.context ?? 16);
  if (name !== "nuclei") throw new UsageError(`unknown dataset '${name}'; available: ${DATASETS.join(", ")}`);
  const count = opts.count ?? NUCLEI_DEFAULTS.count;
  const size = opts.size ?? NUCLEI_DEFAULTS.size;
  const seed = opts.seed ?? NUCLEI_DEFAULTS.seed;
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--count must be a positive integer, got ${count}`);
  if (count * size * size > MAX_PIXELS)
    throw new UsageError(
      `--count ${count} images of ${size}×${size} is ${(count * size * size).toLocaleString("en-US")} pixels per array; ` +
        `the most is ${MAX_PIXELS.toLocaleString("en-US")}: use fewer or smaller images`,
    );
  prepareOutputFolder(opts.out);
  const data = generateNuclei({ count, size, seed });
  writeNpy(join(opts.out, "images.npy"), { shape: data.shape, data: data.images });
  writeNpy(join(opts.out, "masks.npy"), { shape: data.shape, data: data.masks });
  const pixels = size * size;
  for (let i = 0; i < Math.min(SAMPLE_PNGS, count); i++) {
    const image = data.images.subarray(i * pixels, (i + 1) * pixels);
    const mask = data.masks.subarray(i * pixels, (i + 1) * pixels);
    writeFileAtomic(join(opts.out, `image-${i}.png`), [encodePng(greyPicture(image, size, size))]);
    writeFileAtomic(join(opts.out, `mask-${i}.png`), [encodePng(greyPicture(mask, size, size))]);
    writeFileAtomic(join(opts.out, `overlay-${i}.png`), [encodePng(overlay(image, mask, size, size))]);
  }
  const { train, validation } = splitNuclei(data);
  process.stdout.write(
    `wrote ${count} nuclei images of ${size}×${size} (seed ${seed}) to ${opts.out}: images.npy, masks.npy [${data.shape.join(", ")}] float32, ` +
      `and PNGs of the first ${Math.min(SAMPLE_PNGS, count)}; the first ${train.shape[0]} are the training split, the last ${validation.shape[0]} validation\n`,
  );
  return 0;
}

function writeMnist(out: string): number {
  prepareOutputFolder(out);
  const { train, validation } = loadMnist();
  const [height, width] = MNIST_SHAPE;
  const writeSplit = (prefix: string, split: Dataset) => {
    writeNpy(join(out, `${prefix}-x.npy`), { shape: [split.count, ...split.sampleShape], data: split.x });
    writeNpy(join(out, `${prefix}-y.npy`), { shape: [split.count], data: split.labels.data });
  };
  writeSplit("train", train);
  writeSplit("val", validation!);
  const pixels = height * width;
  for (let i = 0; i < SAMPLE_PNGS; i++) {
    const label = train.labels.data[i];
    const picture = greyPicture(train.x.subarray(i * pixels, (i + 1) * pixels), height, width);
    writeFileAtomic(join(out, `digit-${i}-label-${label}.png`), [encodePng(picture)]);
  }
  process.stdout.write(
    `wrote the MNIST split of --data mnist to ${out}: train-x.npy [${train.count}, ${MNIST_SHAPE.join(", ")}] float32 ` +
      `and train-y.npy [${train.count}] int32, val-x.npy and val-y.npy (${validation!.count}), ` +
      `and PNGs of the first ${SAMPLE_PNGS} training digits\n`,
  );
  return 0;
}

function writeWords(out: string, context: number): number {
  prepareOutputFolder(out);
  const split = loadData("words", [context, WORDS_VOCABULARY.length], 0, { name: "ids", shape: [context] });
  const writeSplit = (prefix: string, part: Dataset) => {
    writeNpy(join(out, `${prefix}-x.npy`), { shape: [part.count, context], data: Int32Array.from(part.x) });
    writeNpy(join(out, `${prefix}-y.npy`), { shape: [part.count, context], data: part.labels.data });
  };
  writeSplit("train", split.train);
  writeSplit("val", split.validation!);
  process.stdout.write(
    `wrote the windows of --data words to ${out}: train-x.npy and train-y.npy [${split.train.count}, ${context}] int32 ` +
      `(targets shifted by one), val-x.npy and val-y.npy [${split.validation!.count}, ${context}]; ids: '.' = 0, a–z = 1–26\n`,
  );
  return 0;
}

export function registerData(program: Command): void {
  program
    .command("data")
    .description("write a bundled dataset to disk as .npy plus sample PNGs")
    .argument("<name>", DATASETS.join(" | "))
    .requiredOption("--out <dir>", "output directory")
    .option("--count <n>", "number of images (nuclei)", integerOption("--count", 1, 1_000_000))
    .option("--seed <n>", "generator seed (nuclei)", integerOption("--seed", 0, 2 ** 32 - 1))
    .option("--size <px>", "image side in pixels (nuclei)", integerOption("--size", 16, 4096))
    .option("--context <n>", "window length in characters (words)", integerOption("--context", 1, 4096))
    .action(async (name: string, opts: DataOptions) => {
      process.exitCode = await runData(name, opts);
    });
}
