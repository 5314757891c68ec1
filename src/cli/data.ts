// `netc data NAME --out DIR`: writes a bundled dataset to disk so it can be inspected or used
// elsewhere (another framework, `netc train --data x.npy,y.npy`).
// - `nuclei [--count N] [--seed S] [--size PX]`: images.npy and masks.npy ([N, H, W, 1], float32)
//   plus PNGs of the first few samples (image, mask, mask tinted over the image).
// - `mnist`: exactly the split `--data mnist` trains on — train-x.npy [8000, 28, 28, 1] float32,
//   train-y.npy [8000] int32, val-x.npy, val-y.npy — plus PNGs of the first few training digits.
// - `words [--context T]`: the windows `--data words` trains a `[T] int` → `[T, 27]` model on
//   (default T = 16): train-x.npy, train-y.npy [N, T] int32 (targets shifted by one), val-x, val-y.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import type { Dataset } from "../data/dataset.ts";
import { WORDS_VOCABULARY } from "../data/chars/vocabulary.ts";
import { loadData } from "../data/load-data.ts";
import { loadMnist, MNIST_SHAPE } from "../data/mnist.ts";
import { generateNuclei, NUCLEI_DEFAULTS, splitNuclei } from "../data/nuclei.ts";
import { writeNpy } from "../io/npy.ts";
import { encodePng, greyPicture, overlay } from "../io/png.ts";

export const DATASETS = ["mnist", "nuclei", "words"] as const;

export interface DataOptions {
  readonly out: string;
  readonly count?: number;
  readonly seed?: number;
  readonly size?: number;
  readonly context?: number;
}

const SAMPLE_PNGS = 3;

/** Writes dataset `name` to `opts.out`; returns the exit code (0 ok, 1 failure, 2 bad usage). */
export async function runData(name: string, opts: DataOptions): Promise<number> {
  if (name === "mnist") return writeMnist(opts.out);
  if (name === "words") return writeWords(opts.out, opts.context ?? 16);
  if (name !== "nuclei") {
    process.stderr.write(`netc data: unknown dataset '${name}'; available: ${DATASETS.join(", ")}\n`);
    return 2;
  }
  const count = opts.count ?? NUCLEI_DEFAULTS.count;
  const size = opts.size ?? NUCLEI_DEFAULTS.size;
  const seed = opts.seed ?? NUCLEI_DEFAULTS.seed;
  let data;
  try {
    data = generateNuclei({ count, size, seed });
  } catch (error) {
    process.stderr.write(`netc data: ${(error as Error).message}\n`);
    return 2;
  }
  try {
    mkdirSync(opts.out, { recursive: true });
    writeNpy(join(opts.out, "images.npy"), { shape: data.shape, data: data.images });
    writeNpy(join(opts.out, "masks.npy"), { shape: data.shape, data: data.masks });
    const pixels = size * size;
    for (let i = 0; i < Math.min(SAMPLE_PNGS, count); i++) {
      const image = data.images.subarray(i * pixels, (i + 1) * pixels);
      const mask = data.masks.subarray(i * pixels, (i + 1) * pixels);
      writeFileSync(join(opts.out, `image-${i}.png`), encodePng(greyPicture(image, size, size)));
      writeFileSync(join(opts.out, `mask-${i}.png`), encodePng(greyPicture(mask, size, size)));
      writeFileSync(join(opts.out, `overlay-${i}.png`), encodePng(overlay(image, mask, size, size)));
    }
  } catch (error) {
    process.stderr.write(`netc data: cannot write to ${opts.out}: ${(error as Error).message}\n`);
    return 1;
  }
  const { train, validation } = splitNuclei(data);
  process.stdout.write(
    `wrote ${count} nuclei images of ${size}×${size} (seed ${seed}) to ${opts.out}: images.npy, masks.npy [${data.shape.join(", ")}] float32, ` +
      `and PNGs of the first ${Math.min(SAMPLE_PNGS, count)}; the first ${train.shape[0]} are the training split, the last ${validation.shape[0]} validation\n`,
  );
  return 0;
}

function writeMnist(out: string): number {
  const { train, validation } = loadMnist();
  const [height, width] = MNIST_SHAPE;
  const writeSplit = (prefix: string, split: Dataset) => {
    writeNpy(join(out, `${prefix}-x.npy`), { shape: [split.count, ...split.sampleShape], data: split.x });
    writeNpy(join(out, `${prefix}-y.npy`), { shape: [split.count], data: split.labels.data });
  };
  try {
    mkdirSync(out, { recursive: true });
    writeSplit("train", train);
    writeSplit("val", validation!);
    const pixels = height * width;
    for (let i = 0; i < SAMPLE_PNGS; i++) {
      const label = train.labels.data[i];
      const picture = greyPicture(train.x.subarray(i * pixels, (i + 1) * pixels), height, width);
      writeFileSync(join(out, `digit-${i}-label-${label}.png`), encodePng(picture));
    }
  } catch (error) {
    process.stderr.write(`netc data: cannot write to ${out}: ${(error as Error).message}\n`);
    return 1;
  }
  process.stdout.write(
    `wrote the MNIST split of --data mnist to ${out}: train-x.npy [${train.count}, ${MNIST_SHAPE.join(", ")}] float32 ` +
      `and train-y.npy [${train.count}] int32, val-x.npy and val-y.npy (${validation!.count}), ` +
      `and PNGs of the first ${SAMPLE_PNGS} training digits\n`,
  );
  return 0;
}

function writeWords(out: string, context: number): number {
  if (!Number.isInteger(context) || context < 1) {
    process.stderr.write(`netc data: --context must be a positive integer, got ${context}\n`);
    return 2;
  }
  let split;
  try {
    split = loadData("words", [context, WORDS_VOCABULARY.length], 0, { name: "ids", shape: [context] });
  } catch (error) {
    process.stderr.write(`netc data: ${(error as Error).message}\n`);
    return 1;
  }
  const writeSplit = (prefix: string, part: Dataset) => {
    writeNpy(join(out, `${prefix}-x.npy`), { shape: [part.count, context], data: Int32Array.from(part.x) });
    writeNpy(join(out, `${prefix}-y.npy`), { shape: [part.count, context], data: part.labels.data });
  };
  try {
    mkdirSync(out, { recursive: true });
    writeSplit("train", split.train);
    writeSplit("val", split.validation!);
  } catch (error) {
    process.stderr.write(`netc data: cannot write to ${out}: ${(error as Error).message}\n`);
    return 1;
  }
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
    .option("--count <n>", "number of images (nuclei)", (v) => Number.parseInt(v, 10))
    .option("--seed <n>", "generator seed (nuclei)", (v) => Number.parseInt(v, 10))
    .option("--size <px>", "image side in pixels (nuclei)", (v) => Number.parseInt(v, 10))
    .option("--context <n>", "window length in characters (words)", (v) => Number.parseInt(v, 10))
    .action(async (name: string, opts: DataOptions) => {
      process.exitCode = await runData(name, opts);
    });
}
