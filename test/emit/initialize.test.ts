// A module compiled with --train starts from the runtime's seeded initialisation (what
// `netc train` starts from), can re-initialise with another seed, and saves what it learned as
// safetensors that `netc predict --weights` reads.
import { writeFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { emitTs } from "../../src/backends/emit-ts/index.ts";
import { readNpy, writeNpy } from "../../src/io/npy.ts";
import { parseSafetensors } from "../../src/io/safetensors.ts";
import { initializeParams } from "../../src/runtime/index.ts";
import { netc } from "../cli/in-process.ts";
import { graphsOfSource, importEmitted, maxAbsDiff, sampleInput } from "./emit-helpers.ts";

const source = `model Small {
  input x: [6, 6, 2]
  conv(4, 3x3, pad = 1)
  relu
  flatten
  dense(3)
  softmax
}

train Small {
  loss: cross_entropy
  optimizer: adam(lr = 0.01)
  batch: 4
  epochs: 1
  seed: 5
}
`;
const dir = mkdtempSync(join(tmpdir(), "netc-initialize-"));
const [graph] = graphsOfSource(source);

function sameBits(a: ReadonlyMap<string, Float32Array>, b: ReadonlyMap<string, Float32Array>): boolean {
  if (a.size !== b.size) return false;
  return [...a].every(([key, values]) => {
    const other = b.get(key);
    return other !== undefined && values.length === other.length && values.every((v, i) => Object.is(v, other[i]));
  });
}

describe("netc compile --train: initialize(seed) and saveWeights()", async () => {
  const m = await importEmitted(await emitTs(graph, { train: true, kernels: "js" }));

  it("starts from the train section's seed, bit for bit as netc train does, never from zeros", () => {
    expect(sameBits(m.params!, initializeParams(graph, 5))).toBe(true);
    expect([...m.params!.values()].some((p) => p.some((v) => v !== 0))).toBe(true);
  });

  it("initialize(seed) gives the runtime's values for that seed", () => {
    m.initialize!(11);
    expect(sameBits(m.params!, initializeParams(graph, 11))).toBe(true);
    expect(sameBits(m.params!, initializeParams(graph, 5))).toBe(false);
    m.initialize!();
    expect(sameBits(m.params!, initializeParams(graph, 5))).toBe(true);
  });

  it("saveWeights() after training is read by netc predict --weights, with the module's outputs", async () => {
    const x = sampleInput(4 * 72, 3);
    const y = Int32Array.from([0, 1, 2, 1]);
    for (let step = 0; step < 5; step++) m.trainStep!(x, y, 4);
    const bytes = m.saveWeights!();
    const saved = parseSafetensors(bytes, "module");
    expect([...saved.tensors.keys()].sort()).toEqual([...m.params!.keys()].sort());
    expect(sameBits(new Map([...saved.tensors].map(([k, t]) => [k, t.data as Float32Array])), m.params!)).toBe(true);

    const model = join(dir, "small.net");
    const weights = join(dir, "small.safetensors");
    writeFileSync(model, source);
    writeFileSync(weights, bytes);
    writeNpy(join(dir, "x.npy"), { shape: [4, 6, 6, 2], data: x });
    const r = await netc(["predict", model, "--weights", weights, "--input", join(dir, "x.npy"), "--output", join(dir, "y.npy")]);
    expect(r.code, r.stderr).toBe(0);
    const predicted = readNpy(join(dir, "y.npy")).data as Float32Array;
    expect(maxAbsDiff(predicted, m.forward(x, 4))).toBeLessThan(1e-5);
  });
});
