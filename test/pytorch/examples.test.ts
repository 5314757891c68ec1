// Every example in examples/, exported with `netc export --pytorch`: the PyTorch module on the
// same weights gives `netc predict`'s outputs to 1e-4. The transformers of spec section 11 run
// with smaller --param settings (the same ops and blocks, fewer and narrower ones).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { ParamValue } from "../../src/check/index.ts";
import { runExport } from "../../src/cli/export.ts";
import { runPredict } from "../../src/cli/predict.ts";
import { writeNpy } from "../../src/io/npy.ts";
import { expectClose, type BatchedArray } from "../onnx/onnx-harness.ts";
import { graphOf, randomInputs, randomWeights, readArray, writeWeights } from "./harness.ts";
import { runPython } from "./python.ts";

const EXAMPLES = new URL("../../examples/", import.meta.url).pathname;
const FORWARD_PY = new URL("./forward.py", import.meta.url).pathname;

interface Case {
  readonly file: string;
  readonly model?: string;
  readonly params?: Record<string, ParamValue>;
  /** Rewrites the source to a smaller model with the same ops (VGG16 has no size parameter). */
  readonly shrink?: (source: string) => string;
}

// A case's seeds are its index: new cases go at the end, so that the others keep their inputs.
const CASES: Case[] = [
  { file: "efficientnet.net" },
  { file: "lenet5.net" },
  { file: "mobilenet_table3.net", model: "FullConv" },
  { file: "mobilenet_table3.net", model: "DepthwiseSeparable" },
  { file: "mobilenet_v1.net", params: { alpha: 0.25, classes: 10 } },
  { file: "resnet18.net", params: { classes: 10 } },
  { file: "seed_conv.net" },
  { file: "unet_small.net" },
  {
    file: "vgg16.net",
    params: { classes: 10 },
    // 32×32 inputs instead of 224×224: the same layers, a 1×1 map after the fifth stage.
    shrink: (s) => s.replace("[224, 224, 3]", "[32, 32, 3]").replace(": [7, 7, 512]", ": [1, 1, 512]"),
  },
  { file: "bert_base.net", params: { vocab: 50, length: 12, width: 32, depth: 2, heads: 4, mlp: 48 } },
  { file: "char_gpt.net" },
  { file: "gpt2.net", params: { vocab: 60, context: 12, width: 32, depth: 2, heads: 4 } },
  { file: "lstm_text.net", params: { vocab: 500, length: 40 } },
  {
    file: "vit_b16.net",
    params: { classes: 10, width: 32, depth: 2, heads: 4, mlp: 48 },
    // 48×48 images: 3×3 patches of 16×16, 10 tokens with the class token.
    shrink: (s) =>
      s
        .replace("[224, 224, 3]", "[48, 48, 3]")
        .replace(": [14, 14, width]", ": [3, 3, width]")
        .replace(": [196, width]", ": [9, width]")
        .replace(": [197, width]", ": [10, width]")
        .replace("positional(197)", "positional(10)"),
  },
  { file: "vit_mnist.net" },
  { file: "cifar_resnet.net" },
];

const caseName = (c: Case): string => (c.model ? `${c.file} ${c.model}` : c.file);

describe("the exported PyTorch module equals netc predict on every example", () => {
  const dir = mkdtempSync(join(tmpdir(), "netc-pytorch-examples-"));
  const expected = new Map<string, BatchedArray>();
  const actual = new Map<string, BatchedArray>();

  beforeAll(async () => {
    vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      const jobs = [];
      for (const [index, c] of CASES.entries()) {
        const folder = join(dir, String(index));
        mkdirSync(folder);
        let file = join(EXAMPLES, c.file);
        if (c.shrink) {
          file = join(folder, c.file);
          writeFileSync(file, c.shrink(readFileSync(join(EXAMPLES, c.file), "utf8")));
        }
        const params = c.params ?? {};
        const graph = graphOf(file, c.model, params);
        const weights = join(folder, "weights.safetensors");
        writeWeights(weights, randomWeights(graph, index));
        const inputs = randomInputs(graph, 2, 100 + index).map((array, i) => {
          const path = join(folder, `x${i}.npy`);
          writeNpy(path, array);
          return path;
        });
        const pkg = join(folder, "package");
        expect(await runExport(file, { model: c.model, params, pytorch: pkg, weights })).toBe(0);
        const predicted = join(folder, "netc.npy");
        // One file for one input, `name=file` each for several.
        const names = graph.inputs.map((id) => graph.nodes[id].name);
        const input = inputs.length === 1 ? inputs : inputs.map((path, i) => `${names[i]}=${path}`);
        const predict = { model: c.model, params, weights, input, output: predicted };
        expect(await runPredict(file, { ...predict, tiles: false, png: false, batch: 2 })).toBe(0);
        expected.set(caseName(c), readArray(predicted));
        jobs.push({
          package: pkg,
          class: graph.model,
          weights: join(pkg, "weights.safetensors"),
          inputs,
          outputs: [join(folder, "torch.npy")],
        });
      }
      writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
      runPython([FORWARD_PY, join(dir, "jobs.json")], { timeout: 300_000 });
      CASES.forEach((c, index) => actual.set(caseName(c), readArray(join(dir, String(index), "torch.npy"))));
    } finally {
      vi.restoreAllMocks();
    }
  }, 600_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const c of CASES) {
    it(caseName(c), () => {
      expectClose(actual.get(caseName(c))!, expected.get(caseName(c))!, caseName(c), 1e-4, 1e-5);
    });
  }

  it("covers every model of every example", () => {
    const models = readdirSync(EXAMPLES)
      .filter((f) => f.endsWith(".net"))
      .flatMap((f) => {
        const names = [...readFileSync(join(EXAMPLES, f), "utf8").matchAll(/^model (\w+)/gm)].map((m) => m[1]);
        return names.length > 1 ? names.map((m) => `${f} ${m}`) : [f];
      });
    expect(models.filter((m) => !CASES.some((c) => caseName(c) === m))).toEqual([]);
  });
});
