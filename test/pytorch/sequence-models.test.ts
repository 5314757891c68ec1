// Small models written in .net that put the section 11 ops where the examples do not: sinusoidal
// positions, a tied head with a bias, cross-attention, GRU and LSTM sequences, norms and PReLU on
// images and sequences. The exported module on netc's weights equals `netc predict` to 1e-4.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runExport } from "../../src/cli/export.ts";
import { runPredict } from "../../src/cli/predict.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { expectClose, type BatchedArray } from "../onnx/onnx-harness.ts";
import { graphOf, randomInputs, randomWeights, readArray, writeWeights } from "./harness.ts";
import { runPython } from "./python.ts";

const FORWARD_PY = new URL("./forward.py", import.meta.url).pathname;

const MODELS: Record<string, string> = {
  "a ViT with sinusoidal positions and rmsnorm": `model TinyViT {
    input image: [8, 8, 3]
    conv(12, 4x4, stride = 4)
    reshape([-1, 12])
    class_token
    positional(5, mode = "sinusoidal")
    parallel add { { } { rmsnorm  attention(3) } }
    layernorm
    take(0)
    dense(4)
  }`,
  "a next-token model: LSTM sequences, the last position, a tied head with a bias": `model NextChar {
    input ids: [5] int
    embedding(10, 6, name = "table")
    lstm(6, return_sequences = true)
    take(-1)
    dense(10, tie = "table")
  }`,
  "cross-attention, GRU and LSTM, pooling over positions": `model Recurrent {
    input memory: [5, 6]
    input x: [7, 4]
    lstm(8, return_sequences = true)
    attention(2, context = memory) -> a
    gru(6, return_sequences = true)
    globalmaxpool -> g
    from a
    lstm(6)
    add(g)
    from a
    gru(5)
    concat(g)
  }`,
  "the general ops on images and sequences": `model General {
    input image: [6, 6, 4]
    conv(6, 3x3, pad = 1)
    prelu
    layernorm
    rmsnorm
    groupnorm(3)
    instancenorm -> n
    abs
    sqrt
    sub(n)
    exp
    log
    clip(-1, 1.5)
    selu
    reshape([-1, 6])
    hard_sigmoid -> s
    neg
    maximum(s)
    minimum(s)
    div(s)
    transpose([1, 0])
    prelu
    groupnorm(2)
    instancenorm
    globalavgpool
  }`,
};

describe("the exported PyTorch module equals netc predict on small sequence models", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-sequence-"));
  const expected = new Map<string, BatchedArray>();
  const actual = new Map<string, BatchedArray>();

  beforeAll(async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const jobs = [];
      for (const [index, [name, source]] of Object.entries(MODELS).entries()) {
        const folder = join(dir, String(index));
        mkdirSync(folder);
        const file = join(folder, "model.net");
        writeFileSync(file, source);
        const graph = graphOf(file);
        const weights = join(folder, "weights.safetensors");
        writeWeights(weights, randomWeights(graph, 40 + index));
        const inputs = randomInputs(graph, 2, 60 + index).map((array, i) => {
          const path = join(folder, `x${i}.npy`);
          writeNpy(path, array);
          return path;
        });
        const names = graph.inputs.map((id) => graph.nodes[id].name);
        const pkg = join(folder, "package");
        expect(await runExport(file, { params: {}, pytorch: pkg, weights })).toBe(0);
        const predicted = join(folder, "netc.npy");
        const input = inputs.length === 1 ? inputs : inputs.map((path, i) => `${names[i]}=${path}`);
        expect(await runPredict(file, { params: {}, weights, input, output: predicted, tiles: false, png: false, batch: 2 })).toBe(0);
        expected.set(name, readArray(predicted));
        jobs.push({ package: pkg, class: graph.model, weights, inputs, outputs: [join(folder, "torch.npy")] });
      }
      writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
      runPython([FORWARD_PY, join(dir, "jobs.json")]);
      Object.keys(MODELS).forEach((name, index) => actual.set(name, readArray(join(dir, String(index), "torch.npy"))));
    } finally {
      vi.restoreAllMocks();
    }
  }, 300_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const name of Object.keys(MODELS)) {
    it(name, () => expectClose(actual.get(name)!, expected.get(name)!, name, 1e-4, 1e-5));
  }
});
